/**
 * MessageService: one-to-one messages from any protocol to a local user's endpoints (SPEC M1),
 * forked and locked (SPEC M2, RFC 6121 §8.5, XEP-0296), or kept offline (SPEC M3, XEP-0160).
 * https://www.rfc-editor.org/rfc/rfc6121#section-8.5 · https://xmpp.org/extensions/xep-0160.html
 *
 * Adapter → send() → planDelivery() → each endpoint's protocol driver (DESIGN.md "The model
 * flow"). A message is never lost in between: when every driver fails, it is planned again
 * without those endpoints, and in the end stored offline if the rules allow.
 */
import type { Clock } from '../../kernel/clock.js';
import { HeraldError, invalid, isHeraldError } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import { type BareJid, jidDomain, jidLocal } from '../address/jid.js';
import type { ArchiveService } from '../archive/archive-service.js';
import { complianceRecordOf } from '../compliance/compliance-policy.js';
import type { ComplianceService } from '../compliance/compliance-service.js';
import type {
  Endpoint,
  EndpointProtocol,
  OfflineMessageRecord,
  SessionRegistry,
  Store,
  UserId,
} from '../ports.js';
import type { ChatMessage } from './chat-message.js';
import { type DeliveryPlan, type DeliveryRule, type ForkPolicy, planDelivery } from './delivery-plan.js';
import { OfflineEmptiness } from './offline-emptiness.js';
import { ResourceLocks } from './resource-locks.js';

/** Hands a message to one endpoint of its protocol; true once the endpoint's link took it. */
export interface MessageDriver {
  deliver(endpoint: Endpoint, message: ChatMessage): Promise<boolean> | boolean;
}

export interface MessageServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly sessions: SessionRegistry;
  /** The served domain: only its users are recipients here. */
  readonly domain: string;
  /** Offline messages kept per user; default 1000. */
  readonly offlineQuota?: number;
  /**
   * How long a user's empty offline box is believed without asking the store (ADR 0008); a
   * message this service stores drops it at once. Default 60 s; 0: always ask.
   */
  readonly offlineEmptyTtlMs?: number;
  /** Default 'lock-on-reply'. */
  readonly policy?: ForkPolicy;
  /** XEP-0296 idle timeout; default 10 minutes. */
  readonly lockIdleMs?: number;
  /** Told when a driver throws; the message then counts as not delivered there. */
  readonly onDriverError?: (endpoint: Endpoint, error: unknown) => void;
  /** SPEC M5: archives every 1:1 message with a body, once per user archive (XEP-0313). */
  readonly archive?: ArchiveService;
  /** Told when archiving a delivered message failed (the message itself went through). */
  readonly onArchiveError?: (error: unknown) => void;
  /** SPEC M7: every 1:1 message with a body goes to the compliance sink before it is delivered. */
  readonly compliance?: ComplianceService;
}

/** What became of a message; the adapter answers the sender from it. */
export type SendResult =
  | { readonly kind: 'delivered'; readonly endpointIds: readonly string[]; readonly isLocked: boolean }
  | { readonly kind: 'stored'; readonly offlineId: string }
  /**
   * Answer the sender with this stanza error (a SIP status for SIP). 'resource-constraint': the
   * recipient's offline queue is full (XEP-0160 §2 allows <service-unavailable/>; this says why).
   */
  | {
      readonly kind: 'error';
      readonly condition: 'service-unavailable' | 'resource-constraint';
      readonly rule: DeliveryRule | 'XEP-0160 §2';
    }
  | { readonly kind: 'dropped'; readonly rule: DeliveryRule }
  /** SPEC M7, compliance.required: the sink is unreachable, so the message was not accepted. */
  | { readonly kind: 'refused'; readonly reason: 'compliance-unavailable' };

export const DEFAULT_OFFLINE_QUOTA = 1000;
const MAX_OFFLINE_PAGE = 500;
/** A removal through this process is seen at once (forgetUser); through another, within this. */
const USER_ID_TTL_MS = 10_000;
const MAX_KNOWN_USER_IDS = 10_000;
/** ADR 0008: how long "no offline messages" is believed without a store read. */
export const DEFAULT_OFFLINE_EMPTY_TTL_MS = 60_000;

