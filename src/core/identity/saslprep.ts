/**
 * SASLprep: Stringprep Profile for User Names and Passwords — RFC 4013.
 * https://www.rfc-editor.org/rfc/rfc4013
 */
import saslprep from '@mongodb-js/saslprep';

/**
 * RFC 3454 Table B.1 ("commonly mapped to nothing"), which RFC 4013 §2.2 maps to nothing, minus
 * U+200B: that one is also in Table C.1.2, and §2.1 maps it to SPACE first (as libidn and the
 * library do).
 */
const MAPPED_TO_NOTHING: ReadonlySet<number> = new Set([
  0x00ad,
  0x034f,
  0x1806,
  0x180b,
  0x180c,
  0x180d,
  0x200c,
  0x200d,
  0x2060,
  ...Array.from({ length: 16 }, (_, i) => 0xfe00 + i),
  0xfeff,
]);

/**
 * Prepares a user name or password as a "stored string" (RFC 3454 §7: unassigned code points are
 * prohibited), which is what RFC 5802 §2.2 Normalize() asks of SCRAM. Returns null when RFC 4013
 * §2.3 (prohibited output) or §2.4 (bidirectional characters, RFC 3454 §6) refuses the string,
 * or when it holds a code point unassigned in Unicode 3.2 (RFC 4013 §2.5).
 *
 * The mapping (§2.1, §2.2), NFKC (§2.2) and the checks come from `@mongodb-js/saslprep`, whose
 * tables are RFC 3454's. Its NFKC is the JavaScript engine's (current Unicode, not 3.2); the two
 * differ only on the few code points whose decomposition Unicode corrected after 3.2.
 */
export function saslPrep(value: string): string | null {
  // A string made only of characters mapped to nothing prepares to the empty string; the library
  // trips over that case (it reads the first character of the empty output), so answer it here.
  if ([...value].every((ch) => MAPPED_TO_NOTHING.has(ch.codePointAt(0) ?? -1))) return '';
  try {
    return saslprep(value, { allowUnassigned: false });
  } catch {
    return null;
  }
}
