/**
 * The server side of one SCRAM authentication exchange — RFC 5802 §5 and §6 (channel binding),
 * RFC 7677 for SCRAM-SHA-256(-PLUS).
 * https://www.rfc-editor.org/rfc/rfc5802#section-5 — https://www.rfc-editor.org/rfc/rfc7677
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HeraldError } from '../../kernel/errors.js';
import { saslPrep } from './saslprep.js';
import {
  DEFAULT_SCRAM_ITERATIONS,
  isScramHash,
  SCRAM_SALT_BYTES,
  type ScramCredential,
  type ScramHash,
  scramDigestLength,
  scramH,
  scramHmac,
  xorBytes,
} from './scram.js';
import {
  CB_NAME,
  type ClientFirstMessage,
  checkMessageText,
  decodeStrictBase64,
  NONCE,
  parseClientFinal,
  parseClientFirst,
  type ScramErrorCode,
} from './scram-message.js';

export type { ScramErrorCode } from './scram-message.js';

/** 4 KiB: real client messages are a few hundred bytes; the limit keeps a peer from buffering more. */
export const DEFAULT_SCRAM_MAX_MESSAGE_LENGTH = 4096;

export interface ScramServerExchangeOptions {
  readonly hash: ScramHash;
  /** Fresh per attempt, from the injected IdSource/randomness; printable ASCII without ",". */
  readonly serverNonce: string;
  /** The channel's binding (type and data, e.g. tls-exporter), or null when there is none. */
  readonly channelBinding: { readonly type: string; readonly data: Buffer } | null;
  /** Whether the server offered the -PLUS variant to this client (RFC 5802 §6 downgrade check). */
  readonly plusAdvertised: boolean;
  /** Whether the client selected the -PLUS mechanism; when given, the GS2 flag must agree. */
  readonly isPlusMechanism?: boolean;
  /** Bytes; default 4 KiB. */
  readonly maxMessageLength?: number;
  /**
   * Server secret the fake salt of unknown users is derived from. Pass a persisted one so the fake
   * salt survives restarts; without it a random per-process key is used.
   */
  readonly unknownUserSecret?: Buffer;
  /** Iteration count announced for unknown users; match what real credentials use. */
  readonly unknownUserIterations?: number;
}

export type ScramExchangePhase =
  | 'awaiting-client-first'
  | 'awaiting-server-first'
  | 'awaiting-client-final'
  | 'succeeded'
  | 'failed';

type KeyMaterial = { readonly storedKey: Buffer; readonly serverKey: Buffer };
type Material = { readonly salt: string; readonly iterations: number; readonly keys: KeyMaterial };

type ExchangeState =
  | { readonly phase: 'awaiting-client-first' }
  | { readonly phase: 'awaiting-server-first'; readonly first: ClientFirstMessage; readonly username: string }
  | {
      readonly phase: 'awaiting-client-final';
      readonly first: ClientFirstMessage;
      readonly username: string;
      readonly serverFirst: string;
      readonly keys: KeyMaterial;
      readonly isKnownUser: boolean;
    }
  | { readonly phase: 'succeeded' }
  | { readonly phase: 'failed'; readonly error: ScramErrorCode };

export type ClientFirstResult =
  | { ok: true; username: string; authzid: string | null }
  | { ok: false; error: ScramErrorCode };

export type ClientFinalResult =
  | { ok: true; serverFinal: string; username: string; authzid: string | null }
  | { ok: false; error: ScramErrorCode; serverFinal: string | null };

let processSecret: Buffer | undefined;
const defaultUnknownUserSecret = (): Buffer => {
  processSecret ??= randomBytes(32);
  return processSecret;
};

/**
 * One attempt, stepped by the SASL layer: receiveClientFirst → serverFirst → receiveClientFinal.
 * Protocol failures are values; a call out of order fails the exchange (receive*) or, for
 * serverFirst, which only the server's own code can misorder, throws HERALD_ERR_INTERNAL.
 * The server holds StoredKey and ServerKey only, never the password (RFC 5802 §3).
 */
export class ScramServerExchange {
  readonly #o: ScramServerExchangeOptions;
  readonly #maxMessageLength: number;
  #state: ExchangeState = { phase: 'awaiting-client-first' };

