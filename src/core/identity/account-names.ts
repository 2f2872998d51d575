/**
 * What a username and a password may be. Usernames are JID localparts and SIP user parts at once,
 * so Herald keeps the subset both accept unescaped: lower-case ASCII letters, digits and `._-`
 * (RFC 7622 §3.3 allows more, but `@`, `/`, `:` and spaces break SIP URIs and shell scripts).
 */
import { saslPrep } from './saslprep.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const USERNAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

/** Case-maps (RFC 8265 §3.3 UsernameCaseMapped, ASCII subset) and checks a username. */
export function checkUsername(input: string): Checked<string> {
  const value = input.trim().toLowerCase();
  if (value.length === 0) return { ok: false, reason: 'username is empty' };
  if (value.length > 64) return { ok: false, reason: 'username is longer than 64 characters' };
  if (!USERNAME.test(value))
    return {
      ok: false,
      reason:
        'username may hold only letters, digits, ".", "_" and "-", and must start and end with a letter or digit',
    };
  return { ok: true, value };
}

export const PASSWORD_MAX_LENGTH = 1024;

/** A password must survive SASLprep (RFC 4013) unchanged in meaning, so SCRAM and PLAIN agree. */
export function checkPassword(input: string, minLength: number): Checked<string> {
  if (input.length > PASSWORD_MAX_LENGTH)
    return { ok: false, reason: `password is longer than ${PASSWORD_MAX_LENGTH} characters` };
  const prepared = saslPrep(input);
  if (prepared === null) return { ok: false, reason: 'password holds characters SASLprep prohibits' };
  if ([...prepared].length < minLength)
    return { ok: false, reason: `password must have at least ${minLength} characters` };
  return { ok: true, value: input };
}

export function checkDisplayName(input: string): Checked<string> {
  const value = input.trim();
  if (value.length > 128) return { ok: false, reason: 'display name is longer than 128 characters' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    return { ok: false, reason: 'display name holds control characters' };
  return { ok: true, value };
}

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/;

export function checkEmail(input: string): Checked<string> {
  const value = input.trim();
  if (!EMAIL.test(value)) return { ok: false, reason: 'email is not an address' };
  return { ok: true, value };
}
