/**
 * Signing in over HTTP: password checks with throttling, and bearer tokens (POST /api/v1/session).
 * Tokens are random 256-bit strings; only their SHA-256 is kept, so a memory dump shows none.
 */
import { hash } from 'node:crypto';
import { BoundedMap } from '../../kernel/bounded-map.js';
import type { Clock } from '../../kernel/clock.js';
import { HeraldError } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import type { Store, UserId, UserRecord } from '../ports.js';
import type { AccountService } from './account-service.js';
import { LoginThrottle } from './login-throttle.js';
import type { UserPrincipal } from './principal.js';

export interface AuthServiceOptions {
  readonly accounts: AccountService;
  readonly store: Store;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly tokenTtlMs: number;
  /** Failed logins allowed per account, and per client address, in a minute. */
  readonly failuresPerMinute: number;
  readonly ipFailuresPerMinute: number;
  /** How long a verified Basic password is remembered, so argon2 does not run on every request. */
  readonly verifiedCacheMs?: number;
}

interface TokenEntry {
  readonly userId: UserId;
  readonly expiresAt: number;
}

const MAX_TOKENS = 200_000;
const MAX_CACHED = 10_000;

const sha256 = (value: string): string => hash('sha256', value, 'base64url');

export const userPrincipal = (user: UserRecord): UserPrincipal => ({
  kind: 'user',
  userId: user.id,
  username: user.username,
  isAdmin: user.isAdmin,
});

export class AuthService {
  readonly #o: AuthServiceOptions;
  readonly #accountThrottle: LoginThrottle;
  readonly #addressThrottle: LoginThrottle;
  readonly #tokens = new BoundedMap<string, TokenEntry>(MAX_TOKENS);
  readonly #verified = new BoundedMap<string, TokenEntry>(MAX_CACHED);

  constructor(options: AuthServiceOptions) {
    this.#o = options;
    this.#accountThrottle = new LoginThrottle({ limit: options.failuresPerMinute, windowMs: 60_000 });
    this.#addressThrottle = new LoginThrottle({ limit: options.ipFailuresPerMinute, windowMs: 60_000 });
    options.accounts.onCredentialsChanged((user) => this.forgetUser(user.id));
  }

  /**
   * The principal for a username and password, or HERALD_ERR_UNAUTHENTICATED; too many failures
   * from this address or for this account give HERALD_ERR_RATE_LIMITED before any check is made.
   */
  async authenticate(username: string, password: string, remoteAddress: string): Promise<UserPrincipal> {
    const now = this.#o.clock.now();
    const wait = this.loginRetryAfter(username, remoteAddress);
    if (wait > 0)
      throw new HeraldError(
        'HERALD_ERR_RATE_LIMITED',
        `too many failed logins; retry in ${Math.ceil(wait / 1000)} s`,
      );
    const cacheKey = sha256(`${username}\u0000${password}`);
    const cached = this.#verified.get(cacheKey);
    if (cached && cached.expiresAt > now) {
      const user = await this.#o.store.accounts.findUserById(cached.userId);
      if (user) return userPrincipal(user);
    }
    const user = await this.#o.accounts.verifyPassword(username, password);
    if (!user) {
      this.loginFailed(username, remoteAddress);
      throw new HeraldError('HERALD_ERR_UNAUTHENTICATED', 'wrong username or password');
    }
    this.loginSucceeded(user.username);
    this.#remember(this.#verified, cacheKey, user.id, now + (this.#o.verifiedCacheMs ?? 60_000));
    return userPrincipal(user);
  }

  /** For other login paths (SASL): milliseconds until this account and address may try again. */
  loginRetryAfter(username: string, remoteAddress: string): number {
    const now = this.#o.clock.now();
    return Math.max(
      this.#accountThrottle.retryAfter(username.toLowerCase(), now),
      this.#addressThrottle.retryAfter(remoteAddress, now),
    );
  }

  loginFailed(username: string, remoteAddress: string): void {
    const now = this.#o.clock.now();
    this.#accountThrottle.recordFailure(username.toLowerCase(), now);
    this.#addressThrottle.recordFailure(remoteAddress, now);
  }

  loginSucceeded(username: string): void {
    this.#accountThrottle.reset(username.toLowerCase());
  }

  /** A new bearer token for a principal who has just authenticated. */
  issueToken(principal: UserPrincipal): { token: string; expiresAt: number } {
    const token = this.#o.ids.randomBytes(32).toString('base64url');
    const expiresAt = this.#o.clock.now() + this.#o.tokenTtlMs;
    this.#remember(this.#tokens, sha256(token), principal.userId, expiresAt);
    return { token, expiresAt };
  }

  /** The token's principal with the user's current rights, or undefined if unknown or expired. */
  async verifyToken(token: string): Promise<UserPrincipal | undefined> {
    if (token.length === 0 || token.length > 128) return undefined;
    const key = sha256(token);
    const entry = this.#tokens.get(key);
    // Looked up by hash: comparing hashes of secrets leaks nothing an attacker can steer.
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#o.clock.now()) {
      this.#tokens.delete(key);
      return undefined;
    }
    const user = await this.#o.store.accounts.findUserById(entry.userId);
    return user ? userPrincipal(user) : undefined;
  }

  revokeToken(token: string): boolean {
    return this.#tokens.delete(sha256(token));
  }

  /** Drops the user's tokens and remembered passwords (password changed, user removed). */
  forgetUser(userId: UserId): void {
    for (const map of [this.#tokens, this.#verified])
      for (const [key, entry] of map.entries()) if (entry.userId === userId) map.delete(key);
  }

  /** When a new key finds the map full, the expired go first; then, if need be, the oldest. */
  #remember(map: BoundedMap<string, TokenEntry>, key: string, userId: UserId, expiresAt: number): void {
    if (!map.has(key) && map.size >= map.capacity) {
      const now = this.#o.clock.now();
      for (const [k, entry] of map.entries()) if (entry.expiresAt <= now) map.delete(k);
      if (expiresAt <= now) return; // expired already: it would be swept with the rest
    }
    map.set(key, { userId, expiresAt });
  }
}
