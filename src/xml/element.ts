/**
 * XML element tree — Extensible Markup Language (XML) 1.0 (Fifth Edition) §3 and Namespaces in XML 1.0.
 * https://www.w3.org/TR/xml/#sec-logical-struct
 */
import {
  declarationAttribute,
  isDeclarationAttribute,
  localNameOf,
  NamespaceScope,
  nullProtoCopy,
  prefixOf,
  XML_NAMESPACE,
} from './namespace-scope.js';

/** A child of an element: an element or character data (already unescaped). */
export type XmlNode = Element | string;

/** Attributes by qualified name as written (`xml:lang`, `xmlns:stream`); values unescaped. */
export type Attributes = Readonly<Record<string, string>>;

const NO_ATTRIBUTES: Attributes = Object.freeze(Object.create(null));
const NO_CHILDREN: readonly XmlNode[] = Object.freeze([]);

/**
 * An XML element: its name with the prefix as written, its attributes and its children.
 *
 * Immutable in spirit: nothing changes after construction except that a built element without a
 * namespace of its own learns its parent the first time it is placed in one (see {@link xmlns}).
 */
export class Element {
  readonly name: string;
  readonly attrs: Attributes;
  readonly children: readonly XmlNode[];
  /** Bindings in effect where the parser met this element; undefined for built elements. */
  #scope: NamespaceScope | undefined;
  /** The element's namespace, once known. */
  #ns: string | undefined;
  /** The first element a built element was placed in; its namespaces are inherited from there. */
  #parent: Element | undefined;

  constructor(name: string, attrs: Attributes = NO_ATTRIBUTES, children: readonly XmlNode[] = NO_CHILDREN) {
    this.name = name;
    // A null prototype keeps names such as `constructor` or `__proto__` plain attributes.
    this.attrs = Object.getPrototypeOf(attrs) === null ? attrs : nullProtoCopy(attrs);
    this.children = children;
    for (const child of children) {
      if (typeof child !== 'string' && child.#scope === undefined && child.#parent === undefined) {
        child.#parent = this;
      }
    }
  }

  /**
   * An element as the parser saw it: `scope` holds every binding in effect there and `ns` its
   * resolved namespace, so namespace questions never walk a tree. Used by the parser only.
   */
  static parsed(
    name: string,
    attrs: Attributes,
    children: readonly XmlNode[],
    scope: NamespaceScope,
    ns: string,
  ): Element {
    const element = new Element(name, attrs, children);
    element.#scope = scope;
    element.#ns = ns;
    return element;
  }

  /** The prefix as written (`stream` for `stream:features`), `''` when none. */
  get prefix(): string {
    return prefixOf(this.name);
  }

  /** The name without its prefix. */
  get localName(): string {
    return localNameOf(this.name);
  }

