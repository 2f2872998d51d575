/**
 * XEP-0045: Multi-User Chat — https://xmpp.org/extensions/xep-0045.html — the XMPP face of the
 * core RoomService on the service domain conference.<domain> (§4.2): presence to enter, change
 * nick and exit (§7), groupchat and private messages (§7.4, §7.5), mediated invitations (§7.8.2),
 * muc#admin (§8, §9) and muc#owner (§10) IQs, and service discovery (§6).
 */
import { bareJid, isBareJid, type Jid, jidResource } from '../../core/address/jid.js';
import type { ChatMessage } from '../../core/messaging/chat-message.js';
import type { RoomMessageRecord } from '../../core/ports.js';
import {
  type Affiliation,
  isAffiliation,
  isRole,
  type RoomActor,
  type RoomConfig,
  type RoomEffect,
  RoomError,
  type RoomService,
} from '../../core/rooms/index.js';
import { messageServiceKey, roomServiceKey } from '../../core/service-keys.js';
import { isHeraldError } from '../../kernel/errors.js';
import { defineModule } from '../../kernel/module.js';
import { Element, el, parseXml, serialize } from '../../xml/index.js';
import { NS_DELAY, NS_DISCO_INFO, NS_DISCO_ITEMS } from '../namespaces.js';
import type { StanzaErrorCondition } from '../wire/index.js';
import { sessionEnding, unavailableReceived, type XmppHub, xmppHubKey } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import {
  dataForm,
  fieldValue,
  NS_DATA_FORMS,
  parseDataForm,
  parseFormBoolean,
} from './xep0004-data-forms.js';
import { NS_FORWARD } from './xep0280-carbon-copies.js';
import { finElement, NS_MAM, parseMamQuery } from './xep0313-mam.js';
import { NS_SID, withStanzaId } from './xep0359-stanza-ids.js';

export const NS_MUC = 'http://jabber.org/protocol/muc';
export const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
export const NS_MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
export const NS_MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
export const NS_MUC_ROOMCONFIG = 'http://jabber.org/protocol/muc#roomconfig';
export const NS_MUC_ROOMINFO = 'http://jabber.org/protocol/muc#roominfo';

const actorOf = (session: XmppSession): RoomActor => ({
  userId: session.user.id,
  bare: session.bare,
  full: session.jid,
});

const MAX_QUERY_ID = 128;

/**
 * XEP-0313 §5: one archived groupchat message as a MAM result from the room — the message as
 * the room broadcast it, from the occupant JID, inside <forwarded/> with its XEP-0203 delay.
 */
function roomResult(record: RoomMessageRecord, to: string, queryId: string | undefined): Element {
  const from = `${record.roomJid}/${record.nick}`;
  const parsed =
    record.payload.format === 'xmpp'
      ? parseXml(record.payload.content, { namespaces: { '': 'jabber:client' } })
      : null;
  const original =
    parsed instanceof Element && parsed.name === 'message'
      ? parsed.withChildren(
          parsed.children.filter(
            (node) =>
              typeof node === 'string' || !(node.is('stanza-id', NS_SID) || node.is('delay', NS_DELAY)),
          ),
        )
      : el('message', {}, record.body === null ? undefined : el('body', record.body));
  return el(
    'message',
    { from: record.roomJid, to },
    el(
      'result',
      { xmlns: NS_MAM, queryid: queryId, id: record.id },
      el(
        'forwarded',
        { xmlns: NS_FORWARD },
        el('delay', { xmlns: NS_DELAY, stamp: new Date(record.at).toISOString() }),
        original.withAttrs({ xmlns: 'jabber:client', from, to: undefined, type: 'groupchat' }),
      ),
    ),
  );
}

