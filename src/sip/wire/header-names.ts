/**
 * SIP header field names: canonical spelling, compact forms (RFC 3261 §7.3.3 and §20, plus the IANA
 * "Header Fields" registry entries of extensions) and which headers are comma-separated lists.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7.3.3 · https://www.iana.org/assignments/sip-parameters
 */

/** Compact form → canonical name. */
const COMPACT: Readonly<Record<string, string>> = {
  a: 'Accept-Contact', // RFC 3841
  b: 'Referred-By', // RFC 3892
  c: 'Content-Type',
  d: 'Request-Disposition', // RFC 3841
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact', // RFC 3841
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info', // RFC 4474 (obsoleted by RFC 8224, still seen)
  o: 'Event', // RFC 6665
  r: 'Refer-To', // RFC 3515
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events', // RFC 6665
  v: 'Via',
  x: 'Session-Expires', // RFC 4028
  y: 'Identity', // RFC 8224
};

const KNOWN = [
  'Accept',
  'Accept-Contact',
  'Accept-Encoding',
  'Accept-Language',
  'Alert-Info',
  'Allow',
  'Allow-Events',
  'Authentication-Info',
  'Authorization',
  'Call-ID',
  'Call-Info',
  'Contact',
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Length',
  'Content-Transfer-Encoding',
  'Content-Type',
  'CSeq',
  'Date',
  'Error-Info',
  'Event',
  'Expires',
  'From',
  'History-Info',
  'Identity',
  'Identity-Info',
  'In-Reply-To',
  'Max-Forwards',
  'Min-Expires',
  'Min-SE',
  'MIME-Version',
  'Organization',
  'P-Asserted-Identity',
  'P-Preferred-Identity',
  'Path',
  'Priority',
  'Privacy',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'Proxy-Require',
  'RAck',
  'Reason',
  'Record-Route',
  'Refer-To',
  'Referred-By',
  'Reject-Contact',
  'Replaces',
  'Reply-To',
  'Request-Disposition',
  'Require',
  'Retry-After',
  'Route',
  'RSeq',
  'Security-Client',
  'Security-Server',
  'Security-Verify',
  'Server',
  'Service-Route',
  'Session-Expires',
  'SIP-ETag',
  'SIP-If-Match',
  'Subject',
  'Subscription-State',
  'Supported',
  'Timestamp',
  'To',
  'Unsupported',
  'User-Agent',
  'Via',
  'Warning',
  'WWW-Authenticate',
];

const CANONICAL = new Map<string, string>(KNOWN.map((name) => [name.toLowerCase(), name]));

/**
 * Headers whose grammar is `1#element` (or `*`), so several values may share one line, separated by
 * commas. WWW-Authenticate and the other auth headers are NOT here: commas separate their parameters.
 */
const LIST_HEADERS = new Set(
  [
    'Accept',
    'Accept-Contact',
    'Accept-Encoding',
    'Accept-Language',
    'Alert-Info',
    'Allow',
    'Allow-Events',
    'Call-Info',
    'Contact',
    'Content-Encoding',
    'Content-Language',
    'Error-Info',
    'History-Info',
    'In-Reply-To',
    'P-Asserted-Identity',
    'P-Preferred-Identity',
    'Path',
    'Proxy-Require',
    'Reason',
    'Record-Route',
    'Reject-Contact',
    'Require',
    'Route',
    'Security-Client',
    'Security-Server',
    'Security-Verify',
    'Service-Route',
    'Supported',
    'Unsupported',
    'Via',
    'Warning',
  ].map((name) => name.toLowerCase()),
);

/**
 * Spellings seen → canonical name: the canonical names and compact forms themselves at first, and
 * every other spelling of a known header once met (bounded: a peer inventing spellings cannot grow
 * it). Each header of each message is looked up here, and lower-casing each name was 3 % of a
 * proxied call's CPU.
 */
const SPELLINGS = new Map<string, string>([
  ...KNOWN.map((name) => [name, name] as const),
  ...Object.entries(COMPACT),
  ...Object.entries(COMPACT).map(([compact, name]) => [compact.toUpperCase(), name] as const),
]);
const MAX_SPELLINGS = SPELLINGS.size + 512;

/** Canonical name for a received name: compact forms expanded, known names in their RFC spelling. */
export function canonicalHeaderName(name: string): string {
  const seen = SPELLINGS.get(name);
  if (seen !== undefined) return seen;
  const lower = name.toLowerCase();
  const canonical = COMPACT[lower] ?? CANONICAL.get(lower);
  if (canonical === undefined) return name;
  if (SPELLINGS.size < MAX_SPELLINGS) SPELLINGS.set(name, canonical);
  return canonical;
}

/** Whether `name` is a header of RFC 3261 or an extension Herald knows (and so is stored canonical). */
export function isKnownHeader(canonical: string): boolean {
  return SPELLINGS.get(canonical) === canonical;
}

const LIST_CANONICAL = new Set(KNOWN.filter((name) => LIST_HEADERS.has(name.toLowerCase())));

export function isListHeader(name: string): boolean {
  const canonical = canonicalHeaderName(name);
  return LIST_CANONICAL.has(canonical) || LIST_HEADERS.has(canonical.toLowerCase());
}