export class MessageService {
  readonly #o: MessageServiceOptions;
  readonly #policy: ForkPolicy;
  readonly #quota: number;
  readonly #locks: ResourceLocks;
  readonly #drivers = new Map<EndpointProtocol, MessageDriver>();
  readonly #stopListening: () => void;
  readonly #emptyBoxes: OfflineEmptiness;
  /** Local users' ids by username, found recently (never an unknown name). */
  readonly #userIds = new Map<string, { readonly id: UserId; readonly until: number }>();

  constructor(options: MessageServiceOptions) {
    this.#o = options;
    this.#emptyBoxes = new OfflineEmptiness({
      clock: options.clock,
      ttlMs: options.offlineEmptyTtlMs ?? DEFAULT_OFFLINE_EMPTY_TTL_MS,
      maxEntries: 100_000,
    });
    this.#policy = options.policy ?? 'lock-on-reply';
    this.#quota = options.offlineQuota ?? DEFAULT_OFFLINE_QUOTA;
    if (!Number.isSafeInteger(this.#quota) || this.#quota < 0)
      throw invalid('offlineQuota must be a non-negative integer', 'offlineQuota');
    this.#locks = new ResourceLocks({ clock: options.clock, idleMs: options.lockIdleMs });
    // The registry sees an endpoint leave or change; the adapter may tell more (endpointChanged).
    this.#stopListening = options.sessions.onChange((change) => {
      if (change.kind === 'removed') this.#locks.endpointGone(change.endpoint.id);
      if (change.kind === 'updated') this.#locks.endpointChanged(change.endpoint.id);
    });
  }

  /** One driver per protocol; a second is a wiring mistake (HERALD_ERR_MODULE). */
  registerDriver(protocol: EndpointProtocol, driver: MessageDriver): () => void {
    if (this.#drivers.has(protocol))
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `a ${protocol} message driver is already registered`,
        protocol,
      );
    this.#drivers.set(protocol, driver);
    return () => {
      if (this.#drivers.get(protocol) === driver) this.#drivers.delete(protocol);
    };
  }

  /**
   * Delivers a message to a local user. Resolves once it reached an endpoint or was stored
   * durably — never before, so the sender is served only when the message is safe.
   */
  async send(original: ChatMessage): Promise<SendResult> {
    if (original.type === 'chat' && original.from.endpointId !== null)
      await this.noteSent(original.from.endpointId, original.to.address);
    return this.#send(original, false);
  }

  /**
   * Delivers again a message that was sent once already (XEP-0198 §5: a session ended without
   * acknowledging it): to the user's other endpoints or offline storage, keeping the stanza-id
   * it was archived under, and never archived or given to the compliance sink a second time.
   */
  redeliver(message: ChatMessage): Promise<SendResult> {
    return this.#send(message, true);
  }

  async #send(original: ChatMessage, isRedelivery: boolean): Promise<SendResult> {
    const recipient = await this.#findRecipient(original.to.address);
    // XEP-0313 §5.1.1: chat and normal messages with a body are archived; the id is chosen now
    // so that every delivered copy carries it as the XEP-0359 stanza-id (§3.1, `by` = the archive).
    const isArchived =
      !isRedelivery &&
      this.#o.archive !== undefined &&
      recipient !== undefined &&
      original.body !== null &&
      (original.type === 'chat' || original.type === 'normal');
    const message: ChatMessage = isArchived
      ? { ...original, stanzaId: { by: original.to.address, id: this.#o.ids.next() } }
      : original;
    // SPEC M7: the sink's copy first, so that with `required` nothing is delivered it lacks.
    if (
      !isRedelivery &&
      this.#o.compliance !== undefined &&
      recipient !== undefined &&
      message.body !== null &&
      message.type !== 'error'
    ) {
      const record = complianceRecordOf(message, message.stanzaId?.id ?? this.#o.ids.next(), [
        message.to.address,
      ]);
      if ((await this.#o.compliance.capture(record)) === 'refused')
        return { kind: 'refused', reason: 'compliance-unavailable' };
    }
    const result = await this.#route(message, recipient);
    // ADR 0012: the sender is answered now (unless the archive is far behind); the archive's
    // reads wait for these copies.
    if (isArchived && recipient !== undefined && (result.kind === 'delivered' || result.kind === 'stored'))
      await this.#o.archive?.track(
        this.#archive(message, recipient).catch((error: unknown) => this.#o.onArchiveError?.(error)),
      );
    return result;
  }

  /** The recipient's copy under the stanza-id, and the sender's if the sender is a local user. */
  async #archive(message: ChatMessage, recipient: UserId): Promise<void> {
    const archive = this.#o.archive;
    const stanzaId = message.stanzaId;
    if (!archive || !stanzaId) return;
    const sender = await this.#findRecipient(message.from.address as BareJid);
    // Written out, not spread from a shared base: V8 copies `{ ...base, newKey }` the slow way.
    const at = message.sentAt;
    const originId = message.originId ?? null;
    const body = message.body;
    const payload = { format: message.payload.format, content: message.payload.content };
    // Both copies at once: the SQL store's group commit writes them in one transaction.
    const incoming = archive.append({
      id: stanzaId.id,
      userId: recipient,
      peer: message.from.address,
      direction: 'in',
      at,
      originId,
      body,
      payload,
    });
    if (sender === undefined || sender === recipient) return incoming;
    await Promise.all([
      incoming,
      archive.append({
        id: this.#o.ids.next(),
        userId: sender,
        peer: message.to.address,
        direction: 'out',
        at,
        originId,
        body,
        payload,
      }),
    ]);
  }

  async #route(message: ChatMessage, recipient: UserId | undefined): Promise<SendResult> {
    const peer = message.from.address;
    let endpoints = recipient ? await this.#o.sessions.endpointsOf(recipient) : [];
    let lock = recipient && this.#policy === 'lock-on-reply' ? this.#locks.lockedTo(recipient, peer) : null;
    for (;;) {
      const plan = planDelivery({
        type: message.type,
        resource: message.to.resource,
        recipientExists: recipient !== undefined,
        endpoints,
        lock,
        policy: this.#policy,
        // XEP-0160 §3 keeps chat states out of the queue; no body-less message is worth a slot.
        isStorable: message.body !== null,
      });
      if (plan.kind !== 'deliver') return this.#settle(plan, message, recipient);
      if (recipient === undefined) throw unknownRecipient();
      const delivered = await this.#deliverAll(plan.endpoints, message);
      if (delivered.length > 0) {
        if (plan.isLocked) this.#locks.touch(recipient, peer);
        return { kind: 'delivered', endpointIds: delivered, isLocked: plan.isLocked };
      }
      // Every link failed (it died before the registry heard): plan again without them.
      const failed = new Set(plan.endpoints.map((endpoint) => endpoint.id));
      endpoints = endpoints.filter((endpoint) => !failed.has(endpoint.id));
      if (plan.isLocked) this.#locks.release(recipient, peer);
      lock = null;
    }
  }

  /**
   * Endpoint `fromEndpointId` sent a chat to `to` (a bare address), through send() or another
   * way out (a remote domain): with 'lock-on-reply', the peer's next chats reach it only.
   */
  async noteSent(fromEndpointId: string, to: string): Promise<void> {
    if (this.#policy !== 'lock-on-reply') return;
    const endpoint = await this.#o.sessions.get(fromEndpointId);
    // A note to oneself must not lock one's own other clients out.
    if (endpoint && endpoint.address !== to) this.#locks.lock(endpoint.userId, to, endpoint.id);
  }

  /** The user ended the conversation from this endpoint (XEP-0296 §2.3: a <gone/> chat state). */
  async noteConversationEnded(fromEndpointId: string, to: string): Promise<void> {
    const endpoint = await this.#o.sessions.get(fromEndpointId);
    if (endpoint) this.#locks.release(endpoint.userId, to);
  }

  /** The endpoint's presence changed, even in ways the registry does not record (show, status). */
  endpointChanged(endpointId: string): void {
    this.#locks.endpointChanged(endpointId);
  }

  endpointGone(endpointId: string): void {
    this.#locks.endpointGone(endpointId);
  }

  /**
   * The oldest `limit` offline messages of the user (XEP-0160 §2: at the next available presence),
   * left in store until acknowledgeOffline(), so that a crash in between loses none.
   */
  async takeOffline(userId: UserId, limit: number): Promise<OfflineMessageRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_OFFLINE_PAGE)
      throw invalid(`limit must be an integer in 1..${MAX_OFFLINE_PAGE}`, 'limit');
    // Every REGISTER and login asks; an empty box is remembered (offline-emptiness.ts).
    return [...(await this.#emptyBoxes.read(userId, () => this.#o.store.offline.peek(userId, limit)))];
  }

  /** The adapter delivered these offline messages: remove them; returns how many went. */
  async acknowledgeOffline(userId: UserId, ids: readonly string[]): Promise<number> {
    return ids.length === 0 ? 0 : this.#o.store.offline.remove(userId, ids);
  }

  /** Stops following the session registry. */
  close(): void {
    this.#stopListening();
  }

  async #findRecipient(address: BareJid): Promise<UserId | undefined> {
    const local = jidLocal(address);
    if (local === null || jidDomain(address) !== this.#o.domain) return undefined;
    // Each message looks up its recipient and its sender (ADR 0008's table: user ids by name).
    const now = this.#o.clock.now();
    const known = this.#userIds.get(local);
    if (known !== undefined && known.until > now) return known.id;
    const id = (await this.#o.store.accounts.findUserByName(local))?.id;
    if (id === undefined) this.#userIds.delete(local);
    else {
      if (this.#userIds.size >= MAX_KNOWN_USER_IDS) this.#userIds.clear();
      this.#userIds.set(local, { id, until: now + USER_ID_TTL_MS });
    }
    return id;
  }

  /** A user was removed (AccountService): their name no longer leads to their id. */
  forgetUser(username: string): void {
    this.#userIds.delete(username);
  }

  async #deliverAll(endpoints: readonly Endpoint[], message: ChatMessage): Promise<string[]> {
    const results = await Promise.all(endpoints.map((endpoint) => this.#deliverOne(endpoint, message)));
    return endpoints.filter((_, index) => results[index]).map((endpoint) => endpoint.id);
  }

  async #deliverOne(endpoint: Endpoint, message: ChatMessage): Promise<boolean> {
    const driver = this.#drivers.get(endpoint.protocol);
    if (!driver) return false;
    try {
      return (await driver.deliver(endpoint, message)) === true;
    } catch (error) {
      this.#o.onDriverError?.(endpoint, error);
      return false;
    }
  }

  async #settle(
    plan: Exclude<DeliveryPlan, { kind: 'deliver' }>,
    message: ChatMessage,
    recipient: UserId | undefined,
  ): Promise<SendResult> {
    switch (plan.kind) {
      case 'offline':
        if (recipient === undefined) throw unknownRecipient();
        return this.#store(message, recipient);
      case 'error':
        return { kind: 'error', condition: plan.condition, rule: plan.rule };
      case 'drop':
        return { kind: 'dropped', rule: plan.rule };
      default: {
        const never: never = plan;
        return never;
      }
    }
  }

  /** Durable before it resolves (OfflineStore.enqueue): the sender may then be told it is served. */
  async #store(message: ChatMessage, userId: UserId): Promise<SendResult> {
    const record: OfflineMessageRecord = {
      // The archive's stanza-id when archived, so the offline copy carries the same (XEP-0313 §7).
      id: message.stanzaId?.id ?? this.#o.ids.next(),
      userId,
      from: message.from.address,
      storedAt: this.#o.clock.now(),
      payload: { format: message.payload.format, content: message.payload.content, body: message.body },
    };
    try {
      this.#emptyBoxes.stored(userId);
      const outcome = await this.#o.store.offline
        .enqueue(record, this.#quota)
        .finally(() => this.#emptyBoxes.stored(userId));
      if (outcome === 'quota-exceeded')
        return { kind: 'error', condition: 'resource-constraint', rule: 'XEP-0160 §2' };
      return { kind: 'stored', offlineId: record.id };
    } catch (error) {
      // The account went away between the look-up and the write: as if it never was (§8.5.1).
      if (isHeraldError(error, 'HERALD_ERR_NOT_FOUND'))
        return { kind: 'error', condition: 'service-unavailable', rule: 'RFC 6121 §8.5.1' };
      throw error;
    }
  }
}

/** planDelivery never delivers to, or stores for, a user that does not exist. */
const unknownRecipient = (): HeraldError =>
  new HeraldError('HERALD_ERR_INTERNAL', 'a delivery plan for an unknown recipient');