/** Renders the service's effects as stanzas to this node's sessions. */
export function renderRoomEffect(hub: XmppHub, effect: RoomEffect, original?: Element): void {
  switch (effect.kind) {
    case 'presence': {
      const session = hub.sessions.get(effect.to as Jid);
      if (!session) return;
      const item = effect.item;
      session.send(
        el(
          'presence',
          { from: effect.from, to: effect.to, type: effect.unavailable ? 'unavailable' : undefined },
          effect.show ? el('show', effect.show) : undefined,
          effect.status ? el('status', effect.status) : undefined,
          el(
            'x',
            { xmlns: NS_MUC_USER },
            el(
              'item',
              { affiliation: item.affiliation, role: item.role, jid: item.jid, nick: item.nick },
              item.actor ? el('actor', { nick: item.actor }) : undefined,
              item.reason ? el('reason', item.reason) : undefined,
            ),
            effect.destroyed
              ? el('destroy', {}, effect.destroyed.reason ? el('reason', effect.destroyed.reason) : undefined)
              : undefined,
            ...effect.codes.map((code) => el('status', { code: String(code) })),
          ),
        ),
      );
      return;
    }
    case 'message': {
      const session = hub.sessions.get(effect.to as Jid);
      if (!session) return;
      let stanza: Element;
      if (original && effect.delayedAt === undefined) {
        // §7.4: the room reflects the message as sent, from the occupant JID.
        const kept = original.children.filter(
          (node) => typeof node === 'string' || !(node.is('stanza-id', NS_SID) || node.is('delay', NS_DELAY)),
        );
        stanza = original
          .withChildren(kept)
          .withAttrs({ from: effect.from, to: effect.to, type: effect.type });
      } else {
        stanza = el(
          'message',
          { from: effect.from, to: effect.to, type: effect.type },
          effect.subject !== undefined ? el('subject', effect.subject) : undefined,
          effect.body !== undefined ? el('body', effect.body) : undefined,
          // §7.2.15: history carries its original time (XEP-0203) stamped by the room.
          effect.delayedAt !== undefined
            ? el('delay', {
                xmlns: NS_DELAY,
                from: effect.roomJid,
                stamp: new Date(effect.delayedAt).toISOString(),
              })
            : undefined,
          effect.type === 'chat' ? el('x', { xmlns: NS_MUC_USER }) : undefined,
        );
      }
      // XEP-0359 §3.1 / XEP-0045 §7.4: the room's stanza-id in every copy.
      if (effect.stanzaId) stanza = withStanzaId(stanza, { by: effect.roomJid, id: effect.stanzaId });
      session.send(stanza);
      return;
    }
    case 'invite':
    case 'decline':
      // Carried by MessageService (roomInvitationMessage), so that an offline user gets them.
      return;
  }
}

/**
 * §7.8.2 a mediated invitation (with a XEP-0249 element alongside, for clients that only know
 * direct invitations) or a relayed decline, as a message from the room to the user's bare JID.
 * It goes through MessageService like any message: to every available resource, or stored
 * offline (XEP-0160) until the user comes. The body says it in words, for clients (and SIP
 * phones) that know neither.
 */
export function roomInvitationMessage(
  effect: Extract<RoomEffect, { kind: 'invite' | 'decline' }>,
  id: string,
  now: number,
): ChatMessage {
  const room = effect.roomJid;
  const x =
    effect.kind === 'invite'
      ? el(
          'x',
          { xmlns: NS_MUC_USER },
          el('invite', { from: effect.inviter }, effect.reason ? el('reason', effect.reason) : undefined),
          effect.password ? el('password', effect.password) : undefined,
        )
      : el(
          'x',
          { xmlns: NS_MUC_USER },
          el('decline', { from: effect.invitee }, effect.reason ? el('reason', effect.reason) : undefined),
        );
  const body =
    effect.kind === 'invite'
      ? `${effect.inviter} invites you to the room ${room}${effect.reason ? `: ${effect.reason}` : ''}`
      : `${effect.invitee} declined your invitation to the room ${room}${effect.reason ? `: ${effect.reason}` : ''}`;
  const stanza = el(
    'message',
    { from: room, to: effect.to, id },
    x,
    effect.kind === 'invite'
      ? el('x', { xmlns: 'jabber:x:conference', jid: room, reason: effect.reason, password: effect.password })
      : undefined,
    el('body', body),
  );
  return {
    id,
    from: { address: room, endpointId: null },
    to: { address: bareJid(effect.to as Jid), resource: null },
    type: 'normal',
    body,
    thread: null,
    sentAt: now,
    payload: { format: 'xmpp', content: serialize(stanza) },
  };
}

