/**
 * XEP-0359: Unique and Stable Stanza IDs — https://xmpp.org/extensions/xep-0359.html
 * The server's <stanza-id by='archive' id='…'/> on every copy it delivers (§3.1), the client's
 * <origin-id/> read (§3.2), and forged stanza-ids removed (§3.1: a stanza-id whose 'by' is the
 * entity's own JID, coming from outside, MUST be removed).
 */
import { Element, el } from '../../xml/index.js';

export const NS_SID = 'urn:xmpp:sid:0';
/** §3.2 does not bound it; longer ones are ignored (STYLE: limits on sizes). */
const MAX_ORIGIN_ID = 256;

export function originIdOf(stanza: Element): string | undefined {
  const id = stanza.getChild('origin-id', NS_SID)?.attr('id');
  return id !== undefined && id.length > 0 && id.length <= MAX_ORIGIN_ID ? id : undefined;
}

/** The id of the <stanza-id/> the archive `by` gave the stanza, if it carries one (§3.1). */
export function stanzaIdBy(stanza: Element, by: string): { by: string; id: string } | null {
  for (const node of stanza.children)
    if (node instanceof Element && node.is('stanza-id', NS_SID) && node.attr('by') === by) {
      const id = node.attr('id');
      if (id) return { by, id };
    }
  return null;
}

/** The stanza without the <stanza-id/> elements whose 'by' is one of `archives`. */
export function withoutStanzaIdsBy(stanza: Element, archives: readonly string[]): Element {
  const isForged = (node: unknown): boolean =>
    node instanceof Element && node.is('stanza-id', NS_SID) && archives.includes(node.attr('by') ?? '');
  if (!stanza.children.some(isForged)) return stanza;
  return stanza.withChildren(stanza.children.filter((node) => !isForged(node)));
}

/** §3.1: the stanza with the archive's <stanza-id/> (replacing any earlier one by the same). */
export function withStanzaId(stanza: Element, stanzaId: { by: string; id: string }): Element {
  const clean = withoutStanzaIdsBy(stanza, [stanzaId.by]);
  return clean.withChildren([
    ...clean.children,
    el('stanza-id', { xmlns: NS_SID, by: stanzaId.by, id: stanzaId.id }),
  ]);
}
