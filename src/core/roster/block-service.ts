/**
 * XEP-0191 Blocking Command (https://xmpp.org/extensions/xep-0191.html), protocol-neutral: each
 * user's block list in the BlockListStore, the pushes and presence a change needs, and a fast
 * `isBlocked` answered from a per-user matcher kept in memory and replaced on every change made
 * here. (Another node's changes reach this cache only through `forget`.)
 */
import { BoundedMap } from '../../kernel/bounded-map.js';
import { type BareJid, bareJid, type Jid, jidResource, parseJid, userJid } from '../address/jid.js';
import type { Store, StoreTransaction, UserId } from '../ports.js';
import { BlockMatcher } from './block-matcher.js';
import type { BlockEffect } from './roster-effects.js';
import { RosterError } from './roster-errors.js';
import type { BlockChecker } from './roster-service.js';

export interface BlockServiceOptions {
  readonly store: Store;
  /** The served domain (the users' JIDs are username@domain). */
  readonly domain: string;
  /** Entries per block list (default 1000); more fail with reason 'block-list-full'. */
  readonly maxItems?: number;
  /** How many users' lists stay in memory, least recently used dropped first (default 10000). */
  readonly cacheSize?: number;
}

export const DEFAULT_MAX_BLOCK_ITEMS = 1000;

interface CachedList {
  readonly self: BareJid;
  readonly matcher: BlockMatcher;
}

interface Change {
  readonly effects: BlockEffect[];
  readonly cached: CachedList;
}

export class BlockService implements BlockChecker {
  readonly #store: Store;
  readonly #domain: string;
  readonly #maxItems: number;
  /** Least recently used first (a check or change makes a list the newest); the oldest goes. */
  readonly #cache: BoundedMap<UserId, CachedList>;
  readonly #loading = new Map<UserId, Promise<CachedList | undefined>>();
  /** Bumped on each change, so a load that raced a change does not cache the older list. */
  readonly #versions = new Map<UserId, number>();
  /** Changes run one at a time, so the cache sees them in the order they were committed. */
  #changes: Promise<unknown> = Promise.resolve();

