/**
 * Namespace processing of one start tag — Namespaces in XML 1.0 (Third Edition) §3, §5, §6.
 * https://www.w3.org/TR/xml-names/#ns-using
 */
import type { Attributes } from './element.js';
import {
  isDeclarationAttribute,
  NamespaceScope,
  prefixOf,
  XML_NAMESPACE,
  XMLNS_NAMESPACE,
} from './namespace-scope.js';
import type { XmlError } from './xml-error.js';

export interface ResolvedStartTag {
  /** The bindings in effect inside the element: the parent's own object when it declares nothing. */
  readonly scope: NamespaceScope;
  /** The element's namespace (`''` for none). */
  readonly ns: string;
}

/** §3 "Reserved Prefixes and Namespace Names", and "No Prefix Undeclaring" (XML Names 1.0). */
function declarationProblem(prefix: string, uri: string): string | undefined {
  if (prefix === 'xmlns') return 'the prefix xmlns must not be declared';
  if (prefix === 'xml') return uri === XML_NAMESPACE ? undefined : 'the prefix xml must not be rebound';
  if (uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE)
    return `${uri} must not be bound to ${prefix || 'the default'}`;
  if (prefix !== '' && uri === '') return `the prefix ${prefix} must not be undeclared`;
  return undefined;
}

/**
 * Applies a start tag's declarations to the scope around it and resolves its name; refuses
 * reserved-prefix misuse and unbound prefixes (not-well-formed, RFC 6120 §11.3 counts XML Names)
 * and more than `maxAttributes` attributes (policy-violation).
 */
export function resolveStartTag(
  name: string,
  attrs: Attributes,
  parentScope: NamespaceScope,
  maxAttributes: number,
): ResolvedStartTag | XmlError {
  let count = 0;
  let declarations: Record<string, string> | undefined;
  let hasPrefixedAttribute = false;
  for (const key in attrs) {
    count++;
    if (isDeclarationAttribute(key)) {
      const prefix = key.length === 5 ? '' : key.slice(6);
      const uri = attrs[key] as string;
      const problem = declarationProblem(prefix, uri);
      if (problem !== undefined) return { condition: 'not-well-formed', text: problem };
      declarations ??= Object.create(null) as Record<string, string>;
      declarations[prefix] = uri;
    } else if (key.includes(':')) {
      hasPrefixedAttribute = true;
    }
  }
  if (count > maxAttributes) {
    return { condition: 'policy-violation', text: `more than ${maxAttributes} attributes on <${name}>` };
  }
  const scope = declarations === undefined ? parentScope : new NamespaceScope(declarations, parentScope);
  const prefix = prefixOf(name);
  // §3: element names must not have the prefix xmlns.
  const ns = prefix === 'xmlns' ? undefined : scope.lookup(prefix);
  if (ns === undefined) return { condition: 'not-well-formed', text: `unbound prefix on <${name}>` };
  if (hasPrefixedAttribute) {
    for (const key in attrs) {
      if (isDeclarationAttribute(key) || !key.includes(':')) continue;
      if (scope.lookup(prefixOf(key)) === undefined) {
        return { condition: 'not-well-formed', text: `unbound prefix on ${key}` };
      }
    }
  }
  return { scope, ns };
}
