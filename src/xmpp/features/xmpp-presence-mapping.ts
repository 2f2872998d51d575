/**
 * The XMPP face of unified presence (docs/presence.md): what a client's <presence/> says as a
 * presence source, and how the composed presence is written back into the stanza every watcher
 * gets — RFC 6121 §4.7.2.1 <show/> and §4.7.2.2 <status/>, which every standard client displays,
 * plus Herald's extension element carrying the detail <show/> cannot express:
 *
 *   <presence-detail xmlns='urn:xmpp:herald:presence:0' availability='on-the-phone'
 *                    source='line' until='2026-12-01T15:00:00.000Z'/>
 *
 * Pure functions; the presence module does the delivery.
 */
import type { Availability, ComposedPresence } from '../../core/presence/compose.js';
import type { ClientAvailability } from '../../core/presence/presence-source.js';
import { type Element, el, type XmlNode } from '../../xml/index.js';

export const NS_HERALD_PRESENCE = 'urn:xmpp:herald:presence:0';

/** RFC 6121 §4.7.2.1: <show/> values; none means available, `chat` is available too. */
export function clientAvailabilityOf(stanza: Element): ClientAvailability {
  switch (stanza.getChildText('show')?.trim()) {
    case 'away':
      return 'away';
    case 'xa':
      return 'extended-away';
    case 'dnd':
      return 'dnd';
    default:
      return 'available';
  }
}

/** RFC 6121 §4.7.2.2: the first <status/> (the one without xml:lang, else any), trimmed, bounded. */
export function clientNoteOf(stanza: Element): string | null {
  const statuses = stanza.getChildren('status');
  const plain = statuses.find((s) => s.attr('xml:lang') === undefined) ?? statuses[0];
  const text = plain?.text().trim();
  return text ? text.slice(0, 1024) : null;
}

const SHOW: Record<Exclude<Availability, 'offline'>, string | null> = {
  available: null,
  away: 'away',
  'extended-away': 'xa',
  busy: 'dnd',
  dnd: 'dnd',
  'on-the-phone': 'away',
  'in-a-meeting': 'away',
  'on-vacation': 'xa',
};

/** What a client shows when the composed state has no note of its own. */
const DEFAULT_STATUS: Partial<Record<Availability, string>> = {
  'on-the-phone': 'On the phone',
  'in-a-meeting': 'In a meeting',
  'on-vacation': 'On vacation',
};

/** The <show/> for a composed availability (null = none, i.e. available). */
export function showFor(availability: Exclude<Availability, 'offline'>): string | null {
  return SHOW[availability];
}

/** The children that carry the composed presence: <show/>, <status/>, <presence-detail/>. */
export function composedChildren(presence: ComposedPresence): Element[] {
  if (presence.availability === 'offline') return [];
  const show = showFor(presence.availability);
  const status = presence.note ?? DEFAULT_STATUS[presence.availability] ?? null;
  return [
    ...(show ? [el('show', show)] : []),
    ...(status ? [el('status', status)] : []),
    el('presence-detail', {
      xmlns: NS_HERALD_PRESENCE,
      availability: presence.availability,
      source: presence.winner?.kind,
      until: presence.until === null ? undefined : new Date(presence.until).toISOString(),
    }),
  ];
}

const isDetail = (node: XmlNode): boolean =>
  typeof node !== 'string' && node.is('presence-detail', NS_HERALD_PRESENCE);
const isShowOrStatus = (node: XmlNode): boolean =>
  typeof node !== 'string' && (node.name === 'show' || node.name === 'status');

/** The states the clients decided alone (rule 8): each resource then keeps its own <show/>. */
const CLIENT_STATES: ReadonlySet<Availability> = new Set(['available', 'away', 'extended-away']);

/** Whether the composed state is the clients' own (each resource may show its own <show/>). */
export function isClientDecided(presence: ComposedPresence): boolean {
  return presence.winner?.kind === 'client' && CLIENT_STATES.has(presence.availability);
}

/**
 * The resource's broadcast presence as a watcher gets it. When the clients alone decide (rule 8)
 * each resource keeps its own <show/> and <status/>, as RFC 6121 has it; whenever another source
 * wins (manual status, a call, a meeting, a vacation, a client's DND) every resource carries the
 * composed <show/> and <status/>, so that any client shows the same thing. The <presence-detail/>
 * always carries the composed availability; one a client sent itself is dropped. The priority,
 * caps and other children are kept. Offline (nothing to show, or not allowed to see) is
 * type='unavailable'.
 */
export function composedStanza(
  current: Element | null,
  presence: ComposedPresence,
  from: string,
  to: string,
): Element {
  if (presence.availability === 'offline' || current === null)
    return el('presence', { from, to, type: 'unavailable' });
  const ownShow = isClientDecided(presence);
  const kept = current.children.filter(
    (node) => typeof node !== 'string' && !isDetail(node) && (ownShow || !isShowOrStatus(node)),
  );
  const added = ownShow ? composedChildren(presence).filter(isDetail) : composedChildren(presence);
  return current.withAttrs({ from, to, type: undefined }).withChildren([...added, ...kept]);
}

/** The presence of the server-owned resource, for a person composed online with no XMPP client. */
export function serverResourceStanza(presence: ComposedPresence, from: string, to: string): Element {
  if (presence.availability === 'offline') return el('presence', { from, to, type: 'unavailable' });
  // RFC 6121 §4.7.2.3: a negative priority — never a target for messages sent to the bare JID.
  return el('presence', { from, to }, ...composedChildren(presence), el('priority', '-1'));
}