  constructor(options: BlockServiceOptions) {
    this.#store = options.store;
    this.#domain = options.domain.toLowerCase();
    this.#maxItems = options.maxItems ?? DEFAULT_MAX_BLOCK_ITEMS;
    this.#cache = new BoundedMap(options.cacheSize ?? 10_000);
    if (!Number.isInteger(this.#maxItems) || this.#maxItems < 1)
      throw new RangeError('maxItems must be a positive integer');
  }

  /** XEP-0191 §3.2: the blocked addresses, canonical. */
  async getBlockList(userId: UserId): Promise<Jid[]> {
    return BlockMatcher.of(await this.#store.blocks.getBlockList(userId)).entries.slice();
  }

  /** XEP-0191 §3.3: block `addresses` (at least one). */
  async block(userId: UserId, addresses: readonly string[]): Promise<BlockEffect[]> {
    const jids = this.#check(addresses);
    return this.#change(userId, async (tx, self, before) => {
      const added = jids.filter((j) => !before.has(j));
      if (before.size + added.length > this.#maxItems)
        throw new RosterError(
          'block-list-full',
          `a block list holds at most ${this.#maxItems} entries`,
          'addresses',
        );
      if (added.length > 0) await tx.blocks.block(userId, added);
      const after = BlockMatcher.of([...before.entries, ...added]);
      // §3.3: the server MUST push the blocked items to the user's resources that asked for the list.
      const effects: BlockEffect[] = [{ kind: 'block-push', userId, to: self, addresses: jids }];
      // §3.3: contacts allowed to see the user's presence get unavailable presence.
      for (const to of await this.#newlyMatched(tx, userId, self, after, before, added))
        effects.push({ kind: 'send-unavailable', userId, from: self, to });
      return { effects, cached: { self, matcher: after } };
    });
  }

  /** XEP-0191 §3.4; without `addresses`, §3.5: unblock everyone. */
  async unblock(userId: UserId, addresses?: readonly string[]): Promise<BlockEffect[]> {
    const jids = addresses === undefined ? undefined : this.#check(addresses);
    return this.#change(userId, async (tx, self, before) => {
      const removed = jids === undefined ? before.entries.slice() : jids.filter((j) => before.has(j));
      if (removed.length > 0) await tx.blocks.unblock(userId, jids === undefined ? undefined : removed);
      const gone = new Set<string>(removed);
      const after = BlockMatcher.of(before.entries.filter((e) => !gone.has(e)));
      const effects: BlockEffect[] = [
        { kind: 'unblock-push', userId, to: self, addresses: jids ?? removed, all: jids === undefined },
      ];
      // §3.4: contacts allowed to see the user's presence get the user's current presence.
      for (const to of await this.#newlyMatched(tx, userId, self, before, after, removed))
        effects.push({ kind: 'send-presence', userId, from: self, to });
      return { effects, cached: { self, matcher: after } };
    });
  }

  /**
   * Whether `userId` blocked `address` (XEP-0191 JID matching). The user's own resources are
   * never blocked; an unknown user blocks nobody; what is not a JID is not blocked.
   */
  async isBlocked(userId: UserId, address: string): Promise<boolean> {
    const jid = parseJid(address);
    if (!jid) return false;
    const cached = this.#cache.get(userId);
    if (cached) this.#remember(userId, cached); // most recently used
    const list = cached ?? (await this.#load(userId));
    if (!list || bareJid(jid) === list.self) return false;
    return list.matcher.matches(jid);
  }

  /** Drops the cached list (the user was removed, or another node changed it). */
  forget(userId: UserId): void {
    this.#cache.delete(userId);
    this.#versions.set(userId, (this.#versions.get(userId) ?? 0) + 1);
  }

  #check(addresses: readonly string[]): Jid[] {
    // §3.3: a block (or an unblock naming items) without one is a bad request.
    if (!Array.isArray(addresses) || addresses.length === 0)
      throw new RosterError('invalid-address', 'name at least one address', 'addresses');
    if (addresses.length > this.#maxItems)
      throw new RosterError(
        'block-list-full',
        `a block list holds at most ${this.#maxItems} entries`,
        'addresses',
      );
    const jids = addresses.map((a) => (typeof a === 'string' ? parseJid(a) : null));
    const bad = jids.indexOf(null);
    if (bad >= 0)
      throw new RosterError('invalid-address', `${JSON.stringify(addresses[bad])} is not a JID`, 'addresses');
    return [...new Set(jids as Jid[])];
  }

  async #change(
    userId: UserId,
    work: (tx: StoreTransaction, self: BareJid, before: BlockMatcher) => Promise<Change>,
  ): Promise<BlockEffect[]> {
    const run = this.#changes.then(async () => {
      const change = await this.#store.transaction(async (tx) => {
        const user = await tx.accounts.findUserById(userId);
        if (!user) throw new RosterError('unknown-user', `no user with id ${userId}`, 'userId');
        const before = BlockMatcher.of(await tx.blocks.getBlockList(userId));
        return work(tx, userJid(user.username, this.#domain), before);
      });
      this.forget(userId);
      this.#remember(userId, change.cached);
      return change.effects;
    });
    this.#changes = run.catch(() => undefined);
    return run;
  }

  /**
   * The user's subscribers (who may see the user's presence, RFC 6121) that `now` blocks and
   * `then` did not: the bare JID when the whole account changed, else the full JIDs of `entries`.
   */
  async #newlyMatched(
    tx: StoreTransaction,
    userId: UserId,
    self: BareJid,
    now: BlockMatcher,
    then: BlockMatcher,
    entries: readonly Jid[],
  ): Promise<Jid[]> {
    const { items } = await tx.roster.getRoster(userId);
    const subscribers = items
      .filter((i) => i.subscription === 'from' || i.subscription === 'both')
      .map((i) => i.contact as BareJid)
      .filter((s) => s !== self);
    const targets: Jid[] = [];
    for (const subscriber of subscribers) {
      if (now.matches(subscriber)) {
        if (!then.matches(subscriber)) targets.push(subscriber);
        continue;
      }
      for (const entry of entries)
        if (
          jidResource(entry) !== null &&
          bareJid(entry) === subscriber &&
          now.matches(entry) &&
          !then.matches(entry)
        )
          targets.push(entry);
    }
    return targets;
  }

  #load(userId: UserId): Promise<CachedList | undefined> {
    const pending = this.#loading.get(userId);
    if (pending) return pending;
    const version = this.#versions.get(userId) ?? 0;
    const load = (async () => {
      const user = await this.#store.accounts.findUserById(userId);
      if (!user) return undefined;
      const list = {
        self: userJid(user.username, this.#domain),
        matcher: BlockMatcher.of(await this.#store.blocks.getBlockList(userId)),
      };
      if ((this.#versions.get(userId) ?? 0) === version) this.#remember(userId, list);
      return list;
    })().finally(() => this.#loading.delete(userId));
    this.#loading.set(userId, load);
    return load;
  }

  #remember(userId: UserId, list: CachedList): void {
    this.#cache.renew(userId, list);
  }
}