const CONFIG_FIELDS: { var: string; key: keyof RoomConfig; type: string; label: string }[] = [
  { var: 'muc#roomconfig_roomname', key: 'name', type: 'text-single', label: 'Room name' },
  { var: 'muc#roomconfig_roomdesc', key: 'description', type: 'text-single', label: 'Description' },
  { var: 'muc#roomconfig_persistentroom', key: 'persistent', type: 'boolean', label: 'Persistent' },
  { var: 'muc#roomconfig_publicroom', key: 'publicRoom', type: 'boolean', label: 'Listed in the directory' },
  { var: 'muc#roomconfig_membersonly', key: 'membersOnly', type: 'boolean', label: 'Members only' },
  { var: 'muc#roomconfig_moderatedroom', key: 'moderated', type: 'boolean', label: 'Moderated' },
  {
    var: 'muc#roomconfig_passwordprotectedroom',
    key: 'password',
    type: 'boolean',
    label: 'Password protected',
  },
  { var: 'muc#roomconfig_roomsecret', key: 'password', type: 'text-private', label: 'Password' },
  { var: 'muc#roomconfig_maxusers', key: 'maxUsers', type: 'text-single', label: 'Maximum occupants' },
  { var: 'muc#maxhistoryfetch', key: 'historyLength', type: 'text-single', label: 'History length' },
  { var: 'muc#roomconfig_allowinvites', key: 'allowInvites', type: 'boolean', label: 'Occupants may invite' },
  {
    var: 'muc#roomconfig_changesubject',
    key: 'changeSubject',
    type: 'boolean',
    label: 'Occupants may change the subject',
  },
  {
    var: 'x-muc#roomconfig_canchangenick',
    key: 'allowNickChange',
    type: 'boolean',
    label: 'Nick changes allowed',
  },
  { var: 'muc#roomconfig_whois', key: 'whois', type: 'list-single', label: 'Who may see real addresses' },
];

function configForm(config: RoomConfig): Element {
  return dataForm(
    'form',
    NS_MUC_ROOMCONFIG,
    CONFIG_FIELDS.map((f) => {
      const value = config[f.key];
      const text =
        f.var === 'muc#roomconfig_passwordprotectedroom'
          ? config.password !== ''
            ? '1'
            : '0'
          : typeof value === 'boolean'
            ? value
              ? '1'
              : '0'
            : String(value);
      return {
        var: f.var,
        type: f.type,
        label: f.label,
        values: [text],
        ...(f.key === 'whois' ? { options: ['moderators', 'anyone'] } : {}),
      };
    }),
  );
}

/** §10.2: a submitted muc#roomconfig form as changes; unknown fields are ignored, bad values refused. */
function configChanges(x: Element): Partial<RoomConfig> {
  const form = parseDataForm(x);
  const changes: Record<string, unknown> = {};
  let protectedFlag: boolean | undefined;
  for (const f of CONFIG_FIELDS) {
    const value = fieldValue(form, f.var);
    if (value === undefined) continue;
    if (f.var === 'muc#roomconfig_passwordprotectedroom') {
      protectedFlag = parseFormBoolean(value) ?? undefined;
      continue;
    }
    if (f.type === 'boolean') {
      const b = parseFormBoolean(value);
      if (b === null) throw new RoomError('not-acceptable', `${f.var} is a boolean`);
      changes[f.key] = b;
    } else if (f.key === 'maxUsers' || f.key === 'historyLength') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new RoomError('not-acceptable', `${f.var} is a number`);
      changes[f.key] = n;
    } else if (f.key === 'whois') {
      if (value !== 'anyone' && value !== 'moderators')
        throw new RoomError('not-acceptable', 'whois is anyone or moderators');
      changes[f.key] = value;
    } else changes[f.key] = value;
  }
  if (protectedFlag === false) changes.password = '';
  return changes as Partial<RoomConfig>;
}

function historyOf(x: Element | undefined) {
  const h = x?.getChild('history', NS_MUC);
  if (!h) return undefined;
  const num = (name: string) => {
    const v = h.attr(name);
    const n = v === undefined ? undefined : Number(v);
    return n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
  };
  const sinceText = h.attr('since');
  const since = sinceText ? Date.parse(sinceText) : Number.NaN;
  return {
    maxchars: num('maxchars'),
    maxstanzas: num('maxstanzas'),
    seconds: num('seconds'),
    since: Number.isNaN(since) ? undefined : since,
  };
}

