/**
 * Rosters and presence subscriptions, RFC 6121 §2 and §3 (https://www.rfc-editor.org/rfc/rfc6121),
 * protocol-neutral: the owner of every user's roster (DESIGN.md). Methods take the acting user's
 * id and a contact address, change the store in one transaction (both sides, when the contact is
 * a local user) and return the effects the adapter must carry out. Every contact Herald can reach
 * is a user of the served domain; others may be listed, but not subscribed to (no federation).
 */
import type { Clock } from '../../kernel/clock.js';
import { type BareJid, bareJid, jidDomain, jidLocal, parseJid, userJid } from '../address/jid.js';
import type { RosterItemRecord, Store, UserId } from '../ports.js';
import type { DeliverSubscription, RosterEffect, RosterItem } from './roster-effects.js';
import { RosterError } from './roster-errors.js';
import { checkContact, checkGroups, checkName, toRosterItem } from './roster-items.js';
import { type Counterpart, type Party, RosterTransaction } from './roster-transaction.js';
import type { SubscriptionType } from './subscription-states.js';

/** What the roster asks of the block list (BlockService implements it). */
export interface BlockChecker {
  /** Whether `userId` blocked `address` (a full or bare JID, or a domain). */
  isBlocked(userId: UserId, address: string): Promise<boolean>;
}

export interface RosterServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** The served domain: contacts on it are local users. */
  readonly domain: string;
  /** Items per roster (default 1000); adding one more fails with reason 'roster-full'. */
  readonly maxItems?: number;
  /** XEP-0191: without it nobody is blocked. */
  readonly blocks?: BlockChecker;
}

/** What a client may set on an item (§2.3): both replace what was there. */
export interface RosterItemInput {
  readonly name?: string | null;
  readonly groups?: readonly string[];
}

export const DEFAULT_MAX_ROSTER_ITEMS = 1000;

/**
 * The contacts a caller can reach now (a presence broadcast: accounts with an available session),
 * for `subscribers` to meet the owner's subscribers with: the smaller side is walked, so a
 * presentity with a thousand subscribers and a handful of people online costs a handful of looks.
 */
export interface ReachableContacts {
  /** At least how many `list` gives (an upper bound is enough: it only picks the side to walk). */
  readonly size: number;
  has(contact: BareJid): boolean;
  list(): Iterable<BareJid>;
}
/** ADR 0008: a roster change made by another process reaches the presence broadcast within this. */
const SUBSCRIBERS_TTL_MS = 60_000;
const MAX_CACHED_SUBSCRIBERS = 10_000;

const hasFrom = (r: RosterItemRecord): boolean => r.subscription === 'from' || r.subscription === 'both';
const hasTo = (r: RosterItemRecord): boolean => r.subscription === 'to' || r.subscription === 'both';

