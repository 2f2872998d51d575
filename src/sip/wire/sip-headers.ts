/**
 * RFC 3261 §7.3 — the header fields of a SIP message: an ordered list that keeps order and multiplicity,
 * looked up case-insensitively under canonical names, with comma-separated values split where the
 * grammar allows it (§7.3.1) but never inside quoted strings or <…>.
 * https://www.rfc-editor.org/rfc/rfc3261#section-7.3
 */

import { canonicalHeaderName, isListHeader } from './header-names.js';
import { trimLws } from './rfc3261-chars.js';
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

function checked(name: string, value: string): SipHeader {
  if (!/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(name))
    throw new SipWireBug('SIP_WIRE_BAD_HEADER', `bad name "${name}"`);
  if (/[\r\n]/.test(value)) throw new SipWireBug('SIP_WIRE_BAD_HEADER', `CR or LF in the value of ${name}`);
  return { name: canonicalHeaderName(name), value };
}

/** Immutable; every change returns a new instance. */
export class SipHeaders {
  readonly list: readonly SipHeader[];

  constructor(headers: Iterable<SipHeader> = []) {
    this.list = [...headers].map((h) => checked(h.name, h.value));
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

  /** The values of every line named `name`, in order (one per line, not split). */
  getAll(name: string): string[] {
    return this.list.filter(matches(name)).map((h) => h.value);
  }

  /** Every value of `name`, with list headers split at top-level commas (RFC 3261 §7.3.1). */
  values(name: string): string[] {
    const lines = this.getAll(name);
    return isListHeader(name) ? lines.flatMap(splitCommaList) : lines;
  }

  /** Appends a line after all others. */
  append(name: string, value: string): SipHeaders {
    return new SipHeaders([...this.list, { name, value }]);
  }

  /** Inserts a line before the first line of the same name (or at the top), as for Via and Record-Route. */
  prepend(name: string, value: string): SipHeaders {
    const at = Math.max(0, this.list.findIndex(matches(name)));
    return new SipHeaders([...this.list.slice(0, at), { name, value }, ...this.list.slice(at)]);
  }

  /** Replaces every line named `name` with one line, where the first one was (or at the end). */
  set(name: string, value: string): SipHeaders {
    const at = this.list.findIndex(matches(name));
    if (at < 0) return this.append(name, value);
    const rest = this.list.filter((h, i) => i === at || !matches(name)(h));
    return new SipHeaders(rest.map((h) => (matches(name)(h) ? { name, value } : h)));
  }

  remove(name: string): SipHeaders {
    return new SipHeaders(this.list.filter((h) => !matches(name)(h)));
  }

  /** Removes the first value of a list header (e.g. the top Via, or a Route entry a proxy consumed). */
  removeFirstValue(name: string): SipHeaders {
    const at = this.list.findIndex(matches(name));
    if (at < 0) return this;
    const [, ...rest] = splitCommaList((this.list[at] as SipHeader).value);
    const replaced = rest.length === 0 ? [] : [{ name, value: rest.join(', ') }];
    return new SipHeaders([...this.list.slice(0, at), ...replaced, ...this.list.slice(at + 1)]);
  }
}

function matches(name: string): (h: SipHeader) => boolean {
  const lower = canonicalHeaderName(name).toLowerCase();
  return (h) => h.name.toLowerCase() === lower;
}
