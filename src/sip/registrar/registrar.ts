/**
 * The SIP registrar — RFC 3261 §10.3 (processing REGISTER requests): authenticates the request
 * (§22, RFC 8760), plans the bindings (`planRegister`, pure), stores them in the LocationStore and
 * mirrors each live binding as an Endpoint in the SessionRegistry until it expires or is removed.
 * https://www.rfc-editor.org/rfc/rfc3261#section-10.3
 */

import type {
  AccountStore,
  Endpoint,
  SessionRegistry,
  SipBindingRecord,
  UserId,
  UserRecord,
} from '../../core/ports.js';
import type { Clock } from '../../kernel/clock.js';
import { Deadlines } from '../../kernel/deadlines.js';
import type { Logger } from '../../kernel/log.js';
import { ownStringOrNull } from '../../kernel/own-string.js';
import type { SipDigestAuth } from '../auth/sip-digest-auth.js';
import type { SipDomain } from '../sip-domain.js';
import type { SipRequestContext } from '../sip-stack.js';
import type { Flow } from '../transport/index.js';
import type { SipHeader } from '../wire/index.js';
import { readRegister } from './register-request.js';
import { type Binding, planRegister, type RegisterInput } from './rfc3261-binding-updates.js';
import { bindingResource, sipEndpoint, sipEndpointId } from './sip-endpoints.js';
import type { WriteBehindLocation } from './write-behind-location.js';

export interface RegistrarOptions {
  readonly domain: SipDomain;
  readonly clock: Clock;
  readonly log: Logger;
  readonly auth: SipDigestAuth;
  /** The bindings, in memory (ADR 0009): reads and changes on the request path do not wait. */
  readonly location: Pick<WriteBehindLocation, 'liveOf' | 'replace' | 'liveBindings' | 'forget'>;
  readonly accounts: Pick<AccountStore, 'findUserById'>;
  readonly sessions: SessionRegistry;
  readonly policy: RegisterInput['policy'];
}

export type RegisteredListener = (
  user: UserRecord,
  bindings: readonly SipBindingRecord[],
) => void | Promise<void>;

/** The flow a request came on: the stack hands transactions the Flow as their transport. */
export function flowOf(context: SipRequestContext): Flow | undefined {
  const transport: unknown = context.transaction.transport;
  return typeof transport === 'object' && transport !== null && 'id' in transport && 'remote' in transport
    ? (transport as Flow)
    : undefined;
}

export class Registrar {
  readonly #o: RegistrarOptions;
  /** Each user's next binding expiry (one timer for all: kernel/deadlines.ts). */
  readonly #expiries: Deadlines<UserId>;
  readonly #listeners = new Set<RegisteredListener>();

  constructor(options: RegistrarOptions) {
    this.#o = options;
    this.#expiries = new Deadlines(options.clock, (userId) => void this.#expire(userId));
  }

