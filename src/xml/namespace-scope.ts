/**
 * Namespaces in XML 1.0 (Third Edition) — prefix bindings in scope at an element.
 * https://www.w3.org/TR/xml-names/#scoping
 */

/** Bound to the prefix `xml` by definition; never declared (Namespaces in XML §3, "Reserved Prefixes"). */
export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
/** Bound to the prefix `xmlns` by definition; must never be declared (Namespaces in XML §3). */
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

/** Prefix → namespace name; the key `''` is the default namespace, whose value `''` means "no namespace". */
export type NamespaceBindings = Readonly<Record<string, string>>;

/**
 * The bindings in effect at a parsed element: its own declarations, then its ancestors'.
 * Elements that declare nothing share their parent's scope, so a stanza costs no scope object.
 */
export class NamespaceScope {
  constructor(
    readonly bindings: NamespaceBindings,
    readonly parent: NamespaceScope | undefined,
  ) {}

  /** The namespace bound to `prefix` (`''` = default), or undefined when the prefix is unbound. */
  lookup(prefix: string): string | undefined {
    for (let scope: NamespaceScope | undefined = this; scope !== undefined; scope = scope.parent) {
      const uri = scope.bindings[prefix];
      if (uri !== undefined) return uri;
    }
    if (prefix === 'xml') return XML_NAMESPACE;
    // An undeclared default namespace means "no namespace" (Namespaces in XML §6.2).
    return prefix === '' ? '' : undefined;
  }

  /** A scope whose outermost bindings are `bindings` (for parsing a fragment as if inside a context). */
  static of(bindings: NamespaceBindings = {}): NamespaceScope {
    return new NamespaceScope(nullProtoCopy(bindings), undefined);
  }
}

/** The prefix of a qualified name (`stream:features` → `stream`), `''` when there is none. */
export function prefixOf(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? '' : qname.slice(0, colon);
}

/** The local part of a qualified name (`stream:features` → `features`). */
export function localNameOf(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

/** The attribute that declares `prefix`: `xmlns` for the default namespace, `xmlns:p` otherwise. */
export function declarationAttribute(prefix: string): string {
  return prefix === '' ? 'xmlns' : `xmlns:${prefix}`;
}

/** Is `name` a namespace declaration attribute (`xmlns` or `xmlns:p`)? */
export function isDeclarationAttribute(name: string): boolean {
  // The first-character test is the common exit: most attributes do not start with `x`.
  return (
    name.charCodeAt(0) === 0x78 &&
    name.startsWith('xmlns') &&
    (name.length === 5 || name.charCodeAt(5) === 0x3a)
  );
}

/** Copies a record into an object without prototype, so names such as `__proto__` are plain keys. */
export function nullProtoCopy<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  const copy: Record<string, V> = Object.create(null);
  for (const key of Object.keys(record)) copy[key] = record[key] as V;
  return copy;
}