  /**
   * The element's namespace: its own declaration, else the one in scope where it was parsed, else
   * inherited from the element it was built into. `''` is "no namespace" (a parsed element outside
   * any default namespace); undefined means a built element that does not know yet and takes the
   * namespace of wherever it is written.
   */
  get xmlns(): string | undefined {
    if (this.#ns !== undefined) return this.#ns;
    const ns = this.lookupNamespace(this.prefix);
    // Once known it cannot change: a later parent sits above the binding that answered.
    if (ns !== undefined) this.#ns = ns;
    return ns;
  }

  /** The namespace bound to `prefix` (`''` = default) at this element, if known. */
  lookupNamespace(prefix: string): string | undefined {
    const own = this.attrs[declarationAttribute(prefix)];
    if (own !== undefined) return own;
    if (this.#scope !== undefined) return this.#scope.lookup(prefix);
    if (this.#parent !== undefined) return this.#parent.lookupNamespace(prefix);
    return prefix === 'xml' ? XML_NAMESPACE : undefined;
  }

  /** An attribute's value by qualified name, e.g. `attr('xml:lang')`. */
  attr(name: string): string | undefined {
    return this.attrs[name];
  }

  /** Does this element have local name `name` (or qualified name, if `name` has a colon) and namespace `xmlns`? */
  is(name: string, xmlns?: string): boolean {
    const nameMatches = name.includes(':') ? this.name === name : this.localName === name;
    return nameMatches && (xmlns === undefined || this.xmlns === xmlns);
  }

  /**
   * The first child element named `name` in namespace `xmlns`; without `xmlns`, in this element's
   * own namespace (so `message.getChild('body')` finds the body, not an extension's `<body/>`).
   */
  getChild(name: string, xmlns?: string): Element | undefined {
    const ns = xmlns ?? this.xmlns;
    for (const child of this.children) {
      if (typeof child !== 'string' && child.is(name, ns)) return child;
    }
    return undefined;
  }

  /** Every child element named `name` in namespace `xmlns` (default: this element's namespace). */
  getChildren(name: string, xmlns?: string): Element[] {
    const ns = xmlns ?? this.xmlns;
    const found: Element[] = [];
    for (const child of this.children) {
      if (typeof child !== 'string' && child.is(name, ns)) found.push(child);
    }
    return found;
  }

  /** The text of the first matching child (see {@link getChild}), or undefined if there is none. */
  getChildText(name: string, xmlns?: string): string | undefined {
    return this.getChild(name, xmlns)?.text();
  }

  /** The child elements, in order. */
  elements(): Element[] {
    const found: Element[] = [];
    for (const child of this.children) if (typeof child !== 'string') found.push(child);
    return found;
  }

  /** The character data directly inside this element (not its descendants'), concatenated. */
  text(): string {
    const { children } = this;
    if (children.length === 1 && typeof children[0] === 'string') return children[0];
    let text = '';
    for (const child of children) if (typeof child === 'string') text += child;
    return text;
  }

  /**
   * A copy with some attributes replaced (`undefined` removes one), e.g. stamping `from` on a
   * routed stanza. The copy keeps the children and the namespace this element has.
   */
  withAttrs(changes: Readonly<Record<string, string | undefined>>): Element {
    const attrs: Record<string, string> = nullProtoCopy(this.attrs);
    for (const key of Object.keys(changes)) {
      const value = changes[key];
      if (value === undefined) delete attrs[key];
      else attrs[key] = value;
    }
    const copy = new Element(this.name, attrs, this.children);
    copy.#parent = this.#parent;
    const redeclares = Object.keys(changes).some(isDeclarationAttribute);
    if (!redeclares) {
      copy.#scope = this.#scope;
      copy.#ns = this.#ns;
    } else if (this.#scope !== undefined) {
      // The parser gives an element its own scope exactly when it declares something; the copy
      // answers from its own attributes first and from the scope around the original after that.
      const hasOwnScope = Object.keys(this.attrs).some(isDeclarationAttribute);
      copy.#scope = hasOwnScope ? (this.#scope.parent ?? NamespaceScope.of()) : this.#scope;
      copy.#ns = copy.lookupNamespace(copy.prefix);
    }
    return copy;
  }

  /** A copy with other children (the attributes and namespace stay). */
  withChildren(children: readonly XmlNode[]): Element {
    const copy = new Element(this.name, this.attrs, children);
    copy.#scope = this.#scope;
    copy.#parent = this.#parent;
    copy.#ns = this.#ns;
    return copy;
  }
}

/** What {@link el} accepts for an attribute: `undefined`/`null` leave it out; numbers and booleans become text. */
export type AttributeInput = string | number | boolean | undefined | null;

/** What {@link el} accepts as children: nodes, nested arrays, and `null`/`undefined`/`false` to skip. */
export type ChildInput = XmlNode | readonly ChildInput[] | null | undefined | false;

function isAttributeRecord(value: unknown): value is Readonly<Record<string, AttributeInput>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Element);
}

function pushChildren(into: XmlNode[], input: ChildInput): void {
  if (input === null || input === undefined || input === false || input === '') return;
  if (typeof input === 'string' || input instanceof Element) {
    into.push(input);
    return;
  }
  for (const item of input) pushChildren(into, item);
}

/**
 * Builds an element tersely: `el('iq', { type: 'result', id }, el('query', { xmlns: NS_ROSTER }))`.
 * The attributes may be left out (`el('body', 'Hello')`); attributes whose value is `undefined` or
 * `null` are omitted, so optional ones need no `if`.
 */
export function el(
  name: string,
  attrsOrChild?: Readonly<Record<string, AttributeInput>> | ChildInput,
  ...children: ChildInput[]
): Element {
  const attrs: Record<string, string> = Object.create(null);
  const nodes: XmlNode[] = [];
  if (isAttributeRecord(attrsOrChild)) {
    for (const key of Object.keys(attrsOrChild)) {
      const value = attrsOrChild[key];
      if (value !== undefined && value !== null) attrs[key] = String(value);
    }
  } else {
    pushChildren(nodes, attrsOrChild);
  }
  for (const child of children) pushChildren(nodes, child);
  return new Element(name, attrs, nodes);
}

/**
 * Structural equality: same names, attributes, namespaces and content, where adjacent text children
 * count as one (a parser joins what a builder may have split).
 */
export function sameElement(a: Element, b: Element): boolean {
  if (a.name !== b.name || a.xmlns !== b.xmlns) return false;
  const aKeys = Object.keys(a.attrs);
  if (aKeys.length !== Object.keys(b.attrs).length) return false;
  for (const key of aKeys) if (a.attrs[key] !== b.attrs[key]) return false;
  const aNodes = joinedText(a.children);
  const bNodes = joinedText(b.children);
  if (aNodes.length !== bNodes.length) return false;
  return aNodes.every((node, i) => {
    const other = bNodes[i];
    if (typeof node === 'string' || typeof other === 'string') return node === other;
    return other !== undefined && sameElement(node, other);
  });
}

function joinedText(children: readonly XmlNode[]): XmlNode[] {
  const joined: XmlNode[] = [];
  for (const child of children) {
    const last = joined[joined.length - 1];
    if (typeof child === 'string' && typeof last === 'string') joined[joined.length - 1] = last + child;
    else if (child !== '') joined.push(child);
  }
  return joined;
}
