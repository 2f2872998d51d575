/**
 * RFC 4235 (An INVITE-Initiated Dialog Event Package), the application/dialog-info+xml body: a
 * user's dialogs with their state, for busy lamp fields (§4.1). `version` counts every document
 * sent in a subscription; `full` lists every dialog, `partial` only those that changed (§4.1.1).
 * https://www.rfc-editor.org/rfc/rfc4235#section-4
 */
import { el, isXmlError, parseXml, serialize } from '../../xml/index.js';

export const DIALOG_INFO_CONTENT_TYPE = 'application/dialog-info+xml';
export const NS_DIALOG_INFO = 'urn:ietf:params:xml:ns:dialog-info';

export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';
const STATES: readonly DialogState[] = ['trying', 'proceeding', 'early', 'confirmed', 'terminated'];

export interface DialogParticipant {
  readonly identity: string;
  readonly display: string | null;
}

export interface DialogEntry {
  /** §4.1.2: unique among the dialogs of this document. */
  readonly id: string;
  readonly callId: string | null;
  readonly localTag: string | null;
  readonly remoteTag: string | null;
  readonly direction: 'initiator' | 'recipient' | null;
  readonly state: DialogState;
  /** §4.1.2: the state's `event` attribute (e.g. `rejected`, `replaced`). */
  readonly event: string | null;
  /** §4.1.3: seconds since the dialog was confirmed. */
  readonly duration: number | null;
  readonly local: DialogParticipant | null;
  readonly remote: DialogParticipant | null;
}

export interface DialogInfoDocument {
  readonly entity: string;
  readonly version: number;
  readonly state: 'full' | 'partial';
  readonly dialogs: readonly DialogEntry[];
}

const MAX_DIALOGS = 128;

export function serializeDialogInfo(doc: DialogInfoDocument): string {
  const participant = (name: 'local' | 'remote', p: DialogParticipant | null) =>
    p ? el(name, el('identity', p.display ? { display: p.display } : {}, p.identity)) : null;
  const root = el(
    'dialog-info',
    { xmlns: NS_DIALOG_INFO, version: doc.version, state: doc.state, entity: doc.entity },
    ...doc.dialogs.map((d) =>
      el(
        'dialog',
        {
          id: d.id,
          'call-id': d.callId,
          'local-tag': d.localTag,
          'remote-tag': d.remoteTag,
          direction: d.direction,
        },
        el('state', d.event ? { event: d.event } : {}, d.state),
        d.duration === null ? null : el('duration', String(d.duration)),
        participant('local', d.local),
        participant('remote', d.remote),
      ),
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialize(root)}`;
}

export function parseDialogInfo(
  body: string | Uint8Array,
): { ok: true; value: DialogInfoDocument } | { ok: false; error: string } {
  const root = parseXml(body);
  if (isXmlError(root)) return { ok: false, error: `dialog-info is not well-formed XML: ${root.text}` };
  if (!root.is('dialog-info', NS_DIALOG_INFO)) return { ok: false, error: 'root is not <dialog-info>' };
  const version = Number(root.attr('version'));
  const state = root.attr('state');
  const entity = root.attr('entity');
  // §4.1.1: version, state and entity are mandatory.
  if (!Number.isInteger(version) || version < 0) return { ok: false, error: 'bad version' };
  if (state !== 'full' && state !== 'partial') return { ok: false, error: 'bad state' };
  if (!entity) return { ok: false, error: 'no entity' };
  const elements = root.getChildren('dialog', NS_DIALOG_INFO);
  if (elements.length > MAX_DIALOGS) return { ok: false, error: 'too many dialogs' };
  const dialogs: DialogEntry[] = [];
  for (const d of elements) {
    const id = d.attr('id');
    const stateElement = d.getChild('state', NS_DIALOG_INFO);
    const dialogState = stateElement?.text().trim() as DialogState | undefined;
    if (!id || !dialogState || !STATES.includes(dialogState))
      return { ok: false, error: 'a <dialog> needs an id and a valid <state>' };
    const participant = (name: string): DialogParticipant | null => {
      const identity = d.getChild(name, NS_DIALOG_INFO)?.getChild('identity', NS_DIALOG_INFO);
      return identity
        ? { identity: identity.text().trim(), display: identity.attr('display') ?? null }
        : null;
    };
    const direction = d.attr('direction');
    const duration = d.getChildText('duration', NS_DIALOG_INFO);
    dialogs.push({
      id,
      callId: d.attr('call-id') ?? null,
      localTag: d.attr('local-tag') ?? null,
      remoteTag: d.attr('remote-tag') ?? null,
      direction: direction === 'initiator' || direction === 'recipient' ? direction : null,
      state: dialogState,
      event: stateElement?.attr('event') ?? null,
      duration: duration === undefined ? null : Number(duration),
      local: participant('local'),
      remote: participant('remote'),
    });
  }
  return { ok: true, value: { entity, version, state, dialogs } };
}
