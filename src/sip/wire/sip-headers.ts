/**
 * RFC 3261 §7.3 — the header fields of a SIP message: an ordered list that keeps order and multiplicity,
 * looked up case-insensitively under canonical names, with comma-separated values split where the
 * grammar allows it (§7.3.1) but never inside quoted strings or <…>.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7.3
 */

import { canonicalHeaderName, isKnownHeader, isListHeader } from './header-names.js';
import { isToken, trimLws } from './rfc3261-chars.js';
import { SipWireBug } from './sip-wire-bug.js';

export interface SipHeader {
  /** Canonical name (compact forms expanded); unknown headers keep their received spelling. */
  readonly name: string;
  /** The value with folding replaced by single spaces and surrounding whitespace removed. */
  readonly value: string;
}

/** Splits a list value at commas that are outside quoted strings and outside <…>. */
export function splitCommaList(value: string): string[] {
  const items: string[] = [];
  let start = 0;
  let inQuotes = false;
  let inAngles = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '<') inAngles = true;
    else if (c === '>') inAngles = false;
    else if (c === ',' && !inAngles) {
      items.push(trimLws(value.slice(start, i)));
      start = i + 1;
    }
  }
  items.push(trimLws(value.slice(start)));
  return items;
}

/** The canonical name of a line that may be stored (a token name, no CR or LF in the value). */
function checkedName(name: string, value: string): string {
  if (!isToken(name)) throw new SipWireBug('SIP_WIRE_BAD_HEADER', `bad name "${name}"`);
  if (value.includes('\r') || value.includes('\n'))
    throw new SipWireBug('SIP_WIRE_BAD_HEADER', `CR or LF in the value of ${name}`);
  return canonicalHeaderName(name);
}

function checked(name: string, value: string): SipHeader {
  return { name: checkedName(name, value), value };
}

/**
 * `h` itself when its name is canonical already (lines copied from another message), else a copy;
 * throws SIP_WIRE_BAD_HEADER for a line that may not be stored.
 */
export function checkedLine(h: SipHeader): SipHeader {
  const name = checkedName(h.name, h.value);
  return name === h.name ? h : { name, value: h.value };
}

/** Lets the class build an instance from lines it has checked already (not exported). */
const CHECKED = Symbol('checked lines');

/**
 * Immutable; every change returns a new instance. Lines are checked once, when they come in: a
 * change copies the checked lines and checks only the new one (a proxied INVITE takes four
 * changes, and re-checking every line of each copy was a tenth of a call's CPU).
 */
export class SipHeaders {
  readonly list: readonly SipHeader[];
  /** `values` answers so far (immutable instance, so they stay true). */
  #split: Map<string, readonly string[]> | undefined;

  constructor(headers: Iterable<SipHeader> = [], trust?: typeof CHECKED) {
    this.list = trust === CHECKED ? (headers as readonly SipHeader[]) : Array.from(headers, checkedLine);
  }

  /**
   * Lines checked already, taken as they are: the header section as the parser read it (names are
   * tokens made canonical and no value has CR or LF: rfc3261-header-section.ts made sure), or
   * lines of other SipHeaders and lines passed through `checkedLine`.
   */
  static fromCheckedLines(lines: readonly SipHeader[]): SipHeaders {
    return new SipHeaders(lines, CHECKED);
  }

  get size(): number {
    return this.list.length;
  }

  has(name: string): boolean {
    return this.list.some(matches(name));
  }

  /** The value of the first line named `name`. */
  get(name: string): string | undefined {
    return this.list.find(matches(name))?.value;
  }

  /** How many lines are named `name`. */
  count(name: string): number {
    const isNamed = matches(name);
    let count = 0;
    for (const h of this.list) if (isNamed(h)) count++;
    return count;
  }

  /** The values of every line named `name`, in order (one per line, not split). */
  getAll(name: string): string[] {
    return this.list.filter(matches(name)).map((h) => h.value);
  }

  /**
   * Every value of `name`, with list headers split at top-level commas (RFC 3261 §7.3.1). Kept per
   * name once split: a request's Via is asked for a dozen times on its way through (validation,
   * transaction key, loop check, response routing), and the same strings each time also let the
   * parsers' caches (recent-parses.ts) find them without hashing new text.
   */
  values(name: string): readonly string[] {
    const known = this.#split?.get(name);
    if (known !== undefined) return known;
    const isNamed = matches(name);
    const isList = isListHeader(name);
    const split: string[] = [];
    for (const h of this.list) {
      if (!isNamed(h)) continue;
      if (!isList) split.push(h.value);
      // Without a comma, the value is its only item (what splitCommaList would give, unscanned).
      else if (!h.value.includes(',')) split.push(trimLws(h.value));
      else for (const item of splitCommaList(h.value)) split.push(item);
    }
    this.#split ??= new Map();
    this.#split.set(name, split);
    return split;
  }

  /** Appends a line after all others. */
  append(name: string, value: string): SipHeaders {
    return new SipHeaders([...this.list, checked(name, value)], CHECKED);
  }

  /** Inserts a line before the first line of the same name (or at the top), as for Via and Record-Route. */
  prepend(name: string, value: string): SipHeaders {
    const at = Math.max(0, this.list.findIndex(matches(name)));
    return new SipHeaders([...this.list.slice(0, at), checked(name, value), ...this.list.slice(at)], CHECKED);
  }

  /** Replaces every line named `name` with one line, where the first one was (or at the end). */
  set(name: string, value: string): SipHeaders {
    const isNamed = matches(name);
    const at = this.list.findIndex(isNamed);
    if (at < 0) return this.append(name, value);
    const line = checked(name, value);
    const lines: SipHeader[] = [];
    for (let i = 0; i < this.list.length; i++) {
      const h = this.list[i] as SipHeader;
      if (i === at) lines.push(line);
      else if (!isNamed(h)) lines.push(h);
    }
    return new SipHeaders(lines, CHECKED);
  }

  remove(name: string): SipHeaders {
    const isNamed = matches(name);
    return new SipHeaders(
      this.list.filter((h) => !isNamed(h)),
      CHECKED,
    );
  }

  /** Removes the first value of a list header (e.g. the top Via, or a Route entry a proxy consumed). */
  removeFirstValue(name: string): SipHeaders {
    const at = this.list.findIndex(matches(name));
    if (at < 0) return this;
    const [, ...rest] = splitCommaList((this.list[at] as SipHeader).value);
    const replaced = rest.length === 0 ? [] : [checked(name, rest.join(', '))];
    return new SipHeaders([...this.list.slice(0, at), ...replaced, ...this.list.slice(at + 1)], CHECKED);
  }
}

/**
 * A test for lines named `name`, any case. Lines of a known header are stored under its canonical
 * name (`checked`, `fromCheckedLines`), so for those the same string is the only match; other names are
 * compared without case, lower-casing only a line of the same length.
 */
function matches(name: string): (h: SipHeader) => boolean {
  let test = MATCHERS.get(name);
  if (test === undefined) {
    test = matcher(name);
    // The names asked are the code's own, a few dozen; a bound all the same.
    if (MATCHERS.size < 1024) MATCHERS.set(name, test);
  }
  return test;
}

const MATCHERS = new Map<string, (h: SipHeader) => boolean>();

function matcher(name: string): (h: SipHeader) => boolean {
  const canonical = canonicalHeaderName(name);
  if (isKnownHeader(canonical)) return (h) => h.name === canonical;
  const lower = canonical.toLowerCase();
  return (h) => h.name.length === lower.length && h.name.toLowerCase() === lower;
}
