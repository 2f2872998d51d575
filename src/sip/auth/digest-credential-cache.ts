/**
 * The users and digest HA1s SIP authentication looked up recently, by username: a bounded,
 * short-lived cache in front of the AccountStore, so that a UA's every REGISTER refresh, MESSAGE,
 * INVITE, PUBLISH and SUBSCRIBE does not read its user and credentials rows again (two queries;
 * docs/performance.md, "SIP").
 *
 * Safety: a stale entry could accept an old password, so an entry is forgotten at once when this
 * process changes the user's password or removes the user (AccountService.onCredentialsChanged →
 * `forget`), and lives at most `ttlMs` otherwise — the bound for a change made by another process
 * (the admin CLI, another node), as AuthService's cache of verified passwords has. Only found
 * users are kept: a name that is not a user is asked of the store every time.
 *
 * Entries are kept in the order they were read, which is the order they expire in (one lifetime
 * for all): a timer on the clock drops each as it expires, so that an idle server does not hold
 * every user seen in the last busy minutes (10,000 users were 4 MB of heap; docs/performance.md,
 * SIP memory), and the oldest go first when there are too many.
 */

import type { AccountStore, StoredCredentials, UserId, UserRecord } from '../../core/ports.js';
import { BoundedMap } from '../../kernel/bounded-map.js';
import type { Clock, TimerHandle } from '../../kernel/index.js';

export interface DigestAccount {
  readonly user: UserRecord;
  /** None for a user without a password (who cannot authenticate, but can be called). */
  readonly credentials?: Pick<StoredCredentials, 'digestRealm' | 'ha1Md5' | 'ha1Sha256'>;
}

export interface DigestCredentialCacheOptions {
  readonly accounts: Pick<AccountStore, 'findUserByName' | 'getCredentials'>;
  /** How long an entry may be used; 0 turns the cache off. */
  readonly ttlMs: number;
  /** Entries kept at most (the least recently used go first). */
  readonly maxEntries: number;
  /** Runs the timer that drops expired entries. */
  readonly clock: Clock;
}

interface Entry {
  readonly account: DigestAccount;
  readonly expiresAt: number;
}

export class DigestCredentialCache {
  readonly #o: DigestCredentialCacheOptions;
  /** By lower-case username; the oldest (the first to expire) first. */
  readonly #entries: BoundedMap<string, Entry>;
  /** Bumped by every `forget`: a lookup that raced one is not kept. */
  #generation = 0;
  /** Due when the oldest entry expires; none while the cache is empty. */
  #sweep: TimerHandle | undefined;

  constructor(options: DigestCredentialCacheOptions) {
    if (!(options.ttlMs >= 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new RangeError('ttlMs must be ≥ 0 and maxEntries a positive integer');
    this.#o = options;
    this.#entries = new BoundedMap(options.maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The user named `username` (lower-case) with their digest credentials if any, or undefined. */
  async lookup(username: string, now: number): Promise<DigestAccount | undefined> {
    const cached = this.#entries.get(username);
    if (cached) {
      if (cached.expiresAt > now) return cached.account;
      this.#entries.delete(username);
    }
    const generation = this.#generation;
    const user = await this.#o.accounts.findUserByName(username);
    const stored = user ? await this.#o.accounts.getCredentials(user.id) : undefined;
    if (!user) return undefined;
    const account: DigestAccount = stored
      ? {
          user,
          credentials: {
            digestRealm: stored.digestRealm,
            ha1Md5: stored.ha1Md5,
            ha1Sha256: stored.ha1Sha256,
          },
        }
      : { user };
    // A password change or removal while we were reading may have made what we read stale.
    if (this.#o.ttlMs > 0 && generation === this.#generation) this.#remember(username, account, now);
    return account;
  }

  /** The user's password changed or the user went: their entry must not be used again. */
  forget(userId: UserId): void {
    this.#generation++;
    for (const [name, entry] of [...this.#entries.entries()])
      if (entry.account.user.id === userId) this.#entries.delete(name);
  }

  #remember(username: string, account: DigestAccount, now: number): void {
    // The newest now; beyond maxEntries the oldest go.
    this.#entries.renew(username, { account, expiresAt: now + this.#o.ttlMs });
    this.#armSweep();
  }

  /** Drops the expired entries from the front, then waits for the next one to expire. */
  #dropExpired(): void {
    this.#sweep = undefined;
    const now = this.#o.clock.now();
    for (let oldest = this.#entries.oldest(); oldest !== undefined; oldest = this.#entries.oldest()) {
      if (oldest[1].expiresAt > now) break;
      this.#entries.delete(oldest[0]);
    }
    this.#armSweep();
  }

  #armSweep(): void {
    if (this.#sweep !== undefined) return;
    const oldest = this.#entries.oldest()?.[1];
    if (oldest === undefined) return;
    this.#sweep = this.#o.clock.setTimeout(() => this.#dropExpired(), oldest.expiresAt - this.#o.clock.now());
  }
}
