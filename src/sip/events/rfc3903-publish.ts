/**
 * RFC 3903 (SIP Extension for Event State Publication): PUBLISH of `presence` (PIDF + RPID) by an
 * authenticated user for their own AoR. Each publication is a `client` source of the core
 * PresenceService (id = the publication's first entity-tag) until it expires or is removed.
 * https://www.rfc-editor.org/rfc/rfc3903#section-6
 */

import type { UserId } from '../../core/ports.js';
import type { PresenceService } from '../../core/presence/presence-service.js';
import type { ClientAvailability, PresenceSource } from '../../core/presence/presence-source.js';
import type { Clock } from '../../kernel/clock.js';
import { Deadlines } from '../../kernel/deadlines.js';
import type { IdSource } from '../../kernel/ids.js';
import type { SipDigestAuth } from '../auth/sip-digest-auth.js';
import { flowOf } from '../registrar/registrar.js';
import type { SipDomain } from '../sip-domain.js';
import type { SipRequestContext } from '../sip-stack.js';
import { contentType, event, expires, sipIfMatch } from '../wire/index.js';
import { isOpen, PIDF_CONTENT_TYPE, type PidfDocument, parsePidf } from '../wire/rfc3863-pidf.js';
import { type ExpiresPolicy, negotiateExpires } from './rfc6665-subscription.js';

type ClientSource = Extract<PresenceSource, { kind: 'client' }>;

interface Publication {
  readonly ownerId: UserId;
  /** The source id in the PresenceService: the first entity-tag. */
  readonly sourceId: string;
  etag: string;
  expiresAt: number;
  /** What the PresenceService holds for it (null: published closed). */
  source: ClientSource | null;
  /**
   * The UA's transport address (`address:port`) and the tuple ids of its first document: what
   * makes a later initial PUBLISH "the same UA publishing the same tuples anew". '' when unknown.
   */
  readonly origin: string;
}

export interface PublishHandlerOptions {
  readonly presence: Pick<PresenceService, 'update' | 'remove'>;
  readonly auth: SipDigestAuth;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly domain: SipDomain;
  readonly policy: ExpiresPolicy;
  /** Publications one user may hold; more is 403. */
  readonly maxPerUser: number;
  readonly maxBodyBytes: number;
  /** Told when a user's first publication appears or their last one goes. */
  readonly onPublishersChanged?: (userId: UserId) => void;
}

/** RPID activities (RFC 4480 §3.2) as the client availability of a Herald presence source. */
export function availabilityOf(doc: PidfDocument): ClientAvailability {
  const has = (a: string) => doc.activities.includes(a);
  if (has('busy') || has('on-the-phone') || has('meeting')) return 'dnd';
  if (has('vacation') || has('holiday')) return 'extended-away';
  if (has('away') || has('lunch') || has('meal') || has('sleeping')) return 'away';
  return 'available';
}

export class PublishHandler {
  readonly #o: PublishHandlerOptions;
  readonly #byEtag = new Map<string, Publication>();
  readonly #perUser = new Map<UserId, number>();
  /** Publications by owner and origin (see Publication.origin), for the restart rule below. */
  readonly #byOrigin = new Map<string, Publication>();
  /** Each publication's expiry (§6 step 7), on one timer. */
  readonly #expiries: Deadlines<Publication>;

