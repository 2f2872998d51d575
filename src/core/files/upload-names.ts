/**
 * XEP-0363: HTTP File Upload — https://xmpp.org/extensions/xep-0363.html
 * The pure checks of a slot request (§4 Requesting a slot: the file name, the size, the media type)
 * and the URL path an upload lives at, shared by the core (which makes the URLs) and the HTTP
 * adapter (which serves them).
 */

/** Uploads live at `<public base URL>/upload/<random id>/<file name>`. */
export const UPLOAD_PATH_PREFIX = '/upload';

/** §4: the file name's size is counted in bytes (UTF-8). */
export const MAX_FILENAME_BYTES = 255;

/**
 * The name, percent-encoded, is one URL path segment; the HTTP router takes segments of at most
 * 200 characters, so a longer one could never be fetched.
 */
export const MAX_ENCODED_FILENAME_LENGTH = 200;

/** §6: the service MAY assume application/octet-stream when the client gave no Content-Type. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export type FilenameProblem =
  | 'empty'
  | 'too-long'
  | 'malformed'
  | 'control-character'
  | 'path-separator'
  | 'dot-name';

/**
 * Control characters, and the bidirectional overrides that would make `txt.exe` read as
 * `exe.txt` (a classic way to disguise a file's type).
 */
const UNSAFE_CHARACTERS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

const UTF8 = new TextEncoder();

/** Why `name` cannot be an upload's file name, or null if it can. */
export function checkFilename(name: string): FilenameProblem | null {
  if (name.length === 0) return 'empty';
  let encoded: string;
  try {
    encoded = encodeURIComponent(name);
  } catch {
    return 'malformed'; // a lone surrogate: not text at all
  }
  if (UTF8.encode(name).byteLength > MAX_FILENAME_BYTES || encoded.length > MAX_ENCODED_FILENAME_LENGTH)
    return 'too-long';
  if (UNSAFE_CHARACTERS.test(name)) return 'control-character';
  if (name.includes('/') || name.includes('\\')) return 'path-separator';
  if (name === '.' || name === '..') return 'dot-name';
  return null;
}

/** RFC 9110 §5.6.2 token characters. */
const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}$`, 'i');

/**
 * The lower-case `type/subtype` of an RFC 9110 §8.3.1 media type (parameters dropped), or null
 * when `value` is not one.
 */
export function mediaTypeEssence(value: string): string | null {
  if (value.length > 255) return null;
  const essence = (value.split(';', 1)[0] ?? '').trim();
  return MEDIA_TYPE.test(essence) ? essence.toLowerCase() : null;
}

/** The URL path of an upload: the id, then the name percent-encoded (RFC 3986 §2.1). */
export function uploadPath(id: string, name: string): string {
  return `${UPLOAD_PATH_PREFIX}/${id}/${encodeURIComponent(name)}`;
}

/** Slot tokens and file ids: 256 random bits, base64url (43 characters). */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