  /** Told after each successful REGISTER that left the user with live bindings. */
  onRegistered(listener: RegisteredListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The live binding behind a SIP endpoint, or undefined once it went. */
  async bindingFor(endpoint: Endpoint): Promise<SipBindingRecord | undefined> {
    const bindings = this.#o.location.liveOf(endpoint.userId, this.#o.clock.now());
    return bindings.find((binding) => bindingResource(binding.contact) === endpoint.resource);
  }

  async handle(context: SipRequestContext): Promise<void> {
    const { request, respond } = context;
    const { auth, clock, domain } = this.#o;
    const now = clock.now();
    const flow = flowOf(context);
    // §10.3 step 1: this registrar serves its domain only.
    if (request.uri.kind !== 'sip' || !domain.serves(request.uri.host, request.uri.port))
      return respond(404, 'Domain Not Served');
    // §10.3 step 3 and §22.2: authenticate, with 401 and WWW-Authenticate.
    const user = await auth.authenticate(request, respond, 'uas', flow?.remote.address ?? '', now);
    if (!user) return;
    const reading = readRegister(request, domain);
    if (!reading.ok) return respond(reading.status, reading.reason);
    const registration = reading.value;
    // §10.3 step 4: the authenticated user may only change the bindings of their own AoR.
    if (registration.aor.user?.toLowerCase() !== user.username) return respond(403, 'Forbidden');
    const previous = this.#o.location.liveOf(user.id, now);
    const plan = planRegister({
      bindings: previous,
      contacts: registration.contacts,
      expiresHeader: registration.expiresHeader,
      callId: registration.callId,
      cseq: registration.cseq,
      now,
      policy: this.#o.policy,
    });
    if (!plan.ok) {
      // §10.3 step 6: 423 carries the Min-Expires the registrar accepts.
      const headers: SipHeader[] =
        plan.minExpires === undefined ? [] : [{ name: 'Min-Expires', value: String(plan.minExpires) }];
      return respond(plan.status, plan.reason, headers);
    }
    const byContact = new Map(previous.map((binding) => [binding.contact, binding]));
    const requested = new Map(
      registration.contacts === undefined || registration.contacts === '*'
        ? []
        : registration.contacts.map((c) => [c.contact, c]),
    );
    const records = plan.bindings.map((binding): SipBindingRecord => {
      const old = byContact.get(binding.contact);
      const asked = requested.get(binding.contact);
      if (old && !asked) return old;
      // The binding outlives the request: its strings are copies (ownString), or the old
      // binding's when a refresh repeats them, so that it keeps no parsed message alive.
      const keep = <T extends string | null>(value: T, before: T | undefined): T =>
        before !== undefined && before === value ? before : ownStringOrNull(value);
      return {
        userId: user.id,
        ...binding,
        contact: keep(binding.contact, old?.contact),
        callId: keep(binding.callId, old?.callId),
        // Requests to this binding go back on the flow it registered over (RFC 5626 §5.3 in spirit).
        flowId: keep(flow?.id ?? null, old?.flowId),
        transport: flow?.transport ?? 'udp',
        instanceId: keep(asked?.instanceId ?? null, old?.instanceId),
        regId: asked?.regId ?? null,
        userAgent: keep(registration.userAgent, old?.userAgent),
        updatedAt: now,
      };
    });
    if (registration.contacts !== undefined) this.#o.location.replace(user.id, records);
    // §10.3 step 8: 200 lists every current binding with its expires; Date is a SHOULD.
    respond(200, 'OK', [
      ...records.map((b) => contactHeader(b, now)),
      { name: 'Date', value: httpDate(now) },
    ]);
    await this.#syncEndpoints(user, records);
    if (records.length > 0) for (const listener of this.#listeners) await listener(user, records);
  }

  /** After a restart: the stored live bindings become endpoints again. */
  async restore(limit: number): Promise<number> {
    const bindings = await this.#o.location.liveBindings(this.#o.clock.now(), limit);
    const byUser = new Map<UserId, SipBindingRecord[]>();
    for (const binding of bindings)
      byUser.set(binding.userId, [...(byUser.get(binding.userId) ?? []), binding]);
    for (const [userId, records] of byUser) {
      const user = await this.#o.accounts.findUserById(userId);
      if (user) await this.#syncEndpoints(user, records);
    }
    return bindings.length;
  }

  /** A removed user: their bindings and SIP endpoints go now, not at their expiry. */
  async forgetUser(user: UserRecord): Promise<void> {
    this.#o.location.forget(user.id);
    await this.#syncEndpoints(user, []);
  }

  close(): void {
    this.#expiries.clear();
  }

  /** The user's SIP endpoints become exactly their live bindings; then wait for the next expiry. */
  async #syncEndpoints(user: UserRecord, bindings: readonly SipBindingRecord[]): Promise<void> {
    const { sessions, domain, clock } = this.#o;
    const now = clock.now();
    // Compared by id: a refresh, the usual REGISTER, finds its endpoint there and builds nothing.
    const live = bindings.filter((b) => b.expiresAt > now);
    const liveIds = live.map((b) => sipEndpointId(user, domain.name, b.contact));
    const wantedIds = new Set(liveIds);
    const current = (await sessions.endpointsOf(user.id)).filter((endpoint) => endpoint.protocol === 'sip');
    for (const endpoint of current) if (!wantedIds.has(endpoint.id)) await sessions.remove(endpoint.id);
    const currentIds = new Set(current.map((endpoint) => endpoint.id));
    for (const [i, binding] of live.entries())
      if (!currentIds.has(liveIds[i] as string)) await sessions.add(sipEndpoint(user, domain.name, binding));
    this.#scheduleExpiry(user, bindings);
  }

  #scheduleExpiry(user: UserRecord, bindings: readonly SipBindingRecord[]): void {
    const now = this.#o.clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (const binding of bindings)
      if (binding.expiresAt > now && binding.expiresAt < next) next = binding.expiresAt;
    if (next === Number.POSITIVE_INFINITY) this.#expiries.delete(user.id);
    else this.#expiries.set(user.id, next);
  }

  async #expire(userId: UserId): Promise<void> {
    try {
      const user = await this.#o.accounts.findUserById(userId);
      // A removed user's bindings and endpoints went with forgetUser.
      if (user) await this.#syncEndpoints(user, this.#o.location.liveOf(userId, this.#o.clock.now()));
    } catch (error) {
      this.#o.log.error({ err: error, userId }, 'SIP binding expiry failed');
    }
  }
}

/** RFC 3261 §20.17 Date (RFC 1123 form), made once per second rather than once per REGISTER. */
let lastDate = { second: Number.NaN, text: '' };
function httpDate(now: number): string {
  const second = Math.floor(now / 1000);
  if (second !== lastDate.second) lastDate = { second, text: new Date(second * 1000).toUTCString() };
  return lastDate.text;
}

function contactHeader(binding: Binding, now: number): SipHeader {
  const seconds = Math.max(0, Math.round((binding.expiresAt - now) / 1000));
  const q = binding.q === null ? '' : `;q=${binding.q}`;
  return { name: 'Contact', value: `<${binding.contact}>;expires=${seconds}${q}` };
}
