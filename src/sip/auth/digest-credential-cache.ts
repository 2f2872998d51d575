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
 */
import type { AccountStore, StoredCredentials, UserId, UserRecord } from '../../core/ports.js';

export interface DigestAccount {
  readonly user: UserRecord;
  readonly credentials: Pick<StoredCredentials, 'digestRealm' | 'ha1Md5' | 'ha1Sha256'>;
}

export interface DigestCredentialCacheOptions {
  readonly accounts: Pick<AccountStore, 'findUserByName' | 'getCredentials'>;
  /** How long an entry may be used; 0 turns the cache off. */
  readonly ttlMs: number;
  /** Entries kept at most (the least recently used go first). */
  readonly maxEntries: number;
}

interface Entry {
  readonly account: DigestAccount;
  readonly expiresAt: number;
}

export class DigestCredentialCache {
  readonly #o: DigestCredentialCacheOptions;
  /** By lower-case username; least recently used first. */
  readonly #entries = new Map<string, Entry>();
  /** Bumped by every `forget`: a lookup that raced one is not kept. */
  #generation = 0;

  constructor(options: DigestCredentialCacheOptions) {
    if (!(options.ttlMs >= 0) || !Number.isInteger(options.maxEntries) || options.maxEntries < 1)
      throw new RangeError('ttlMs must be ≥ 0 and maxEntries a positive integer');
    this.#o = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The user named `username` (lower-case) with their digest credentials, or undefined. */
  async lookup(username: string, now: number): Promise<DigestAccount | undefined> {
    const cached = this.#entries.get(username);
    if (cached) {
      this.#entries.delete(username);
      if (cached.expiresAt > now) {
        this.#entries.set(username, cached);
        return cached.account;
      }
    }
    const generation = this.#generation;
    const user = await this.#o.accounts.findUserByName(username);
    const stored = user ? await this.#o.accounts.getCredentials(user.id) : undefined;
    if (!user || !stored) return undefined;
    const account: DigestAccount = {
      user,
      credentials: { digestRealm: stored.digestRealm, ha1Md5: stored.ha1Md5, ha1Sha256: stored.ha1Sha256 },
    };
    // A password change or removal while we were reading may have made what we read stale.
    if (this.#o.ttlMs > 0 && generation === this.#generation) this.#remember(username, account, now);
    return account;
  }

  /** The user's password changed or the user went: their entry must not be used again. */
  forget(userId: UserId): void {
    this.#generation++;
    for (const [name, entry] of this.#entries)
      if (entry.account.user.id === userId) this.#entries.delete(name);
  }

  #remember(username: string, account: DigestAccount, now: number): void {
    this.#entries.set(username, { account, expiresAt: now + this.#o.ttlMs });
    while (this.#entries.size > this.#o.maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }
}