export class RosterService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #domain: string;
  readonly #maxItems: number;
  readonly #blocks: BlockChecker | undefined;
  readonly #subscribers = new Map<
    UserId,
    {
      readonly jids: readonly BareJid[];
      readonly set: ReadonlySet<BareJid>;
      readonly until: number;
      readonly generation: number;
    }
  >();
  #generation = 0;

  constructor(options: RosterServiceOptions) {
    const maxItems = options.maxItems ?? DEFAULT_MAX_ROSTER_ITEMS;
    if (!Number.isInteger(maxItems) || maxItems < 1)
      throw new RangeError('maxItems must be a positive integer');
    this.#store = options.store;
    this.#clock = options.clock;
    this.#domain = options.domain.toLowerCase();
    this.#maxItems = maxItems;
    this.#blocks = options.blocks;
  }

  /** §2.1.3: the listed items, ordered by contact, and the roster version (§2.6). */
  async getRoster(userId: UserId): Promise<{ items: RosterItem[]; version: number }> {
    const { items, version } = await this.#store.roster.getRoster(userId);
    return { items: items.filter((i) => i.listed).map(toRosterItem), version };
  }

  async getItem(userId: UserId, contact: string): Promise<RosterItem | undefined> {
    const record = await this.#store.roster.getItem(userId, checkContact(contact, { stripResource: false }));
    return record?.listed ? toRosterItem(record) : undefined;
  }

  /** §2.3: add or change an item; effects: the roster push. */
  async setItem(userId: UserId, contact: string, input: RosterItemInput): Promise<RosterEffect[]> {
    const jid = checkContact(contact, { stripResource: false });
    const name = checkName(input.name);
    const groups = checkGroups(input.groups);
    const user = await this.#party(userId);
    this.#refuseSelf(user, jid);
    return this.#run((rt) => rt.edit(user, jid, name, groups));
  }

  /** §2.5: remove an item, cancelling the subscriptions both ways. */
  async removeItem(userId: UserId, contact: string): Promise<RosterEffect[]> {
    const jid = checkContact(contact, { stripResource: false });
    const user = await this.#party(userId);
    const counterpart = await this.#counterpart(user, jid);
    return this.#run((rt) => rt.remove(user, counterpart));
  }

  /** §3.1: the user asks for the contact's presence. */
  subscribe(userId: UserId, contact: string): Promise<RosterEffect[]> {
    return this.#send(userId, contact, 'subscribe');
  }

  /** §3.1.5, §3.4: the user approves a request, or pre-approves one to come. */
  approve(userId: UserId, contact: string): Promise<RosterEffect[]> {
    return this.#send(userId, contact, 'subscribed');
  }

  /** §3.3: the user no longer wants the contact's presence. */
  unsubscribe(userId: UserId, contact: string): Promise<RosterEffect[]> {
    return this.#send(userId, contact, 'unsubscribe');
  }

  /** §3.2: the user declines a request, cancels the contact's subscription, or a pre-approval. */
  revoke(userId: UserId, contact: string): Promise<RosterEffect[]> {
    return this.#send(userId, contact, 'unsubscribed');
  }

  /**
   * Who receives the user's presence broadcasts: 'from' and 'both', less those the user blocked.
   * `among`: only the subscribers in it are asked of the block list — a presence broadcast
   * wants those with an available session, and a presentity with 1,000 contacts of whom none is
   * online was 1,000 block-list checks per change (two per call; docs/performance.md, "SIP"). When
   * `among` is the smaller side it is the one walked (in its order), else the subscribers (in roster
   * order): asking each of 1,000 subscribers whether they were online was an eighth of what the
   * call bench allocated.
   */
  async subscribers(userId: UserId, among?: ReachableContacts): Promise<BareJid[]> {
    const all = await this.#subscribersOf(userId);
    if (among === undefined) return this.#unblocked(userId, [...all.jids]);
    const chosen: BareJid[] = [];
    if (among.size < all.jids.length) {
      for (const contact of among.list()) if (all.set.has(contact)) chosen.push(contact);
    } else {
      for (const contact of all.jids) if (among.has(contact)) chosen.push(contact);
    }
    return this.#unblocked(userId, chosen);
  }

  /**
   * Every presence change reads its owner's 'from' contacts (a call's start and end, each PUBLISH):
   * kept per owner (ADR 0008's table), dropped by every roster change this service makes, and
   * otherwise after SUBSCRIBERS_TTL_MS (a change made by another process).
   */
  async #subscribersOf(
    userId: UserId,
  ): Promise<{ readonly jids: readonly BareJid[]; readonly set: ReadonlySet<BareJid> }> {
    const now = this.#clock.now();
    const known = this.#subscribers.get(userId);
    if (known !== undefined && known.until > now && known.generation === this.#generation) return known;
    const generation = this.#generation;
    const { items } = await this.#store.roster.getRoster(userId);
    const jids = items.filter(hasFrom).map((i) => i.contact as BareJid);
    const entry = { jids, set: new Set(jids), until: now + SUBSCRIBERS_TTL_MS, generation };
    if (generation === this.#generation) {
      if (this.#subscribers.size >= MAX_CACHED_SUBSCRIBERS) this.#subscribers.clear();
      this.#subscribers.set(userId, entry);
    }
    return entry;
  }

  /** Whose presence the user receives (and probes at login): 'to' and 'both'. */
  async subscriptions(userId: UserId): Promise<BareJid[]> {
    const { items } = await this.#store.roster.getRoster(userId);
    return items.filter(hasTo).map((i) => i.contact as BareJid);
  }

  /** §3.1.3: requests still waiting for the user's answer, to deliver again at login. */
  async pendingRequests(userId: UserId): Promise<DeliverSubscription[]> {
    const user = await this.#party(userId);
    const { items } = await this.#store.roster.getRoster(userId);
    const waiting = items.filter((i) => i.pendingIn && !hasFrom(i)).map((i) => i.contact as BareJid);
    return (await this.#unblocked(userId, waiting)).map((from) => ({
      kind: 'deliver-subscription',
      userId,
      to: user.jid,
      from,
      type: 'subscribe',
    }));
  }

  /**
   * Whether `watcher` (a full or bare JID) may see the owner's presence: the owner's own
   * resources always may; others need a subscription from the owner and no block.
   */
  async canSeePresence(ownerId: UserId, watcher: string): Promise<boolean> {
    const jid = parseJid(watcher);
    if (!jid) return false;
    const owner = await this.#party(ownerId);
    const bare = bareJid(jid);
    if (bare === owner.jid) return true;
    const record = await this.#store.roster.getItem(ownerId, bare);
    if (!record || !hasFrom(record)) return false;
    return !(await this.#blocks?.isBlocked(ownerId, jid));
  }

  async #send(userId: UserId, contact: string, type: SubscriptionType): Promise<RosterEffect[]> {
    const jid = checkContact(contact, { stripResource: true });
    const user = await this.#party(userId);
    this.#refuseSelf(user, jid);
    const counterpart = await this.#counterpart(user, jid);
    if (counterpart.kind === 'remote')
      throw new RosterError(
        'remote-contact',
        `${jid} is not on ${this.#domain}; Herald does not federate`,
        'contact',
      );
    // XEP-0191 §3.3: a stanza to a contact the user blocked is refused, not routed.
    if (await this.#blocks?.isBlocked(userId, jid))
      throw new RosterError('blocked', `${jid} is blocked; unblock it first`, 'contact');
    return this.#run((rt) => rt.send(user, counterpart, type));
  }

  async #run(work: (rt: RosterTransaction) => Promise<void>): Promise<RosterEffect[]> {
    // Any roster change may change anyone's subscribers: the cache starts over, before and after
    // (a read that began before the commit must not be kept).
    this.#forgetSubscribers();
    try {
      return await this.#store.transaction(async (tx) => {
        const rt = new RosterTransaction(tx, this.#clock.now(), this.#maxItems);
        await work(rt);
        return rt.effects();
      });
    } finally {
      this.#forgetSubscribers();
    }
  }

  #forgetSubscribers(): void {
    this.#generation++;
    this.#subscribers.clear();
  }

  /** Resolved before the transaction: inside one, only the transaction's stores may be used. */
  async #counterpart(user: Party, jid: BareJid): Promise<Counterpart> {
    if (jidDomain(jid) !== this.#domain) return { kind: 'remote', jid };
    const local = jidLocal(jid);
    const contact = local === null ? undefined : await this.#store.accounts.findUserByName(local);
    if (!contact) return { kind: 'absent', jid };
    const blocked =
      (await this.#blocks?.isBlocked(contact.id, user.jid)) ||
      (await this.#blocks?.isBlocked(user.userId, jid));
    return { kind: 'local', userId: contact.id, jid, reachable: !blocked };
  }

  async #party(userId: UserId): Promise<Party> {
    const user = await this.#store.accounts.findUserById(userId);
    if (!user) throw new RosterError('unknown-user', `no user with id ${userId}`, 'userId');
    return { userId, jid: userJid(user.username, this.#domain) };
  }

  #refuseSelf(user: Party, jid: BareJid): void {
    if (jid === user.jid)
      throw new RosterError('self', 'the user is always subscribed to their own presence', 'contact');
  }

  async #unblocked(userId: UserId, contacts: BareJid[]): Promise<BareJid[]> {
    const blocks = this.#blocks;
    if (!blocks) return contacts;
    const blocked = await Promise.all(contacts.map((c) => blocks.isBlocked(userId, c)));
    return contacts.filter((_, i) => !blocked[i]);
  }
}
