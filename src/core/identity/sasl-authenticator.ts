/**
 * SASL (RFC 4422) for any protocol that carries it — XMPP today: SCRAM-SHA-256(-PLUS),
 * SCRAM-SHA-1(-PLUS) (RFC 5802, RFC 7677) and PLAIN (RFC 4616, only over TLS: RFC 6120 §6.4.3
 * forbids offering it in the clear). Failures are values named as RFC 6120 §6.5 names them;
 * throttling (SPEC S4) and credential lookups go through AuthService and the AccountStore.
 */
import type { Store, UserRecord } from '../ports.js';
import { checkUsername } from './account-names.js';
import type { AuthService } from './auth-service.js';
import { saslPrep } from './saslprep.js';
import { parseScramMechanism, type ScramHash, verifyPasswordAgainstScram } from './scram.js';
import { ScramServerExchange } from './scram-server-exchange.js';

export type SaslFailure =
  | 'aborted'
  | 'account-disabled'
  | 'encryption-required'
  | 'incorrect-encoding'
  | 'invalid-authzid'
  | 'invalid-mechanism'
  | 'malformed-request'
  | 'mechanism-too-weak'
  | 'not-authorized'
  | 'temporary-auth-failure';

export interface SaslChannel {
  readonly isSecure: boolean;
  readonly remoteAddress: string;
  /** RFC 9266 tls-exporter (or another type) when the transport can give it. */
  readonly channelBinding: { readonly type: string; readonly data: Buffer } | null;
}

export type SaslStep =
  | { readonly kind: 'challenge'; readonly data: Buffer }
  | { readonly kind: 'success'; readonly data: Buffer | null; readonly user: UserRecord }
  | { readonly kind: 'failure'; readonly condition: SaslFailure; readonly text?: string };

export interface SaslAttempt {
  /** The client's next response (after a challenge). */
  respond(data: Buffer): Promise<SaslStep>;
}

export class SaslAuthenticator {
  readonly #store: Store;
  readonly #auth: AuthService;
  readonly #nonce: () => string;

  constructor(options: { store: Store; auth: AuthService; nonce: () => string }) {
    this.#store = options.store;
    this.#auth = options.auth;
    this.#nonce = options.nonce;
  }

  /** Mechanisms to offer on this channel, strongest first. */
  mechanisms(channel: SaslChannel): string[] {
    if (!channel.isSecure) return ['SCRAM-SHA-256', 'SCRAM-SHA-1'];
    const plus = channel.channelBinding ? ['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS'] : [];
    return [...plus, 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'];
  }

  /** Starts an attempt with the client's initial response (empty Buffer when it sent none). */
  async start(
    mechanism: string,
    initial: Buffer,
    channel: SaslChannel,
  ): Promise<{ attempt: SaslAttempt | null; step: SaslStep }> {
    if (!this.mechanisms(channel).includes(mechanism)) {
      const condition =
        mechanism === 'PLAIN' && !channel.isSecure ? 'encryption-required' : 'invalid-mechanism';
      return { attempt: null, step: { kind: 'failure', condition } };
    }
    if (mechanism === 'PLAIN') return { attempt: null, step: await this.#plain(initial, channel) };
    const scram = parseScramMechanism(mechanism);
    if (!scram) return { attempt: null, step: { kind: 'failure', condition: 'invalid-mechanism' } };
    return this.#startScram(scram.hash, scram.isPlus, initial, channel);
  }

  async #startScram(
    hash: ScramHash,
    isPlus: boolean,
    initial: Buffer,
    channel: SaslChannel,
  ): Promise<{ attempt: SaslAttempt | null; step: SaslStep }> {
    const exchange = new ScramServerExchange({
      hash,
      serverNonce: this.#nonce(),
      channelBinding: channel.channelBinding,
      plusAdvertised: this.mechanisms(channel).includes(`SCRAM-${hash}-PLUS`),
      isPlusMechanism: isPlus,
    });
    const first = exchange.receiveClientFirst(initial.toString('utf8'));
    if (!first.ok)
      return { attempt: null, step: { kind: 'failure', condition: 'malformed-request', text: first.error } };
    const name = checkUsername(first.username);
    const wait = this.#auth.loginRetryAfter(first.username, channel.remoteAddress);
    if (wait > 0)
      return {
        attempt: null,
        step: { kind: 'failure', condition: 'temporary-auth-failure', text: 'too many failed logins' },
      };
    const user = name.ok ? await this.#store.accounts.findUserByName(name.value) : undefined;
    const credentials = user ? await this.#store.accounts.getCredentials(user.id) : undefined;
    const credential = credentials
      ? hash === 'SHA-256'
        ? credentials.scramSha256
        : credentials.scramSha1
      : undefined;
    const challenge = Buffer.from(exchange.serverFirst(credential), 'utf8');
    const attempt: SaslAttempt = {
      respond: async (data) => {
        const final = exchange.receiveClientFinal(data.toString('utf8'));
        if (!final.ok || !user) {
          this.#auth.loginFailed(first.username, channel.remoteAddress);
          return {
            kind: 'failure',
            condition: final.ok || final.error === 'invalid-proof' ? 'not-authorized' : 'malformed-request',
          };
        }
        // RFC 5802 §5.1 "a": an authzid other than the user's own is refused.
        if (final.authzid !== null && !this.#isSelf(final.authzid, user))
          return { kind: 'failure', condition: 'invalid-authzid' };
        this.#auth.loginSucceeded(user.username);
        return { kind: 'success', data: Buffer.from(final.serverFinal, 'utf8'), user };
      },
    };
    return { attempt, step: { kind: 'challenge', data: challenge } };
  }

  /** RFC 4616 §2: message = [authzid] NUL authcid NUL passwd. */
  async #plain(initial: Buffer, channel: SaslChannel): Promise<SaslStep> {
    const parts = initial.toString('utf8').split('\u0000');
    if (parts.length !== 3) return { kind: 'failure', condition: 'malformed-request' };
    const [authzid = '', authcid = '', password = ''] = parts;
    const username = saslPrep(authcid);
    if (!username || !password) return { kind: 'failure', condition: 'not-authorized' };
    if (this.#auth.loginRetryAfter(username, channel.remoteAddress) > 0)
      return { kind: 'failure', condition: 'temporary-auth-failure', text: 'too many failed logins' };
    const name = checkUsername(username);
    const user = name.ok ? await this.#store.accounts.findUserByName(name.value) : undefined;
    const credentials = user ? await this.#store.accounts.getCredentials(user.id) : undefined;
    // SCRAM's salted key checks the password as cheaply as the SCRAM login would, without argon2.
    if (!user || !credentials || !verifyPasswordAgainstScram('SHA-256', credentials.scramSha256, password)) {
      this.#auth.loginFailed(username, channel.remoteAddress);
      return { kind: 'failure', condition: 'not-authorized' };
    }
    if (authzid && !this.#isSelf(authzid, user)) return { kind: 'failure', condition: 'invalid-authzid' };
    this.#auth.loginSucceeded(user.username);
    return { kind: 'success', data: null, user };
  }

  #isSelf(authzid: string, user: UserRecord): boolean {
    const local = authzid.includes('@') ? authzid.slice(0, authzid.indexOf('@')) : authzid;
    return local.toLowerCase() === user.username;
  }
}
