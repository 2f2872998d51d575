/**
 * SCRAM client messages as the server parses them — RFC 5802 §5.1 attributes and §7 grammar.
 * https://www.rfc-editor.org/rfc/rfc5802#section-7
 */

/** RFC 5802 §7 server-error-value (the registered values; server-error-value-ext is not sent). */
export type ScramErrorCode =
  | 'invalid-encoding'
  | 'extensions-not-supported'
  | 'invalid-proof'
  | 'channel-bindings-dont-match'
  | 'server-does-support-channel-binding'
  | 'channel-binding-not-supported'
  | 'unsupported-channel-binding-type'
  | 'unknown-user'
  | 'invalid-username-encoding'
  | 'no-resources'
  | 'other-error';

/** gs2-cbind-flag (RFC 5802 §7): "n" client has no channel binding, "y" it has but thinks the server has none, "p=" it binds. */
export type Gs2ChannelBindingFlag =
  | { readonly kind: 'n' }
  | { readonly kind: 'y' }
  | { readonly kind: 'p'; readonly type: string };

export interface ClientFirstMessage {
  /** gs2-header exactly as sent, trailing comma included: the `c=` attribute must echo it. */
  readonly gs2Header: string;
  readonly channelBinding: Gs2ChannelBindingFlag;
  /** `a=` decoded from its saslname escapes; null when absent. */
  readonly authzid: string | null;
  /** `n=` decoded from its saslname escapes, not yet SASLprep'd. */
  readonly username: string;
  readonly clientNonce: string;
  /** client-first-message-bare: the first part of AuthMessage (RFC 5802 §3). */
  readonly bare: string;
}

export interface ClientFinalMessage {
  readonly channelBinding: Buffer;
  readonly nonce: string;
  readonly proof: Buffer;
  /** client-final-message-without-proof: the last part of AuthMessage (RFC 5802 §3). */
  readonly withoutProof: string;
}

export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: ScramErrorCode };

const fail = (error: ScramErrorCode): { ok: false; error: ScramErrorCode } => ({ ok: false, error });

/** cb-name = 1*(ALPHA / DIGIT / "." / "-") */
export const CB_NAME = /^[A-Za-z0-9.-]+$/;
/** c-nonce / s-nonce: printable = %x21-2B / %x2D-7E (RFC 5802 §7; read as 1*printable, per erratum). */
export const NONCE = /^[\x21-\x2b\x2d-\x7e]+$/;
/** attr-val = ALPHA "=" value; value = 1*value-char (commas are already split off, NUL refused earlier). */
const ATTR_VAL = /^[A-Za-z]=.+$/s;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Refuses what no SCRAM message may be: longer than the limit (STYLE habit 15), holding NUL
 * (value-safe-char excludes %x00) or text that is not valid UTF-8 (a lone surrogate here).
 */
export function checkMessageText(message: string, maxBytes: number): ScramErrorCode | null {
  if (Buffer.byteLength(message, 'utf8') > maxBytes) return 'other-error';
  if (message.includes('\u0000') || LONE_SURROGATE.test(message)) return 'invalid-encoding';
  return null;
}

/**
 * saslname = 1*(value-safe-char / "=2C" / "=3D"). RFC 5802 §5.1: a "=" not followed by "2C" or
 * "3D" MUST fail the authentication. ABNF literals are case-insensitive (RFC 5234 §2.3), so "=2c"
 * is accepted too. Null when the escapes are bad or the name is empty.
 */
export function decodeSaslname(value: string): string | null {
  if (value.length === 0) return null;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '=') {
      out += ch;
      continue;
    }
    const code = value.slice(i + 1, i + 3).toUpperCase();
    if (code === '2C') out += ',';
    else if (code === '3D') out += '=';
    else return null;
    i += 2;
  }
  return out;
}

