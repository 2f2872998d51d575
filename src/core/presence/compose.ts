/**
 * compose(): one person's presence from all their sources (SPEC P1). Pure: the same sources and
 * `now` always give the same result. The rules, in order (docs/presence.md says the same):
 *
 *  1. Expired sources count for nothing: a client past its expiry, a manual choice past its
 *     `until` (a vacation ends by itself).
 *  2. Manual "invisible": others see offline (`isInvisible`), the person's own clients the rest.
 *  3. Do-not-disturb — chosen by hand or by a client — beats everything.
 *  4. Manual "on vacation" (shown even when no client is online: people look for it).
 *  5. A line on a call, held or in a conference → "on the phone" (ringing is not a call); a desk
 *     phone counts without any IM client.
 *  6. A busy calendar event now → "in a meeting".
 *  7. Manual "busy", then manual "away".
 *  8. The clients: any available → available; else any away → away (all idle → away); else
 *     extended away. A manual "available" yields to idle clients (auto-away), as Jabber does.
 *  9. No client, but a registered SIP device (a desk phone that publishes nothing) → available:
 *     the person can be reached.
 * 10. Otherwise offline. Rules 3, 6 and 7 need someone there — a client online or a registered
 *     device: a choice or a meeting of someone who is not there is not presence.
 *
 * The note is the manual note if there is one, else the winning source's, else the newest
 * client note. The result names the source that won.
 */
import type { PresenceSource } from './presence-source.js';

export type Availability =
  | 'available'
  | 'away'
  | 'extended-away'
  | 'busy'
  | 'dnd'
  | 'on-the-phone'
  | 'in-a-meeting'
  | 'on-vacation'
  | 'offline';

/** RPID activities (RFC 4480 §3.2) that go with the availability. */
export type Activity = 'on-the-phone' | 'meeting' | 'vacation' | 'busy' | 'away';

export interface ComposedPresence {
  readonly availability: Availability;
  readonly note: string | null;
  readonly activities: readonly Activity[];
  /** Which source decided; null when nothing is online (offline). */
  readonly winner: { readonly kind: PresenceSource['kind']; readonly id: string } | null;
  /** Others see offline; only the person's own clients see the rest. */
  readonly isInvisible: boolean;
  /** When the winning state ends by itself (vacation end, meeting end), if known. */
  readonly until: number | null;
}

const ACTIVITY: Partial<Record<Availability, Activity>> = {
  'on-the-phone': 'on-the-phone',
  'in-a-meeting': 'meeting',
  'on-vacation': 'vacation',
  busy: 'busy',
  dnd: 'busy',
  away: 'away',
  'extended-away': 'away',
};

const ON_A_CALL: ReadonlySet<string> = new Set(['on-call', 'held', 'conference']);

export function isLive(source: PresenceSource, now: number): boolean {
  if (source.kind === 'client') return source.expiresAt === null || source.expiresAt > now;
  if (source.kind === 'manual') return source.until === null || source.until > now;
  return true;
}

export function compose(all: readonly PresenceSource[], now: number): ComposedPresence {
  const live = all.filter((s) => isLive(s, now));
  const manual = live.find((s) => s.kind === 'manual');
  const clients = live
    .filter((s) => s.kind === 'client')
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  const lines = live.filter((s) => s.kind === 'line');
  const registrations = live
    .filter((s) => s.kind === 'registration')
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id));
  const meetings = live.flatMap((s) =>
    s.kind === 'calendar'
      ? s.busy.filter((b) => b.start <= now && now < b.end).map((b) => ({ source: s, b }))
      : [],
  );
  const fallbackNote = manual?.note ?? clients.find((c) => c.note)?.note ?? null;
  const result = (
    availability: Availability,
    winner: PresenceSource | null,
    note: string | null = fallbackNote,
    until: number | null = null,
  ): ComposedPresence => ({
    availability,
    note: manual?.note ?? note,
    activities: ACTIVITY[availability] ? [ACTIVITY[availability] as Activity] : [],
    winner: winner ? { kind: winner.kind, id: winner.id } : null,
    isInvisible: manual?.availability === 'invisible',
    until,
  });

  const isOnline = clients.length > 0 || registrations.length > 0;
  if (isOnline && manual?.availability === 'dnd') return result('dnd', manual, manual.note, manual.until);
  const dndClient = clients.find((c) => c.availability === 'dnd');
  if (dndClient) return result('dnd', dndClient, dndClient.note);
  if (manual?.availability === 'on-vacation') return result('on-vacation', manual, manual.note, manual.until);
  const call = lines.find((l) => ON_A_CALL.has(l.state));
  if (call) return result('on-the-phone', call);
  const meeting = meetings.sort((a, b) => a.b.end - b.b.end)[0];
  if (isOnline && meeting)
    return result('in-a-meeting', meeting.source, meeting.b.summary ?? fallbackNote, meeting.b.end);
  if (isOnline && manual?.availability === 'busy') return result('busy', manual, manual.note, manual.until);
  if (isOnline && manual?.availability === 'away') return result('away', manual, manual.note, manual.until);
  const byAvailability = (wanted: string) => clients.find((c) => c.availability === wanted);
  const client = byAvailability('available') ?? byAvailability('away') ?? byAvailability('extended-away');
  if (client)
    return result(
      client.availability === 'available' ? 'available' : client.availability,
      client,
      client.note ?? fallbackNote,
    );
  const device = registrations[0];
  if (device) return result('available', device);
  return result('offline', null, manual?.note ?? null);
}
