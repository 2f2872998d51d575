/** How a contact's presence reads: Herald's <presence-detail/> when present, else RFC 6121 <show/>. */
import type { XmlElement } from '@xmpp/client';

export const NS_DETAIL = 'urn:xmpp:herald:presence:0';

export type Availability =
  | 'available'
  | 'away'
  | 'extended-away'
  | 'busy'
  | 'dnd'
  | 'on-the-phone'
  | 'in-a-meeting'
  | 'on-vacation'
  | 'invisible'
  | 'offline';

export interface Presence {
  readonly availability: Availability;
  readonly note: string | null;
  readonly until: string | null;
  readonly source: string | null;
}

export const OFFLINE: Presence = { availability: 'offline', note: null, until: null, source: null };

const LABELS: Record<Availability, string> = {
  available: 'Available',
  away: 'Away',
  'extended-away': 'Away',
  busy: 'Busy',
  dnd: 'Do not disturb',
  'on-the-phone': 'On the phone',
  'in-a-meeting': 'In a meeting',
  'on-vacation': 'On vacation',
  invisible: 'Invisible',
  offline: 'Offline',
};

/** The colour class: green, amber, red, grey. */
export function tone(a: Availability): 'ok' | 'away' | 'busy' | 'off' {
  switch (a) {
    case 'available':
      return 'ok';
    case 'away':
    case 'extended-away':
    case 'on-vacation':
      return 'away';
    case 'busy':
    case 'dnd':
    case 'on-the-phone':
    case 'in-a-meeting':
      return 'busy';
    default:
      return 'off';
  }
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short' });
const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** "On vacation until 2 Dec", "In a meeting until 15:00", "Available". */
export function label(p: Presence, now = Date.now()): string {
  const base = LABELS[p.availability];
  if (!p.until) return base;
  const until = new Date(p.until);
  if (Number.isNaN(until.getTime())) return base;
  const sameDay = until.getTime() - now < 20 * 3600_000 && until.getDate() === new Date(now).getDate();
  return `${base} until ${sameDay ? time.format(until) : day.format(until)}`;
}

const SHOW: Record<string, Availability> = {
  away: 'away',
  xa: 'extended-away',
  dnd: 'dnd',
  chat: 'available',
};
const DEFAULT_TEXT = new Set(Object.values(LABELS));

export function parsePresence(stanza: XmlElement): Presence {
  if (stanza.attrs.type === 'unavailable') return OFFLINE;
  const detail = stanza.getChild('presence-detail', NS_DETAIL);
  const show = stanza.getChildText('show')?.trim() ?? '';
  const status = stanza.getChildText('status')?.trim() || null;
  const fromDetail = detail?.attrs.availability as Availability | undefined;
  const availability = fromDetail && fromDetail in LABELS ? fromDetail : (SHOW[show] ?? 'available');
  return {
    availability,
    // The server fills <status/> with the label when there is no note; do not show it twice.
    note:
      status && !DEFAULT_TEXT.has(status) && !status.startsWith(`${LABELS[availability]} until`)
        ? status
        : null,
    until: detail?.attrs.until ?? null,
    source: detail?.attrs.source ?? null,
  };
}

/** Sort rank: who is reachable first. */
export function rank(a: Availability): number {
  return { ok: 0, busy: 1, away: 2, off: 3 }[tone(a)];
}
