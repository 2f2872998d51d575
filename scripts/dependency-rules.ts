/**
 * The import directions of shared/DESIGN.md ("Direction of dependencies"), as a pure policy:
 * given the importing file and what it imports, say whether the import is allowed.
 */
import { posix } from 'node:path';

export type Layer =
  | { kind: 'main' }
  | { kind: 'kernel' }
  | { kind: 'core'; isPorts: boolean }
  | { kind: 'infra' }
  /** src/xml: the safe XML codec XMPP, SIP bodies and phone XML share; a pure codec. */
  | { kind: 'xml' }
  | { kind: 'adapter'; name: string; isWire: boolean; isContract: boolean }
  | { kind: 'web' }
  | { kind: 'outside' };

export const ADAPTERS = ['xmpp', 'sip', 'http', 'cti', 'phone-xml'] as const;

/** Packages (or node: builtins) each layer may import from outside the project. */
const EXTERNAL_ALLOWED: Record<string, readonly string[]> = {
  // The kernel is plumbing: Node's standard library plus small libraries.
  kernel: ['node:*', 'pino', 'prom-client', 'yaml', '@sinclair/typebox'],
  // The domain does no I/O: computation only (crypto for SCRAM/digest, saslprep for RFC 4013).
  core: ['node:crypto', 'node:events', 'node:util', '@mongodb-js/saslprep', '@sinclair/typebox'],
  // Pure codecs: the XML tokenizer and the SDP grammar, nothing that touches a socket.
  wire: ['node:buffer', 'node:crypto', 'node:string_decoder', 'saxes', 'sdp-transform'],
  xml: ['node:buffer', 'node:string_decoder', 'saxes'],
};

export function layerOf(file: string): Layer {
  const p = file.split('\\').join('/');
  if (p.startsWith('web/')) return { kind: 'web' };
  if (!p.startsWith('src/')) return { kind: 'outside' };
  const [, top, second] = p.split('/');
  if (top === 'main') return { kind: 'main' };
  if (top === 'kernel') return { kind: 'kernel' };
  if (top === 'core') return { kind: 'core', isPorts: p === 'src/core/ports.ts' };
  if (top === 'infra') return { kind: 'infra' };
  if (top === 'xml') return { kind: 'xml' };
  if (top && (ADAPTERS as readonly string[]).includes(top)) {
    return { kind: 'adapter', name: top, isWire: second === 'wire', isContract: second === 'contract' };
  }
  return { kind: 'outside' };
}

export interface Violation {
  from: string;
  to: string;
  rule: string;
}

function externalAllowed(list: readonly string[], specifier: string): boolean {
  const pkg = specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];
  return list.some((allowed) =>
    allowed === 'node:*' ? specifier.startsWith('node:') : allowed === specifier || allowed === pkg,
  );
}

/** `to` is a project path (src/…) for relative imports, or the bare specifier for packages. */
export function checkImport(from: string, to: string, isExternal: boolean): Violation | null {
  const src = layerOf(from);
  const bad = (rule: string): Violation => ({ from, to, rule });
  if (isExternal) {
    if (src.kind === 'kernel' && !externalAllowed(EXTERNAL_ALLOWED.kernel ?? [], to))
      return bad('kernel imports only the standard library and small libraries');
    if (src.kind === 'core' && !externalAllowed(EXTERNAL_ALLOWED.core ?? [], to))
      return bad('core does no I/O: no sockets, SQL, XML or HTTP libraries');
    if (src.kind === 'adapter' && src.isWire && !externalAllowed(EXTERNAL_ALLOWED.wire ?? [], to))
      return bad('wire/ holds pure codecs');
    if (src.kind === 'xml' && !externalAllowed(EXTERNAL_ALLOWED.xml ?? [], to))
      return bad('xml/ is a pure codec');
    return null;
  }
  const dst = layerOf(to);
  if (dst.kind === 'main' && src.kind !== 'main') return bad('nothing imports main');
  switch (src.kind) {
    case 'main':
    case 'outside':
      return null;
    case 'kernel':
      return dst.kind === 'kernel' ? null : bad('kernel imports nothing of the project but itself');
    case 'xml':
      return dst.kind === 'xml' ? null : bad('xml imports nothing of the project but itself');
    case 'core':
      return dst.kind === 'core' || dst.kind === 'kernel' ? null : bad('core imports only core and kernel');
    case 'infra':
      if (dst.kind === 'kernel' || dst.kind === 'infra') return null;
      if (dst.kind === 'core' && dst.isPorts) return null;
      return bad('infra implements core/ports.ts and imports nothing else of core');
    case 'adapter': {
      if (src.isWire) {
        const sameWire = dst.kind === 'adapter' && dst.name === src.name && dst.isWire;
        return sameWire || dst.kind === 'xml'
          ? null
          : bad(`${src.name}/wire imports nothing of the project but itself and xml/`);
      }
      if (dst.kind === 'core' || dst.kind === 'kernel' || dst.kind === 'xml') return null;
      if (dst.kind === 'adapter' && dst.name === src.name) return null;
      if (dst.kind === 'adapter') return bad('an adapter never imports another adapter');
      return bad(`${src.name} imports only core, kernel and itself`);
    }
    case 'web':
      return dst.kind === 'web' || (dst.kind === 'adapter' && dst.name === 'http' && dst.isContract)
        ? null
        : bad('web imports only src/http/contract');
    default: {
      const never: never = src;
      return never;
    }
  }
}

/** Resolves a relative specifier against the importing file; `.js` in ESM specifiers means `.ts`. */
export function resolveRelative(from: string, specifier: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(from.split('\\').join('/')), specifier));
  return joined.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts');
}