/** The reverse of decodeSaslname, for clients and tests. */
export function encodeSaslname(value: string): string {
  return value.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** base64 as RFC 5802 §7 writes it (padded, no whitespace), and canonical, else null. */
export function decodeStrictBase64(value: string): Buffer | null {
  if (!BASE64.test(value)) return null;
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : null;
}

/** RFC 5802 §5.1 "m": its presence MUST cause authentication failure. */
const isMandatoryExtension = (attribute: string): boolean => attribute.startsWith('m=');

/** Optional extensions: unrecognized ones MUST be ignored (RFC 5802 §7 "extensions"), but must parse. */
function checkExtensions(attributes: readonly string[]): ScramErrorCode | null {
  for (const attribute of attributes) {
    if (isMandatoryExtension(attribute)) return 'extensions-not-supported';
    if (!ATTR_VAL.test(attribute)) return 'invalid-encoding';
  }
  return null;
}

function parseFlag(text: string): Gs2ChannelBindingFlag | null {
  if (text === 'n' || text === 'y') return { kind: text };
  if (text.startsWith('p=') && CB_NAME.test(text.slice(2))) return { kind: 'p', type: text.slice(2) };
  return null;
}

/** client-first-message = gs2-header client-first-message-bare (RFC 5802 §7). */
export function parseClientFirst(message: string): Parsed<ClientFirstMessage> {
  const flagEnd = message.indexOf(',');
  const authzidEnd = flagEnd < 0 ? -1 : message.indexOf(',', flagEnd + 1);
  if (authzidEnd < 0) return fail('invalid-encoding');
  const channelBinding = parseFlag(message.slice(0, flagEnd));
  if (!channelBinding) return fail('invalid-encoding');
  const authzidText = message.slice(flagEnd + 1, authzidEnd);
  let authzid: string | null = null;
  if (authzidText !== '') {
    if (!authzidText.startsWith('a=')) return fail('invalid-encoding');
    // RFC 5802 §5.1 "a": same "=2C"/"=3D" quoting as "n".
    authzid = decodeSaslname(authzidText.slice(2));
    if (authzid === null) return fail('invalid-username-encoding');
  }
  const bare = message.slice(authzidEnd + 1);
  const [userAttribute = '', nonceAttribute = '', ...extensions] = bare.split(',');
  if (isMandatoryExtension(userAttribute)) return fail('extensions-not-supported');
  if (!userAttribute.startsWith('n=') || !nonceAttribute.startsWith('r=')) return fail('invalid-encoding');
  const username = decodeSaslname(userAttribute.slice(2));
  if (username === null) return fail('invalid-username-encoding');
  const clientNonce = nonceAttribute.slice(2);
  if (!NONCE.test(clientNonce)) return fail('invalid-encoding');
  const extensionError = checkExtensions(extensions);
  if (extensionError) return fail(extensionError);
  return {
    ok: true,
    value: {
      gs2Header: message.slice(0, authzidEnd + 1),
      channelBinding,
      authzid,
      username,
      clientNonce,
      bare,
    },
  };
}

/** client-final-message = channel-binding "," nonce ["," extensions] "," proof (RFC 5802 §7). */
export function parseClientFinal(message: string): Parsed<ClientFinalMessage> {
  const attributes = message.split(',');
  const [bindingAttribute = '', nonceAttribute = ''] = attributes;
  const proofAttribute = attributes.length >= 3 ? (attributes.at(-1) ?? '') : '';
  if (isMandatoryExtension(bindingAttribute)) return fail('extensions-not-supported');
  if (
    !bindingAttribute.startsWith('c=') ||
    !nonceAttribute.startsWith('r=') ||
    !proofAttribute.startsWith('p=')
  )
    return fail('invalid-encoding');
  const extensionError = checkExtensions(attributes.slice(2, -1));
  if (extensionError) return fail(extensionError);
  const channelBinding = decodeStrictBase64(bindingAttribute.slice(2));
  const proof = decodeStrictBase64(proofAttribute.slice(2));
  const nonce = nonceAttribute.slice(2);
  if (!channelBinding || !proof || !NONCE.test(nonce)) return fail('invalid-encoding');
  return {
    ok: true,
    value: { channelBinding, nonce, proof, withoutProof: message.slice(0, message.lastIndexOf(',')) },
  };
}
