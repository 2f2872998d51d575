/**
 * SIP Digest authentication of a request — RFC 3261 §22 with the algorithms of RFC 8760: a
 * challenge per algorithm, SHA-256 first (RFC 8760 §2.4), and the checks a UAS makes of
 * the credentials (RFC 7616 §3.4, §3.5). Outcomes are values; the handler turns them into a
 * 401/407 or goes on.
 * https://www.rfc-editor.org/rfc/rfc3261#section-22 · https://www.rfc-editor.org/rfc/rfc8760
 */
import {
  type DigestAlgorithm,
  parseDigestAlgorithm,
  verifyDigestResponse,
} from '../../core/identity/sip-digest.js';
import type { AccountStore, UserId, UserRecord } from '../../core/ports.js';
import { type Clock, systemClock } from '../../kernel/index.js';
import {
  type DigestCredentials,
  digestCredentials,
  formatDigestChallenge,
  parseUri,
  type SipHeader,
  type SipRequest,
  uriEquals,
} from '../wire/index.js';
import { DigestCredentialCache } from './digest-credential-cache.js';
import type { DigestNonces } from './digest-nonces.js';

/** The part of core AuthService that throttles failed logins (any protocol shares the counts). */
export interface LoginThrottling {
  loginRetryAfter(username: string, remoteAddress: string): number;
  loginFailed(username: string, remoteAddress: string): void;
  loginSucceeded(username: string): void;
}

export type DigestOutcome =
  | { readonly kind: 'authenticated'; readonly user: UserRecord }
  /** Answer 401/407 with fresh challenges; `stale`: the password was right, the nonce old (§3.3). */
  | { readonly kind: 'challenge'; readonly stale: boolean }
  | { readonly kind: 'throttled'; readonly retryAfterMs: number }
  | { readonly kind: 'bad-request'; readonly reason: string };

export type CredentialsHeader = 'Authorization' | 'Proxy-Authorization';

/**
 * Who asks for the credentials: RFC 3261 §22.2, a UAS (registrar, notifier, PUBLISH's ESC) with
 * 401 and WWW-Authenticate; §22.3, a proxy (an INVITE's, a MESSAGE's) with 407 and Proxy-Authenticate.
 */
export type Challenger = 'uas' | 'proxy';

const CHALLENGERS = {
  uas: { credentials: 'Authorization', challenge: 'WWW-Authenticate', status: 401, reason: 'Unauthorized' },
  proxy: {
    credentials: 'Proxy-Authorization',
    challenge: 'Proxy-Authenticate',
    status: 407,
    reason: 'Proxy Authentication Required',
  },
} as const;

/** What `authenticate` answers a request with when it does not let it through. */
export type AnswerRequest = (
  status: number,
  reason: string,
  headers?: readonly SipHeader[],
  options?: { readonly stateless?: boolean },
) => void;

export interface SipDigestAuthOptions {
  readonly realm: string;
  readonly nonces: DigestNonces;
  readonly accounts: Pick<AccountStore, 'findUserByName' | 'getCredentials'>;
  readonly throttle: LoginThrottling;
  /** User-Agent prefixes that get only the MD5 challenge (see `challenges`). */
  readonly md5OnlyUserAgents?: readonly string[];
  /** Users and HA1s kept in memory (DigestCredentialCache); by default none are. */
  readonly credentialCache?: { readonly ttlMs: number; readonly maxEntries: number; readonly clock: Clock };
}

/** Challenged algorithms in order of preference (RFC 8760 §2.4: the strongest first). */
const CHALLENGED: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];
/** Spent on an unknown user, so that the answer takes as long as for a known one. */
const DUMMY_HA1: Record<DigestAlgorithm, string> = { MD5: '0'.repeat(32), 'SHA-256': '0'.repeat(64) };

export class SipDigestAuth {
  readonly #o: SipDigestAuthOptions;
  readonly #credentials: DigestCredentialCache;
  readonly #clock: Clock;

  constructor(options: SipDigestAuthOptions) {
    this.#o = options;
    // Off, the cache keeps nothing, so its clock never runs a timer.
    const cache = options.credentialCache ?? { ttlMs: 0, maxEntries: 1, clock: systemClock };
    this.#clock = cache.clock;
    this.#credentials = new DigestCredentialCache({ accounts: options.accounts, ...cache });
  }

  /** The user's password changed or the user was removed: their cached credentials go (at once). */
  forgetUser(userId: UserId): void {
    this.#credentials.forget(userId);
  }