  constructor(options: ScramServerExchangeOptions) {
    const max = options.maxMessageLength ?? DEFAULT_SCRAM_MAX_MESSAGE_LENGTH;
    const bug = (message: string): HeraldError => new HeraldError('HERALD_ERR_INTERNAL', message);
    if (!isScramHash(options.hash)) throw bug('unknown SCRAM hash');
    if (!NONCE.test(options.serverNonce)) throw bug('SCRAM server nonce must be printable ASCII without ","');
    if (options.channelBinding && !CB_NAME.test(options.channelBinding.type))
      throw bug('channel-binding type is not a cb-name');
    if (!Number.isSafeInteger(max) || max < 1) throw bug('SCRAM maxMessageLength must be a positive integer');
    this.#o = options;
    this.#maxMessageLength = max;
  }

  get phase(): ScramExchangePhase {
    return this.#state.phase;
  }

  receiveClientFirst(message: string): ClientFirstResult {
    if (this.#state.phase !== 'awaiting-client-first') return this.#fail('other-error');
    const textError = checkMessageText(message, this.#maxMessageLength);
    if (textError) return this.#fail(textError);
    const parsed = parseClientFirst(message);
    if (!parsed.ok) return this.#fail(parsed.error);
    const first = parsed.value;
    const bindingError = this.#checkChannelBindingFlag(first);
    if (bindingError) return this.#fail(bindingError);
    // RFC 5802 §5.1 "n": the name is SASLprep'd; RFC 5802 §7: failure is invalid-username-encoding.
    const username = saslPrep(first.username);
    if (username === null || username === '') return this.#fail('invalid-username-encoding');
    this.#state = { phase: 'awaiting-server-first', first, username };
    return { ok: true, username, authzid: first.authzid };
  }

  /**
   * server-first-message = nonce "," salt "," iteration-count (RFC 5802 §7). For an unknown user
   * (credential undefined) the salt is derived from a server secret and the name, so it is stable
   * and looks like a real one; the exchange then fails at the proof with invalid-proof, never
   * unknown-user (RFC 5802 §7 allows hiding the reason), so names cannot be enumerated.
   */
  serverFirst(credential: ScramCredential | undefined): string {
    const state = this.#state;
    if (state.phase !== 'awaiting-server-first') {
      this.#fail('other-error');
      throw new HeraldError('HERALD_ERR_INTERNAL', `SCRAM serverFirst called in phase ${state.phase}`);
    }
    const material = credential
      ? { ...this.#realMaterial(credential), isKnownUser: true }
      : { ...this.#fakeMaterial(state.username), isKnownUser: false };
    // RFC 5802 §5.1 "r": the server appends its own nonce to the client's.
    const serverFirst = `r=${state.first.clientNonce}${this.#o.serverNonce},s=${material.salt},i=${material.iterations}`;
    this.#state = {
      ...state,
      phase: 'awaiting-client-final',
      serverFirst,
      keys: material.keys,
      isKnownUser: material.isKnownUser,
    };
    return serverFirst;
  }

  receiveClientFinal(message: string): ClientFinalResult {
    const state = this.#state;
    if (state.phase !== 'awaiting-client-final') return { ...this.#fail('other-error'), serverFinal: null };
    const failFinal = (error: ScramErrorCode): ClientFinalResult => ({
      ...this.#fail(error),
      serverFinal: `e=${error}`,
    });
    const textError = checkMessageText(message, this.#maxMessageLength);
    if (textError) return failFinal(textError);
    const parsed = parseClientFinal(message);
    if (!parsed.ok) return failFinal(parsed.error);
    const final = parsed.value;
    // RFC 5802 §6: the server MUST always validate the client's "c=" against the cbind-input it
    // expects: the gs2-header, then the channel's binding data when the flag is "p".
    if (!equalBytes(final.channelBinding, this.#expectedCbindInput(state.first)))
      return failFinal('channel-bindings-dont-match');
    // RFC 5802 §5.1 "r": the nonce MUST be the one the server sent in server-first.
    if (final.nonce !== `${state.first.clientNonce}${this.#o.serverNonce}`) return failFinal('other-error');
    const { hash } = this.#o;
    if (final.proof.length !== scramDigestLength(hash)) return failFinal('invalid-proof');
    // RFC 5802 §3: AuthMessage := client-first-message-bare + "," + server-first-message + "," +
    //                             client-final-message-without-proof
    const authMessage = `${state.first.bare},${state.serverFirst},${final.withoutProof}`;
    const clientSignature = scramHmac(hash, state.keys.storedKey, authMessage);
    const clientKey = xorBytes(final.proof, clientSignature);
    // RFC 5802 §5.1 "p": the server verifies the proof by computing H(ClientKey) and comparing it
    // to StoredKey; compared in constant time, and the fake keys of an unknown user never match.
    const isProofValid = timingSafeEqual(scramH(hash, clientKey), state.keys.storedKey);
    if (!isProofValid || !state.isKnownUser) return failFinal('invalid-proof');
    const serverSignature = scramHmac(hash, state.keys.serverKey, authMessage);
    this.#state = { phase: 'succeeded' };
    return {
      ok: true,
      serverFinal: `v=${serverSignature.toString('base64')}`,
      username: state.username,
      authzid: state.first.authzid,
    };
  }

  #fail(error: ScramErrorCode): { ok: false; error: ScramErrorCode } {
    this.#state = { phase: 'failed', error };
    return { ok: false, error };
  }

  /** RFC 5802 §6 and RFC 5056: which gs2-cbind-flag this server accepts on this channel. */
  #checkChannelBindingFlag(first: ClientFirstMessage): ScramErrorCode | null {
    const flag = first.channelBinding;
    const { channelBinding, plusAdvertised, isPlusMechanism } = this.#o;
    // -PLUS means channel binding is used (RFC 5802 §4); the plain variant means it is not.
    if (isPlusMechanism !== undefined && isPlusMechanism !== (flag.kind === 'p')) return 'other-error';
    switch (flag.kind) {
      case 'n':
        return null;
      case 'y':
        // RFC 5802 §6: "y" while the server supports channel binding MUST fail (a downgrade).
        return plusAdvertised ? 'server-does-support-channel-binding' : null;
      case 'p':
        if (!plusAdvertised || !channelBinding) return 'channel-binding-not-supported';
        return flag.type === channelBinding.type ? null : 'unsupported-channel-binding-type';
      default: {
        const never: never = flag;
        return never;
      }
    }
  }

  /** cbind-input = gs2-header [ cbind-data ]; cbind-data present exactly for "p" (RFC 5802 §7). */
  #expectedCbindInput(first: ClientFirstMessage): Buffer {
    const header = Buffer.from(first.gs2Header, 'utf8');
    const data = first.channelBinding.kind === 'p' ? this.#o.channelBinding?.data : undefined;
    return data ? Buffer.concat([header, data]) : header;
  }

  #realMaterial(credential: ScramCredential): Material {
    const salt = decodeStrictBase64(credential.salt);
    const storedKey = decodeStrictBase64(credential.storedKey);
    const serverKey = decodeStrictBase64(credential.serverKey);
    const length = scramDigestLength(this.#o.hash);
    const isWellFormed =
      salt !== null &&
      salt.length > 0 &&
      storedKey?.length === length &&
      serverKey?.length === length &&
      Number.isSafeInteger(credential.iterations) &&
      credential.iterations > 0;
    if (!isWellFormed || !storedKey || !serverKey) {
      this.#fail('other-error');
      throw new HeraldError('HERALD_ERR_INTERNAL', `stored SCRAM-${this.#o.hash} credential is malformed`);
    }
    return { salt: credential.salt, iterations: credential.iterations, keys: { storedKey, serverKey } };
  }

  #fakeMaterial(username: string): Material {
    const secret = this.#o.unknownUserSecret ?? defaultUnknownUserSecret();
    const derive = (purpose: string, length: number): Buffer =>
      createHmac('sha256', secret)
        .update(`herald-scram-unknown-user\u0000${purpose}\u0000${this.#o.hash}\u0000${username}`)
        .digest()
        .subarray(0, length);
    const length = scramDigestLength(this.#o.hash);
    return {
      salt: derive('salt', SCRAM_SALT_BYTES).toString('base64'),
      iterations: this.#o.unknownUserIterations ?? DEFAULT_SCRAM_ITERATIONS,
      keys: { storedKey: derive('stored-key', length), serverKey: derive('server-key', length) },
    };
  }
}

function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
