/**
 * XML 1.0 serialization — XML 1.0 (Fifth Edition) §2.2, §2.4, §3.3.3 and Namespaces in XML 1.0 §6.
 * https://www.w3.org/TR/xml/#syntax
 */
import type { Element } from './element.js';
import {
  declarationAttribute,
  isDeclarationAttribute,
  type NamespaceBindings,
  prefixOf,
} from './namespace-scope.js';

/** Where the output goes, so elements only declare the namespaces that differ from it. */
export interface SerializeContext {
  /** Bindings already declared at the point of output, e.g. a stream header's `xmlns` and `xmlns:stream`. */
  readonly declared?: NamespaceBindings;
  /**
   * Namespaces for built elements that do not know theirs (no declaration, never placed in a
   * parent). Defaults to `declared`; a WebSocket frame, where nothing is declared, assumes `jabber:client`.
   */
  readonly assumed?: NamespaceBindings;
}

const NOTHING_DECLARED: NamespaceBindings = Object.freeze(Object.create(null));

// Characters XML 1.0 §2.2 does not allow (C0 controls but TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates)
// cannot be escaped, only replaced: writing them would make the whole stream not well-formed.
const INVALID =
  '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
// `>` is escaped too so text can never contain `]]>` (XML 1.0 §2.4); `\r` as a reference, because a
// parser turns a literal CR into LF (§2.11).
const TEXT_SPECIAL = `[&<>\\r]|${INVALID}`;
// Both quotes are escaped, so a value is safe whichever quote encloses it; TAB/LF/CR as references
// because attribute-value normalization (§3.3.3) would turn literal ones into spaces.
const ATTRIBUTE_SPECIAL = `[&<>"'\\t\\n\\r]|${INVALID}`;

const TEXT_TEST = new RegExp(TEXT_SPECIAL);
const TEXT_ALL = new RegExp(TEXT_SPECIAL, 'g');
const ATTRIBUTE_TEST = new RegExp(ATTRIBUTE_SPECIAL);
const ATTRIBUTE_ALL = new RegExp(ATTRIBUTE_SPECIAL, 'g');

function reference(char: string): string {
  switch (char) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    case "'":
      return '&apos;';
    case '\t':
      return '&#9;';
    case '\n':
      return '&#10;';
    case '\r':
      return '&#13;';
    default:
      return '\uFFFD';
  }
}

/** Escapes character data: `&`, `<`, `>` and CR as references; characters XML forbids become U+FFFD. */
export function escapeText(text: string): string {
  return TEXT_TEST.test(text) ? text.replace(TEXT_ALL, reference) : text;
}

/** Escapes an attribute value for either quote: `& < > " '` and TAB/LF/CR as references. */
export function escapeAttribute(value: string): string {
  return ATTRIBUTE_TEST.test(value) ? value.replace(ATTRIBUTE_ALL, reference) : value;
}

/**
 * Writes an element and its content. Namespace declarations are added where the element's
 * namespace differs from what the output has in scope, so a parsed `<message/>` from a client
 * stream, forwarded inside `<forwarded xmlns='urn:xmpp:forward:0'/>`, keeps `jabber:client`.
 */
export function serialize(element: Element, context: SerializeContext = {}): string {
  const declared = context.declared ?? NOTHING_DECLARED;
  return write(element, declared, context.assumed ?? declared, false);
}

/** Writes only the start tag, `<name …>`, as a stream header needs (RFC 6120 §4.2). */
export function serializeOpenTag(element: Element, context: SerializeContext = {}): string {
  const declared = context.declared ?? NOTHING_DECLARED;
  return write(element, declared, context.assumed ?? declared, true);
}

/** The end tag `</name>` for a start tag written by {@link serializeOpenTag}. */
export function closeTag(name: string): string {
  return `</${name}>`;
}

function inScope(bindings: NamespaceBindings, prefix: string): string | undefined {
  return bindings[prefix] ?? (prefix === '' ? '' : undefined);
}

function copyBindings(bindings: NamespaceBindings): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, bindings);
}

/** `scope` with one more binding; copied from `declared` the first time an element declares anything. */
function bind(
  scope: Record<string, string> | undefined,
  declared: NamespaceBindings,
  prefix: string,
  uri: string,
): Record<string, string> {
  const bindings = scope ?? copyBindings(declared);
  bindings[prefix] = uri;
  return bindings;
}

function write(
  element: Element,
  declared: NamespaceBindings,
  assumed: NamespaceBindings,
  openOnly: boolean,
): string {
  const { attrs, name } = element;
  let out = `<${name}`;
  // The bindings for the children: `declared` plus what this element declares, copied on first need.
  let scope: Record<string, string> | undefined;
  let hasPrefixedAttribute = false;
  for (const key in attrs) {
    const value = attrs[key] as string;
    out += ` ${key}='${escapeAttribute(value)}'`;
    if (isDeclarationAttribute(key))
      scope = bind(scope, declared, key.length === 5 ? '' : key.slice(6), value);
    else if (key.includes(':')) hasPrefixedAttribute = true;
  }
  const prefix = prefixOf(name);
  if (attrs[declarationAttribute(prefix)] === undefined) {
    const ns = element.xmlns ?? assumed[prefix];
    if (ns !== undefined && ns !== inScope(scope ?? declared, prefix)) {
      out += ` ${declarationAttribute(prefix)}='${escapeAttribute(ns)}'`;
      scope = bind(scope, declared, prefix, ns);
    }
  }
  if (hasPrefixedAttribute) {
    // Attributes such as `foo:bar` whose prefix was declared on an ancestor left out of this output.
    for (const key in attrs) {
      if (isDeclarationAttribute(key) || !key.includes(':')) continue;
      const attributePrefix = prefixOf(key);
      if (attributePrefix === 'xml' || attrs[declarationAttribute(attributePrefix)] !== undefined) continue;
      const ns = element.lookupNamespace(attributePrefix);
      if (ns !== undefined && ns !== (scope ?? declared)[attributePrefix]) {
        out += ` xmlns:${attributePrefix}='${escapeAttribute(ns)}'`;
        scope = bind(scope, declared, attributePrefix, ns);
      }
    }
  }
  if (openOnly) return `${out}>`;
  if (element.children.length === 0) return `${out}/>`;
  out += '>';
  const childScope = scope ?? declared;
  for (const child of element.children) {
    out += typeof child === 'string' ? escapeText(child) : write(child, childScope, assumed, false);
  }
  return `${out}</${name}>`;
}