  constructor(options: PublishHandlerOptions) {
    this.#o = options;
    this.#expiries = new Deadlines(options.clock, (publication) => {
      if (this.#byEtag.get(publication.etag) === publication) this.#drop(publication);
    });
  }

  get size(): number {
    return this.#byEtag.size;
  }

  /** Whether the user holds a publication now (open or closed). */
  hasPublications(userId: UserId): boolean {
    return this.#perUser.has(userId);
  }

  close(): void {
    this.#expiries.clear();
    this.#byEtag.clear();
    this.#byOrigin.clear();
  }

  async handle(context: SipRequestContext): Promise<void> {
    const { request, respond } = context;
    const parsedEvent = event(request);
    if (!parsedEvent?.ok) return respond(400, 'Missing Or Malformed Event');
    // §6 step 2: an event package the ESC does not know is 489.
    if (parsedEvent.value.package.toLowerCase() !== 'presence' || parsedEvent.value.templates.length > 0)
      return respond(489, 'Bad Event', [{ name: 'Allow-Events', value: 'presence' }]);
    const now = this.#o.clock.now();
    const user = await this.#o.auth.authenticate(
      request,
      respond,
      'uas',
      flowOf(context)?.remote.address ?? '',
      now,
    );
    if (!user) return;
    const uri = request.uri;
    // §6 step 1 + §13: only the presentity's own authenticated user publishes for it.
    if (
      uri.kind !== 'sip' ||
      uri.user?.toLowerCase() !== user.username ||
      !this.#o.domain.serves(uri.host, uri.port)
    )
      return respond(403, 'Publish Only For Your Own AoR');
    const requested = expires(request);
    if (requested && !requested.ok) return respond(400, 'Malformed Expires');
    const ifMatch = sipIfMatch(request);
    if (ifMatch && !ifMatch.ok) return respond(400, 'Malformed SIP-If-Match');
    const existing = ifMatch ? this.#byEtag.get(ifMatch.value) : undefined;
    // §6 step 4: an unknown entity-tag is 412 Conditional Request Failed.
    if (ifMatch && (!existing || existing.ownerId !== user.id))
      return respond(412, 'Conditional Request Failed');
    const decision = negotiateExpires(requested?.value, this.#o.policy);
    if (decision.kind === 'too-brief')
      return respond(423, 'Interval Too Brief', [
        { name: 'Min-Expires', value: String(decision.minExpires) },
      ]);

    if (decision.kind === 'unsubscribe') {
      // §6 step 6: Expires 0 removes the publication (it must name one).
      if (!existing) return respond(400, 'Removal Needs SIP-If-Match');
      this.#drop(existing);
      return respond(200, 'OK', [
        { name: 'SIP-ETag', value: existing.etag },
        { name: 'Expires', value: '0' },
      ]);
    }
    let doc: PidfDocument | undefined;
    if (request.body.length > 0) {
      if (request.body.length > this.#o.maxBodyBytes) return respond(413, 'Request Entity Too Large');
      const type = contentType(request);
      if (!type?.ok || `${type.value.type}/${type.value.subtype}`.toLowerCase() !== PIDF_CONTENT_TYPE)
        return respond(415, 'Unsupported Media Type', [{ name: 'Accept', value: PIDF_CONTENT_TYPE }]);
      const parsed = parsePidf(request.body);
      // §6 step 5: a body the ESC cannot process is 400.
      if (!parsed.ok) return respond(400, `Bad PIDF: ${parsed.error}`.slice(0, 120));
      doc = parsed.value;
    } else if (!existing) {
      // §6 step 4: an initial PUBLISH carries the state.
      return respond(400, 'Initial PUBLISH Needs A Body');
    }
    if (!existing && (this.#perUser.get(user.id) ?? 0) >= this.#o.maxPerUser)
      return respond(403, 'Too Many Publications');

    const etag = this.#o.ids.next();
    const expiresAt = now + decision.seconds * 1000;
    const remote = flowOf(context)?.remote;
    const origin =
      remote && doc && doc.tuples.length > 0
        ? `${user.id}|${remote.address}:${remote.port}|${doc.tuples.map((t) => t.id).join(' ')}`
        : '';
    // An initial PUBLISH from the address a publication of this user came from, with the same
    // tuple ids (RFC 3863 §4.1.4: the id names the tuple), is the same UA starting over — one that
    // lost its entity-tag (baresip 1.0 does when two of its first PUBLISHes cross, and it always
    // publishes tuple "t4109"). Its state replaces the old one instead of standing beside it until
    // expiry (RFC 3903 §6 leaves composing publications to the ESC). A client that multiplexes
    // independent publications over one socket (SIPp) names its tuples apart and keeps them all.
    const restarted = !existing && origin !== '' ? this.#byOrigin.get(origin) : undefined;
    if (restarted) this.#drop(restarted, false);
    const publication: Publication = existing ?? {
      ownerId: user.id,
      sourceId: etag,
      etag,
      expiresAt,
      source: null,
      origin,
    };
    if (!existing && origin !== '') this.#byOrigin.set(origin, publication);
    const isFirst = !existing && !this.#perUser.has(user.id);
    if (existing) this.#byEtag.delete(existing.etag);
    else this.#perUser.set(user.id, (this.#perUser.get(user.id) ?? 0) + 1);
    // §6 step 8: every successful PUBLISH gets a fresh entity-tag.
    publication.etag = etag;
    publication.expiresAt = expiresAt;
    this.#byEtag.set(etag, publication);
    this.#expiries.set(publication, now + decision.seconds * 1000);
    if (doc) {
      // §6 step 5: a modification replaces the state; a closed document is an offline client.
      publication.source = isOpen(doc)
        ? {
            kind: 'client',
            protocol: 'sip',
            id: publication.sourceId,
            availability: availabilityOf(doc),
            note: doc.note,
            priority: 0,
            updatedAt: now,
            expiresAt,
          }
        : null;
      if (publication.source) this.#o.presence.update(user.id, publication.source);
      else this.#o.presence.remove(user.id, 'client', publication.sourceId);
    } else this.#refresh(publication);
    if (isFirst) this.#o.onPublishersChanged?.(user.id);
    respond(200, 'OK', [
      { name: 'SIP-ETag', value: etag },
      { name: 'Expires', value: String(decision.seconds) },
    ]);
  }

  /** §6 step 7: a refresh (no body) keeps the state and extends its expiry. */
  #refresh(publication: Publication): void {
    if (!publication.source) return;
    const source: ClientSource = { ...publication.source, expiresAt: publication.expiresAt };
    publication.source = source;
    this.#o.presence.update(publication.ownerId, source);
  }

  /** Forgets a publication; `tell` false when a new one of the same user follows at once. */
  #drop(publication: Publication, tell = true): void {
    this.#expiries.delete(publication);
    this.#byEtag.delete(publication.etag);
    if (this.#byOrigin.get(publication.origin) === publication) this.#byOrigin.delete(publication.origin);
    const left = (this.#perUser.get(publication.ownerId) ?? 1) - 1;
    if (left > 0) this.#perUser.set(publication.ownerId, left);
    else this.#perUser.delete(publication.ownerId);
    this.#o.presence.remove(publication.ownerId, 'client', publication.sourceId);
    if (left <= 0 && tell) this.#o.onPublishersChanged?.(publication.ownerId);
  }
}