  /**
   * The user named `username`, from the same cache as the credentials: the proxy's target of each
   * call and MESSAGE is a user who registered (and so was looked up) moments ago.
   */
  async userNamed(username: string): Promise<UserRecord | undefined> {
    return (await this.#credentials.lookup(username.toLowerCase(), this.#clock.now()))?.user;
  }

  get realm(): string {
    return this.#o.realm;
  }

  /**
   * One challenge header per algorithm, all with one fresh nonce and qop="auth" (RFC 7616 §3.9.1
   * challenges with SHA-256 and MD5 under one nonce; the nonce dates the challenge, whichever
   * algorithm the client picks, and its nc counts once per nonce, §3.4.5).
   * COMPAT(sipsak 0.9.8): it reads only the first challenge and knows only MD5, so a User-Agent
   * matching `md5OnlyUserAgents` gets the MD5 challenge alone.
   */
  challenges(
    name: 'WWW-Authenticate' | 'Proxy-Authenticate',
    now: number,
    stale: boolean,
    userAgent?: string,
  ): SipHeader[] {
    const isMd5Only =
      userAgent !== undefined &&
      (this.#o.md5OnlyUserAgents ?? []).some((prefix) => userAgent.startsWith(prefix));
    const nonce = this.#o.nonces.issue(now);
    return (isMd5Only ? (['MD5'] as const) : CHALLENGED).map((algorithm) => ({
      name,
      value: formatDigestChallenge({
        realm: this.#o.realm,
        nonce,
        stale,
        algorithm,
        qop: ['auth'],
      }),
    }));
  }

  /**
   * The request's authenticated user; otherwise the request has been answered — 400 for broken
   * credentials, 403 while the user is throttled, or a challenge (`challenger`). The challenge is
   * stateless (§8.2.7: a non-INVITE transaction keeps nothing for Timer J; a retransmission gets a
   * fresh nonce): the nonce is signed and needs no memory (DigestNonces), so nothing stays per
   * unauthenticated request.
   */
  async authenticate(
    request: SipRequest,
    respond: AnswerRequest,
    challenger: Challenger,
    remoteAddress: string,
    now: number,
  ): Promise<UserRecord | undefined> {
    const role = CHALLENGERS[challenger];
    const outcome = await this.verify(request, role.credentials, remoteAddress, now);
    switch (outcome.kind) {
      case 'authenticated':
        return outcome.user;
      case 'bad-request':
        respond(400, outcome.reason);
        return undefined;
      case 'throttled':
        respond(403, 'Too Many Failed Attempts');
        return undefined;
      case 'challenge': {
        const challenges = this.challenges(
          role.challenge,
          now,
          outcome.stale,
          request.headers.get('User-Agent'),
        );
        respond(role.status, role.reason, challenges, { stateless: true });
        return undefined;
      }
      default: {
        const never: never = outcome;
        return never;
      }
    }
  }

  async verify(
    request: SipRequest,
    header: CredentialsHeader,
    remoteAddress: string,
    now: number,
  ): Promise<DigestOutcome> {
    const parsed = digestCredentials(request, header);
    const broken = parsed.find((result) => !result.ok);
    if (broken && !broken.ok) return { kind: 'bad-request', reason: `Malformed ${header}` };
    // §22.4: a request may carry credentials for several realms; only ours is for us.
    const credentials = parsed.flatMap((r) => (r.ok && r.value.realm === this.#o.realm ? [r.value] : []))[0];
    if (!credentials) return { kind: 'challenge', stale: false };
    const { throttle } = this.#o;
    const wait = throttle.loginRetryAfter(credentials.username, remoteAddress);
    if (wait > 0) return { kind: 'throttled', retryAfterMs: wait };
    // RFC 7616 §3.4.6 (RFC 2617 §3.2.2.5): the uri parameter must name the Request-URI.
    const uri = parseUri(credentials.uri);
    if (!uri.ok || !uriEquals(uri.value, request.uri))
      return { kind: 'bad-request', reason: 'Digest uri does not match the Request-URI' };
    const result = await this.#check(request.method, credentials, now);
    if (result === 'failed') {
      throttle.loginFailed(credentials.username, remoteAddress);
      return { kind: 'challenge', stale: false };
    }
    if (result === 'stale' || result === 'replayed') return { kind: 'challenge', stale: result === 'stale' };
    throttle.loginSucceeded(result.username);
    return { kind: 'authenticated', user: result };
  }

  async #check(
    method: string,
    credentials: DigestCredentials,
    now: number,
  ): Promise<UserRecord | 'failed' | 'stale' | 'replayed'> {
    const algorithm = parseDigestAlgorithm(credentials.algorithm);
    const nonce = this.#o.nonces.check(credentials.nonce, now);
    // Herald challenges with qop="auth" only, so anything else was not an answer to it (RFC 7616 §3.4).
    if (algorithm === null || nonce === 'invalid' || credentials.qop !== 'auth') return 'failed';
    const account = await this.#credentials.lookup(credentials.username.toLowerCase(), now);
    const user = account?.user;
    const stored = account?.credentials;
    const isOurRealm = stored?.digestRealm === this.#o.realm;
    const ha1 =
      stored && isOurRealm ? (algorithm === 'MD5' ? stored.ha1Md5 : stored.ha1Sha256) : DUMMY_HA1[algorithm];
    // qop=auth was checked above, so nc and cnonce are there (parseDigestCredentials); if not,
    // the response does not verify.
    const isValid =
      credentials.nc !== undefined &&
      credentials.cnonce !== undefined &&
      verifyDigestResponse({
        algorithm,
        ha1,
        method,
        uri: credentials.uri,
        nonce: credentials.nonce,
        qop: 'auth',
        nc: credentials.nc,
        cnonce: credentials.cnonce,
        response: credentials.response,
      });
    // An unknown user fails exactly as a wrong password does: no enumeration of accounts.
    if (!isValid || !user || !isOurRealm) return 'failed';
    // RFC 7616 §3.3: a right answer to an old nonce is stale, not a failure.
    if (nonce === 'stale') return 'stale';
    // RFC 7616 §3.4.5: each nonce count is used once; a replay gets a new challenge.
    if (credentials.nc === undefined || !this.#o.nonces.acceptCount(credentials.nonce, credentials.nc))
      return 'replayed';
    return user;
  }
}