export const mucModule = defineModule({
  name: 'xmpp-muc',
  description: 'Group chat rooms on conference.<domain>',
  requires: ['xmpp-core', 'xmpp-disco'],
  specs: ['XEP-0045', 'XEP-0249'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const rooms: RoomService = ctx.use(roomServiceKey);
    const service = rooms.serviceDomain;
    const messages = ctx.use(messageServiceKey);
    const run = (effects: readonly RoomEffect[], original?: Element) => {
      for (const effect of effects) {
        if (effect.kind === 'invite' || effect.kind === 'decline')
          void messages
            .send(roomInvitationMessage(effect, ctx.ids.next(), ctx.clock.now()))
            .catch((error: unknown) => ctx.log.warn({ err: error }, 'room invitation not delivered'));
        else renderRoomEffect(hub, effect, original);
      }
    };
    const fail = (session: XmppSession, stanza: Element, error: unknown): void => {
      if (error instanceof RoomError) {
        if (stanza.name === 'presence') {
          // §7.2: presence errors come from the occupant JID and carry the <x/> back.
          session.send(
            el(
              'presence',
              { from: stanza.attr('to'), to: session.jid, type: 'error' },
              el('x', { xmlns: NS_MUC }),
              el(
                'error',
                { type: errorType(error.condition) },
                el(error.condition, { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }),
                el('text', { xmlns: 'urn:ietf:params:xml:ns:xmpp-stanzas' }, error.message),
              ),
            ),
          );
          return;
        }
        hub.replyError(session, stanza, error.condition as StanzaErrorCondition, error.message);
        return;
      }
      throw error;
    };

    const roomInfo = (roomJid: string): Element | null => {
      const room = rooms.room(roomJid);
      if (!room || room.locked) return null;
      const c = room.config;
      const features = [
        NS_MUC,
        c.persistent ? 'muc_persistent' : 'muc_temporary',
        c.membersOnly ? 'muc_membersonly' : 'muc_open',
        c.moderated ? 'muc_moderated' : 'muc_unmoderated',
        c.password ? 'muc_passwordprotected' : 'muc_unsecured',
        c.publicRoom ? 'muc_public' : 'muc_hidden',
        c.whois === 'anyone' ? 'muc_nonanonymous' : 'muc_semianonymous',
        NS_DISCO_INFO,
        'urn:xmpp:sid:0',
        // XEP-0313 §5: the room keeps an archive its occupants (members) may query.
        NS_MAM,
      ];
      return el(
        'query',
        { xmlns: NS_DISCO_INFO },
        el('identity', { category: 'conference', type: 'text', name: c.name || room.jid.split('@')[0] }),
        ...features.map((v) => el('feature', { var: v })),
        // §15.5.4 muc#roominfo
        dataForm('result', NS_MUC_ROOMINFO, [
          { var: 'muc#roominfo_description', type: 'text-single', values: [c.description] },
          { var: 'muc#roominfo_occupants', type: 'text-single', values: [String(room.occupants.size)] },
          { var: 'muc#roominfo_subject', type: 'text-single', values: [room.subject?.text ?? ''] },
          { var: 'muc#maxhistoryfetch', type: 'text-single', values: [String(c.historyLength)] },
        ]),
      );
    };

    const answer = (session: XmppSession, iq: Element, payload: Element | null): void => {
      session.send(
        el(
          'iq',
          { type: 'result', id: iq.attr('id'), from: iq.attr('to'), to: session.jid },
          payload ?? undefined,
        ),
      );
    };

    const handleIq = async (session: XmppSession, iq: Element, to: Jid): Promise<void> => {
      const type = iq.attr('type');
      if (type === 'result' || type === 'error') return;
      const payload = iq.elements()[0];
      if (!iq.attr('id') || !payload || iq.elements().length !== 1)
        return hub.replyError(session, iq, 'bad-request');
      const ns = payload.xmlns;
      if (to === service) {
        if (type === 'get' && ns === NS_DISCO_INFO)
          return answer(
            session,
            iq,
            el(
              'query',
              { xmlns: NS_DISCO_INFO },
              el('identity', { category: 'conference', type: 'text', name: 'Herald group chat' }),
              ...[NS_MUC, NS_DISCO_INFO, NS_DISCO_ITEMS, 'jabber:x:conference'].map((v) =>
                el('feature', { var: v }),
              ),
            ),
          );
        if (type === 'get' && ns === NS_DISCO_ITEMS)
          // §6.3: the public rooms.
          return answer(
            session,
            iq,
            el(
              'query',
              { xmlns: NS_DISCO_ITEMS },
              ...rooms.publicRooms().map((r) => el('item', { jid: r.jid, name: r.config.name || undefined })),
            ),
          );
        return hub.replyError(session, iq, 'service-unavailable');
      }
      if (!isBareJid(to)) {
        // §7.2.x: IQs to an occupant are not relayed by Herald.
        return hub.replyError(session, iq, 'service-unavailable');
      }
      const roomJid = to as string;
      if (type === 'get' && ns === NS_DISCO_INFO) {
        const info = roomInfo(roomJid);
        return info ? answer(session, iq, info) : hub.replyError(session, iq, 'item-not-found');
      }
      if (type === 'get' && ns === NS_DISCO_ITEMS) {
        if (!rooms.room(roomJid)) return hub.replyError(session, iq, 'item-not-found');
        return answer(session, iq, el('query', { xmlns: NS_DISCO_ITEMS }));
      }
      if (ns === NS_MAM) return handleMam(session, iq, roomJid, payload);
      if (ns === NS_MUC_OWNER) {
        const room = rooms.room(roomJid);
        if (!room) return hub.replyError(session, iq, 'item-not-found');
        if (rooms.affiliationOf(room, session.bare) !== 'owner')
          return hub.replyError(session, iq, 'forbidden');
        if (type === 'get')
          return answer(session, iq, el('query', { xmlns: NS_MUC_OWNER }, configForm(room.config)));
        const destroy = payload.getChild('destroy', NS_MUC_OWNER);
        if (destroy) {
          run(rooms.destroy(roomJid, session.bare, destroy.getChildText('reason') ?? undefined));
          await rooms.flush();
          return answer(session, iq, null);
        }
        const x = payload.getChild('x', NS_DATA_FORMS);
        if (!x) return hub.replyError(session, iq, 'bad-request');
        if (x.attr('type') === 'cancel') {
          // §10.1.3: cancelling the initial configuration destroys the locked room.
          if (room.locked) run(rooms.destroy(roomJid, session.bare));
          return answer(session, iq, null);
        }
        if (x.attr('type') !== 'submit') return hub.replyError(session, iq, 'bad-request');
        rooms.configure(roomJid, session.bare, configChanges(x)); // §10.1.2 an empty submit: instant room
        // A persistent room's configuration is stored before the owner hears it took effect.
        await rooms.flush();
        return answer(session, iq, null);
      }
      if (ns === NS_MUC_ADMIN) {
        const items = payload.getChildren('item', NS_MUC_ADMIN);
        if (items.length === 0 || items.length > 100) return hub.replyError(session, iq, 'bad-request');
        const room = rooms.room(roomJid);
        if (!room) return hub.replyError(session, iq, 'item-not-found');
        if (type === 'get') {
          const first = items[0]!;
          const affiliation = first.attr('affiliation');
          const role = first.attr('role');
          if (affiliation && isAffiliation(affiliation))
            return answer(
              session,
              iq,
              el(
                'query',
                { xmlns: NS_MUC_ADMIN },
                ...rooms
                  .affiliationList(roomJid, session.bare, affiliation)
                  .map((i) => el('item', { affiliation: i.affiliation, jid: i.jid })),
              ),
            );
          if (role && isRole(role)) {
            // §8.5/§9.8: moderators list occupants by role.
            if (rooms.occupantByFull(room, session.jid)?.role !== 'moderator')
              return hub.replyError(session, iq, 'forbidden');
            return answer(
              session,
              iq,
              el(
                'query',
                { xmlns: NS_MUC_ADMIN },
                ...[...room.occupants.values()]
                  .filter((o) => o.role === role)
                  .map((o) =>
                    el('item', {
                      role: o.role,
                      nick: o.nick,
                      jid: o.actor.full,
                      affiliation: rooms.affiliationOf(room, o.actor.bare),
                    }),
                  ),
              ),
            );
          }
          return hub.replyError(session, iq, 'bad-request');
        }
        const effects: RoomEffect[] = [];
        for (const item of items) {
          const reason = item.getChildText('reason', NS_MUC_ADMIN) ?? undefined;
          const nick = item.attr('nick');
          const role = item.attr('role');
          const affiliation = item.attr('affiliation');
          const jid = item.attr('jid');
          if (role !== undefined && nick !== undefined && isRole(role))
            effects.push(...rooms.setRole({ roomJid, full: session.jid, nick, role, reason }));
          else if (affiliation !== undefined && isAffiliation(affiliation)) {
            let target = jid;
            if (target === undefined && nick !== undefined) {
              const o = room.occupants.get(nick.toLowerCase());
              target = o?.actor.bare;
            }
            if (!target) return hub.replyError(session, iq, 'bad-request');
            effects.push(
              ...rooms.setAffiliation({
                roomJid,
                actor: actorOf(session),
                jid: bareJid(target as Jid),
                affiliation: affiliation as Affiliation,
                reason,
              }),
            );
          } else return hub.replyError(session, iq, 'bad-request');
        }
        run(effects);
        await rooms.flush();
        return answer(session, iq, null);
      }
      return hub.replyError(session, iq, 'service-unavailable');
    };

    /**
     * XEP-0313 §5 "Querying a MUC archive": the query addressed to the room's bare JID, parsed and
     * paged (XEP-0059) as a user's archive query; results come from the room.
     */
    const handleMam = async (session: XmppSession, iq: Element, roomJid: string, payload: Element) => {
      const type = iq.attr('type');
      const room = rooms.room(roomJid);
      if (!room || room.locked) return hub.replyError(session, iq, 'item-not-found');
      if (!rooms.mayReadArchive(room, session.bare, session.jid))
        return hub.replyError(session, iq, 'forbidden', 'join the room (or be a member) to read its archive');
      if (type === 'get' && payload.name === 'query')
        return answer(
          session,
          iq,
          el(
            'query',
            { xmlns: NS_MAM },
            dataForm('form', NS_MAM, [
              { var: 'start', type: 'text-single', values: [] },
              { var: 'end', type: 'text-single', values: [] },
            ]),
          ),
        );
      if (type !== 'set' || payload.name !== 'query') return hub.replyError(session, iq, 'bad-request');
      const queryId = payload.attr('queryid');
      if (queryId !== undefined && queryId.length > MAX_QUERY_ID)
        return hub.replyError(session, iq, 'bad-request', 'queryid is too long');
      const parsed = parseMamQuery(payload);
      if (!parsed.ok) return hub.replyError(session, iq, 'bad-request', parsed.text);
      if (parsed.filter.peer !== undefined)
        return hub.replyError(session, iq, 'bad-request', "'with' is not supported on a room archive");
      let page: Awaited<ReturnType<RoomService['archivePage']>>;
      try {
        page = await rooms.archivePage({
          roomJid,
          bare: session.bare,
          full: session.jid,
          filter: parsed.filter,
          page: parsed.page,
        });
      } catch (error) {
        // §4.3.2 / XEP-0059 §2.6: an after/before id that is not in the archive.
        if (isHeraldError(error, 'HERALD_ERR_NOT_FOUND') && !(error instanceof RoomError))
          return hub.replyError(session, iq, 'item-not-found', 'no such message in the archive');
        if (isHeraldError(error, 'HERALD_ERR_VALIDATION') && !(error instanceof RoomError))
          return hub.replyError(session, iq, 'bad-request', error.message);
        throw error;
      }
      for (const record of page.items) session.send(roomResult(record, session.jid, queryId));
      return answer(session, iq, finElement({ ...page, items: [] }, queryId));
    };

    const handlePresence = async (session: XmppSession, stanza: Element, to: Jid): Promise<void> => {
      const type = stanza.attr('type');
      if (isBareJid(to)) {
        if (type === 'unavailable' || type === 'error') return;
        return hub.replyError(session, stanza, 'jid-malformed', 'a room presence names a nickname'); // §7.2.1
      }
      const roomJid = bareJid(to);
      if (type === 'unavailable')
        return run(rooms.leave(roomJid, session.jid, stanza.getChildText('status') ?? undefined));
      if (type !== undefined) return;
      const x = stanza.getChild('x', NS_MUC);
      run(
        rooms.join({
          roomJid,
          nick: jidResource(to) ?? '',
          actor: actorOf(session),
          password: x?.getChildText('password', NS_MUC) ?? undefined,
          history: historyOf(x),
          show: stanza.getChildText('show') ?? undefined,
          status: stanza.getChildText('status') ?? undefined,
        }),
      );
    };

    const handleMessage = async (session: XmppSession, stanza: Element, to: Jid): Promise<void> => {
      const type = stanza.attr('type') ?? 'normal';
      if (type === 'error') return;
      const roomJid = bareJid(to);
      if (!isBareJid(to)) {
        // §7.5 private messages between occupants.
        const body = stanza.getChildText('body');
        if (body === undefined) return;
        return run(rooms.privateMessage({ roomJid, full: session.jid, toNick: jidResource(to) ?? '', body }));
      }
      const userX = stanza.getChild('x', NS_MUC_USER);
      const declines = userX?.getChildren('decline', NS_MUC_USER) ?? [];
      if (declines.length > 0) {
        // §7.8.2: the invitee declines; the room relays it to the inviter it names.
        const decline = declines[0] as Element;
        const to = decline.attr('to');
        if (!to) return hub.replyError(session, stanza, 'bad-request');
        return run(
          rooms.decline({
            roomJid,
            invitee: session.bare,
            to: bareJid(to as Jid),
            reason: decline.getChildText('reason', NS_MUC_USER) ?? undefined,
          }),
        );
      }
      const invites = userX?.getChildren('invite', NS_MUC_USER) ?? [];
      if (invites.length > 0) {
        // §7.8.2 mediated invitations.
        const effects: RoomEffect[] = [];
        for (const invite of invites.slice(0, 20)) {
          const invitee = invite.attr('to');
          if (!invitee) return hub.replyError(session, stanza, 'bad-request');
          effects.push(
            ...rooms.invite({
              roomJid,
              actor: actorOf(session),
              invitee: bareJid(invitee as Jid),
              reason: invite.getChildText('reason', NS_MUC_USER) ?? undefined,
            }),
          );
        }
        run(effects);
        return rooms.flush();
      }
      if (type !== 'groupchat') return hub.replyError(session, stanza, 'bad-request');
      const body = stanza.getChildText('body');
      const subject = stanza.getChildText('subject');
      if (body === undefined && subject === undefined) return;
      const effects = await rooms.groupchat({
        roomJid,
        full: session.jid,
        body,
        subject,
        stanza: serialize(stanza),
      });
      run(effects, stanza);
    };

    const offService = hub.serviceDomain(
      service,
      async (session, stanza, to) => {
        if (to === null) return;
        try {
          if (stanza.name === 'iq') return await handleIq(session, stanza, to);
          if (to === service) return hub.replyError(session, stanza, 'service-unavailable');
          if (stanza.name === 'presence') return await handlePresence(session, stanza, to);
          return await handleMessage(session, stanza, to);
        } catch (error) {
          fail(session, stanza, error);
        }
      },
      ctx.module,
    );
    const offSink = rooms.deliverWith((effects) => run(effects));
    // §7.14: a user whose session ends, or who broadcasts unavailable, leaves every room.
    const offEnding = hub.hooks.on(sessionEnding, ({ session }) => run(rooms.leaveAll(session.jid)));
    const offUnavailable = hub.hooks.on(unavailableReceived, ({ session }) =>
      run(rooms.leaveAll(session.jid)),
    );
    hub.discoFeature('account', 'jabber:x:conference'); // XEP-0249 §2
    return () => {
      offService();
      offSink();
      offEnding();
      offUnavailable();
    };
  },
});

function errorType(condition: string): string {
  switch (condition) {
    case 'not-authorized':
    case 'registration-required':
    case 'forbidden':
      return 'auth';
    case 'service-unavailable':
    case 'item-not-found':
    case 'not-allowed':
      return 'cancel';
    case 'resource-constraint':
      return 'wait';
    default:
      return 'modify';
  }
}
