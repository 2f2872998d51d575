/**
 * Reads the few things the load generator needs out of a first-level element's text (XML 1.0,
 * https://www.w3.org/TR/xml/): its name, an attribute of its start tag, a child's text. The
 * server's XML is trusted (see stanza-scanner.ts); values are returned as written, unescaped
 * only for the five predefined entities (§4.6).
 */

/** The qualified name of the element, e.g. `stream:features`, `iq`. */
export function elementName(xml: string): string {
  let end = 1;
  while (end < xml.length) {
    const c = xml.charCodeAt(end);
    if (c === 0x20 || c === 0x3e || c === 0x2f || c === 0x09 || c === 0x0a || c === 0x0d) break;
    end++;
  }
  return xml.slice(1, end);
}

function startTagEnd(xml: string): number {
  let quote = 0;
  for (let i = 1; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote !== 0) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i;
  }
  return xml.length;
}

/** An attribute of the element's own start tag (not of its children). */
export function attribute(xml: string, name: string): string | undefined {
  const tag = xml.slice(0, startTagEnd(xml));
  let from = 0;
  for (;;) {
    const at = tag.indexOf(name, from);
    if (at < 0) return undefined;
    from = at + name.length;
    const before = tag.charCodeAt(at - 1);
    if (before !== 0x20 && before !== 0x09 && before !== 0x0a && before !== 0x0d) continue;
    let i = from;
    while (tag[i] === ' ') i++;
    if (tag[i] !== '=') continue;
    i++;
    while (tag[i] === ' ') i++;
    const quote = tag[i];
    if (quote !== '"' && quote !== "'") continue;
    const close = tag.indexOf(quote, i + 1);
    return unescapeXml(tag.slice(i + 1, close < 0 ? tag.length : close));
  }
}

/** The text of the element itself (`<challenge …>TEXT</challenge>`), '' when empty. */
export function ownText(xml: string): string {
  const open = startTagEnd(xml);
  if (xml.charCodeAt(open - 1) === 0x2f) return '';
  const close = xml.lastIndexOf('</');
  return close > open ? unescapeXml(xml.slice(open + 1, close)) : '';
}

/** The text of the first descendant named `name` (prefix-free match), or undefined. */
export function childText(xml: string, name: string): string | undefined {
  const open = xml.indexOf(`<${name}`, 1);
  if (open < 0) return undefined;
  const after = xml.charCodeAt(open + name.length + 1);
  if (after !== 0x3e && after !== 0x20 && after !== 0x2f) return undefined;
  const tagEnd = xml.indexOf('>', open);
  if (tagEnd < 0 || xml.charCodeAt(tagEnd - 1) === 0x2f) return '';
  const close = xml.indexOf(`</${name}>`, tagEnd);
  return close < 0 ? undefined : unescapeXml(xml.slice(tagEnd + 1, close));
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&apos;': "'",
};

export function unescapeXml(text: string): string {
  return text.indexOf('&') < 0 ? text : text.replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e);
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
