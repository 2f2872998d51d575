/**
 * XEP-0313: Message Archive Management (urn:xmpp:mam:2) — https://xmpp.org/extensions/xep-0313.html
 * over the core ArchiveService, paged with XEP-0059 Result Set Management. A user queries their own
 * archive only (§4: the archive of their account; anyone else's is forbidden). Results are sent
 * as <message><result queryid id><forwarded><delay/><message/></forwarded></result></message>
 * before the IQ result carrying <fin/> (§4.2, §4.3). Each result's id is the XEP-0359 stanza-id
 * that the live and offline copies carried, so a client can merge history with what it saw.
 */
import { type BareJid, bareJid, parseJid } from '../../core/address/jid.js';
import type { ArchivePage, PageRequest } from '../../core/archive/archive-service.js';
import type { ArchivedMessageRecord, ArchiveFilter } from '../../core/ports.js';
import { archiveServiceKey } from '../../core/service-keys.js';
import { isHeraldError } from '../../kernel/errors.js';
import { defineModule } from '../../kernel/module.js';
import { Element, el, parseXml } from '../../xml/index.js';
import { NS_DELAY } from '../namespaces.js';
import { type IqAnswer, xmppHubKey } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { dataForm, NS_DATA_FORMS, parseDataForm } from './xep0004-data-forms.js';
import { NS_FORWARD } from './xep0280-carbon-copies.js';
import { NS_SID } from './xep0359-stanza-ids.js';

export const NS_MAM = 'urn:xmpp:mam:2';
export const NS_RSM = 'http://jabber.org/protocol/rsm';
/** XEP-0431 §4: the full-text search field. */
export const FULLTEXT_FIELD = '{urn:xmpp:fulltext:0}fulltext';
const MAX_QUERY_ID = 128;

/** XEP-0082 date-time, as XEP-0313 §4.1.2 start/end use it; null if malformed. */
export function parseDateTime(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

const stamp = (ms: number): string => new Date(ms).toISOString();

export type ParsedQuery =
  | { readonly ok: true; readonly filter: ArchiveFilter; readonly page: PageRequest }
  | { readonly ok: false; readonly text: string };

/** §4.1: the form (with, start, end, full-text) and the XEP-0059 <set/> of a query. */
export function parseMamQuery(query: Element): ParsedQuery {
  const filter: { peer?: string; start?: number; end?: number; text?: string } = {};
  const x = query.getChild('x', NS_DATA_FORMS);
  if (x) {
    for (const field of parseDataForm(x).fields) {
      const value = field.values[0];
      if (value === undefined || field.var === 'FORM_TYPE') continue;
      if (field.var === 'with') {
        const jid = parseJid(value);
        if (!jid) return { ok: false, text: `'with' is not a JID: ${value}` };
        // §4.1.1: a bare JID matches every resource; Herald archives by bare address.
        filter.peer = bareJid(jid);
      } else if (field.var === 'start' || field.var === 'end') {
        const ms = parseDateTime(value);
        if (ms === null) return { ok: false, text: `'${field.var}' is not an XEP-0082 date-time` };
        filter[field.var] = ms;
      } else if (field.var === FULLTEXT_FIELD || field.var === 'fulltext') {
        if (value.length > 0) filter.text = value;
      } else {
        // §4.1: an unknown field is an error the client must hear about.
        return { ok: false, text: `unsupported field ${field.var}` };
      }
    }
  }
  const set = query.getChild('set', NS_RSM);
  const page: { max?: number; after?: string; before?: string | true } = {};
  if (set) {
    const max = set.getChildText('max', NS_RSM);
    if (max !== undefined) {
      if (!/^\d{1,9}$/.test(max.trim())) return { ok: false, text: '<max/> must be a non-negative integer' };
      page.max = Number(max.trim());
    }
    const after = set.getChildText('after', NS_RSM);
    if (after !== undefined && after.length > 0) page.after = after;
    const before = set.getChild('before', NS_RSM);
    // XEP-0059 §2.5: an empty <before/> asks for the last page.
    if (before) page.before = before.text().length > 0 ? before.text() : true;
    if (set.getChild('index', NS_RSM)) return { ok: false, text: 'RSM <index/> is not supported' };
  }
  return { ok: true, filter, page };
}

/** The archived message as a stanza, addressed as it went (§4.2: the original, inside <forwarded/>). */
function originalStanza(record: ArchivedMessageRecord, owner: BareJid): Element {
  const from = record.direction === 'in' ? record.peer : owner;
  const to = record.direction === 'in' ? owner : record.peer;
  const parsed =
    record.payload.format === 'xmpp'
      ? parseXml(record.payload.content, { namespaces: { '': 'jabber:client' } })
      : null;
  const base =
    parsed instanceof Element
      ? parsed
      : el('message', { type: 'chat' }, record.body === null ? undefined : el('body', record.body));
  return base.withAttrs({
    xmlns: 'jabber:client',
    from: base.attr('from') ?? from,
    to: base.attr('to') ?? to,
  });
}

export function resultMessage(
  record: ArchivedMessageRecord,
  owner: BareJid,
  to: string,
  queryId: string | undefined,
): Element {
  return el(
    'message',
    { from: owner, to },
    el(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id: record.id },
      el(
        'forwarded',
        { xmlns: NS_FORWARD },
        el('delay', { xmlns: NS_DELAY, stamp: stamp(record.at) }),
        originalStanza(record, owner),
      ),
    ),
  );
}

