/**
 * RFC 3261 §25.1 host grammar (IPv4address, IPv6reference, hostname) and RFC 5952 §4 canonical IPv6 text,
 * used by URI comparison: the text forms RFC 4291 §2.2 allows for one address compare equal.
 * https://www.rfc-editor.org/rfc/rfc3261#section-25.1 · https://www.rfc-editor.org/rfc/rfc5952#section-4
 */

/** IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255 (§25.1). */
export function isIPv4(s: string): boolean {
  // One scan without split or regex: every Via, Contact and URI host of every message comes here.
  let dots = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
      value = value * 10 + (c - 48);
    } else if (c === 46) {
      if (digits === 0 || value > 255 || ++dots > 3) return false;
      digits = 0;
      value = 0;
    } else return false;
  }
  return dots === 3 && digits > 0 && value <= 255;
}

/** Parses IPv6 text (without brackets) into eight 16-bit groups, or undefined. */
export function parseIPv6(s: string): number[] | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    // An embedded IPv4 address (IPv6address = … ls32) stands for the last two groups.
    if (!isIPv4(maybeV4)) return undefined;
    const [a, b, c, d] = maybeV4.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length;
  if (halves.length === 1) return explicit === 8 ? head : undefined;
  if (explicit > 7) return undefined;
  return [...head, ...new Array<number>(8 - explicit).fill(0), ...rest];
}

/** RFC 5952 §4 canonical text: lower-case hex, no leading zeros, the longest run of zeros (≥2) as "::". */
export function canonicalIPv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** hostname = *( domainlabel "." ) toplabel [ "." ] (RFC 3261 §25.1). */
export function isHostname(s: string): boolean {
  const labels = (s.endsWith('.') ? s.slice(0, -1) : s).split('.');
  if (labels.length === 0 || labels.some((l) => !/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/.test(l))) {
    return false;
  }
  // toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum: distinguishes a hostname from a bad IPv4 address.
  return /^[A-Za-z]/.test(labels[labels.length - 1] ?? '');
}

export type HostKind = 'hostname' | 'ipv4' | 'ipv6';

/** Classifies `host` (IPv6 must be bracketed, as an IPv6reference) or returns undefined if it is invalid. */
export function classifyHost(host: string): HostKind | undefined {
  if (host.startsWith('[')) {
    return host.endsWith(']') && parseIPv6(host.slice(1, -1)) ? 'ipv6' : undefined;
  }
  if (isIPv4(host)) return 'ipv4';
  return isHostname(host) ? 'hostname' : undefined;
}

/** A comparison key for a host: case-folded hostname, or the canonical address text for IP literals. */
export function hostKey(host: string): string {
  if (host.startsWith('[')) {
    const groups = parseIPv6(host.slice(1, -1));
    return groups ? `[${canonicalIPv6(groups)}]` : host.toLowerCase();
  }
  return host.toLowerCase();
}
