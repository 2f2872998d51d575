/**
 * RFC 3863 (PIDF, application/pidf+xml) with the RFC 4479 data model's <dm:person> and RFC 4480
 * (RPID) activities and notes: the presence document SIP watchers get in NOTIFY (RFC 3856) and
 * PUBLISH carries (RFC 3903).
 * https://www.rfc-editor.org/rfc/rfc3863 https://www.rfc-editor.org/rfc/rfc4480
 */
import { type Element, el, isXmlError, parseXml, serialize } from '../../xml/index.js';

export const PIDF_CONTENT_TYPE = 'application/pidf+xml';
export const NS_PIDF = 'urn:ietf:params:xml:ns:pidf';
export const NS_DATA_MODEL = 'urn:ietf:params:xml:ns:pidf:data-model';
export const NS_RPID = 'urn:ietf:params:xml:ns:pidf:rpid';

/** RFC 4480 §3.2 activities Herald reads and writes (others are kept as their local name). */
export const RPID_ACTIVITIES = [
  'on-the-phone',
  'meeting',
  'vacation',
  'busy',
  'away',
  'appointment',
  'holiday',
  'lunch',
  'meal',
  'sleeping',
  'working',
  'other',
  'unknown',
] as const;

export interface PidfTuple {
  readonly id: string;
  /** RFC 3863 §4.1.4: open = ready to communicate, closed = not. */
  readonly basic: 'open' | 'closed' | null;
  readonly contact: string | null;
  readonly note: string | null;
}

export interface PidfDocument {
  /** RFC 3863 §4.1.1: the presentity's URI. */
  readonly entity: string;
  readonly tuples: readonly PidfTuple[];
  /** RPID activities of the person (local names, e.g. `on-the-phone`). */
  readonly activities: readonly string[];
  /** The person's note (RFC 4479 dm:note or RPID), else the first tuple or document note. */
  readonly note: string | null;
}

export type PidfParseResult = { ok: true; value: PidfDocument } | { ok: false; error: string };

/** Bodies larger than this are refused before parsing. */
export const MAX_PIDF_BYTES = 65_536;
const MAX_TUPLES = 64;
const MAX_NOTE = 1024;
const TOKEN_ID = /^[A-Za-z_][A-Za-z0-9._-]*$/;

const clip = (text: string | undefined): string | null => {
  const trimmed = text?.trim();
  return trimmed ? trimmed.slice(0, MAX_NOTE) : null;
};

/** Whether the presentity is open in any tuple (RFC 3863 §4.1.4; no tuple at all is closed). */
export function isOpen(doc: PidfDocument): boolean {
  return doc.tuples.some((t) => t.basic === 'open');
}

export function parsePidf(body: string | Uint8Array): PidfParseResult {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > MAX_PIDF_BYTES) return { ok: false, error: 'PIDF document too large' };
  const root = parseXml(body);
  if (isXmlError(root)) return { ok: false, error: `PIDF is not well-formed XML: ${root.text}` };
  // §4.1: the root is <presence> in the PIDF namespace with an entity attribute.
  if (!root.is('presence', NS_PIDF)) return { ok: false, error: 'root is not a PIDF <presence>' };
  const entity = root.attr('entity');
  if (!entity) return { ok: false, error: '<presence> has no entity' };
  const tupleElements = root.getChildren('tuple', NS_PIDF);
  if (tupleElements.length > MAX_TUPLES) return { ok: false, error: 'too many tuples' };
  const tuples: PidfTuple[] = [];
  for (const tuple of tupleElements) {
    const id = tuple.attr('id');
    // §4.1.2: every tuple has an id; §4.1.3: and a <status>.
    if (!id) return { ok: false, error: '<tuple> has no id' };
    const status = tuple.getChild('status', NS_PIDF);
    if (!status) return { ok: false, error: `<tuple id="${id}"> has no <status>` };
    const basicText = status.getChildText('basic', NS_PIDF)?.trim();
    if (basicText !== undefined && basicText !== 'open' && basicText !== 'closed')
      return { ok: false, error: `<basic> must be open or closed, not ${basicText}` };
    tuples.push({
      id,
      basic: basicText ?? null,
      contact: clip(tuple.getChildText('contact', NS_PIDF)),
      note: clip(tuple.getChildText('note', NS_PIDF)),
    });
  }
  const persons = root.getChildren('person', NS_DATA_MODEL);
  const activities: string[] = [];
  let personNote: string | null = null;
  for (const person of persons) {
    for (const container of person.getChildren('activities', NS_RPID))
      for (const activity of container.elements())
        if (activity.xmlns === NS_RPID && !activities.includes(activity.localName))
          activities.push(activity.localName);
    personNote ??= clip(person.getChildText('note', NS_DATA_MODEL) ?? person.getChildText('note', NS_RPID));
  }
  const note =
    personNote ?? tuples.find((t) => t.note)?.note ?? clip(root.getChildText('note', NS_PIDF)) ?? null;
  return { ok: true, value: { entity, tuples, activities: activities.slice(0, 16), note } };
}

export interface PidfInput {
  readonly entity: string;
  readonly basic: 'open' | 'closed';
  readonly activities: readonly string[];
  readonly note: string | null;
  /** The tuple's contact, when one is to be shown. */
  readonly contact?: string;
  readonly tupleId?: string;
  readonly personId?: string;
}

/** A PIDF document with one tuple and, for activities or a note, an RPID person element. */
export function pidfElement(input: PidfInput): Element {
  const tupleId = input.tupleId && TOKEN_ID.test(input.tupleId) ? input.tupleId : 't1';
  const personId = input.personId && TOKEN_ID.test(input.personId) ? input.personId : 'p1';
  const activities = input.activities.filter((a) => /^[a-z-]+$/.test(a));
  return el(
    'presence',
    { xmlns: NS_PIDF, 'xmlns:dm': NS_DATA_MODEL, 'xmlns:rpid': NS_RPID, entity: input.entity },
    el(
      'tuple',
      { id: tupleId },
      el('status', el('basic', input.basic)),
      input.contact ? el('contact', input.contact) : null,
      input.note ? el('note', input.note) : null,
    ),
    el(
      'dm:person',
      { id: personId },
      activities.length > 0 ? el('rpid:activities', ...activities.map((a) => el(`rpid:${a}`))) : null,
      input.note ? el('dm:note', input.note) : null,
    ),
  );
}

export function serializePidf(input: PidfInput): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(pidfElement(input))}`;
}