/** §4.3: <fin/> with the XEP-0059 <set/> summary. */
export function finElement(page: ArchivePage, queryId: string | undefined): Element {
  const set = el(
    'set',
    { xmlns: NS_RSM },
    ...(page.first !== null ? [el('first', page.first)] : []),
    ...(page.last !== null ? [el('last', page.last)] : []),
    el('count', String(page.count)),
  );
  return el('fin', { xmlns: NS_MAM, queryid: queryId, complete: page.complete ? 'true' : undefined }, set);
}

/**
 * §5 preferences: Herald archives every 1:1 message of every user (the operator's archive and
 * retention decide, SPEC M5), so the only preference is default='always' with no exceptions.
 */
const PREFS: IqAnswer = {
  result: el('prefs', { xmlns: NS_MAM, default: 'always' }, el('always'), el('never')),
};

function setPrefs(prefs: Element): IqAnswer {
  const hasJids = prefs.elements().some((list) => list.elements().length > 0);
  if (prefs.attr('default') === 'always' && !hasJids) return PREFS;
  return { error: 'not-acceptable', text: "this server archives every message: only default='always'" };
}

export const mamModule = defineModule({
  name: 'xmpp-mam',
  description: 'Message Archive Management: each user’s history, queried and paged',
  requires: ['xmpp-core'],
  specs: ['XEP-0313', 'XEP-0359', 'XEP-0059', 'XEP-0431'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const archive = ctx.use(archiveServiceKey);
    // §6: an account supporting MAM advertises urn:xmpp:mam:2; XEP-0359 §5 its stanza-ids.
    hub.discoFeature('account', NS_MAM);
    hub.discoFeature('account', NS_SID);
    hub.discoFeature('server', NS_SID);

    const only = (session: XmppSession, owner: BareJid): IqAnswer | null =>
      owner === session.bare ? null : { error: 'forbidden', text: 'only your own archive can be queried' };

    // §4.1.1: the form a client may fill in.
    const offForm = hub.iq(
      'account',
      'get',
      NS_MAM,
      async ({ session, owner, payload }) =>
        only(session, owner) ??
        (payload.name === 'prefs'
          ? PREFS
          : {
              result: el(
                'query',
                { xmlns: NS_MAM },
                dataForm('form', NS_MAM, [
                  { var: 'with', type: 'jid-single', values: [] },
                  { var: 'start', type: 'text-single', values: [] },
                  { var: 'end', type: 'text-single', values: [] },
                  { var: FULLTEXT_FIELD, type: 'text-single', label: 'Search the text', values: [] },
                ]),
              ),
            }),
      ctx.module,
    );

    const offQuery = hub.iq(
      'account',
      'set',
      NS_MAM,
      async ({ session, owner, payload }) => {
        const denied = only(session, owner);
        if (denied) return denied;
        if (payload.name === 'prefs') return setPrefs(payload);
        if (payload.name !== 'query') return { error: 'bad-request', text: 'expected <query/>' };
        const queryId = payload.attr('queryid');
        if (queryId !== undefined && queryId.length > MAX_QUERY_ID)
          return { error: 'bad-request', text: 'queryid is too long' };
        const parsed = parseMamQuery(payload);
        if (!parsed.ok) return { error: 'bad-request', text: parsed.text };
        let page: ArchivePage;
        try {
          page = await archive.query(session.user.id, parsed.filter, parsed.page);
        } catch (error) {
          // §4.3.2 / XEP-0059 §2.6: an after/before id that is not in the archive.
          if (isHeraldError(error, 'HERALD_ERR_NOT_FOUND'))
            return { error: 'item-not-found', text: 'no such message in the archive' };
          if (isHeraldError(error, 'HERALD_ERR_VALIDATION'))
            return { error: 'bad-request', text: error.message };
          throw error;
        }
        for (const record of page.items) session.send(resultMessage(record, owner, session.jid, queryId));
        return { result: finElement(page, queryId) };
      },
      ctx.module,
    );

    return () => {
      offForm();
      offQuery();
    };
  },
});
