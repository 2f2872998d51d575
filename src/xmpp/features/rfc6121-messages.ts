/**
 * RFC 6121 §5 and §8.5: exchanging messages — https://www.rfc-editor.org/rfc/rfc6121#section-8.5
 * Every message goes through the core MessageService (fork / lock / offline, SPEC M1–M3); this
 * module turns stanzas into ChatMessages and back, and hands out offline messages at the next
 * initial presence with a XEP-0203 delay stamp (XEP-0160).
 */
import { bareJid, type Jid, jidLocal, jidResource } from '../../core/address/jid.js';
import type { ChatMessage, MessageType } from '../../core/messaging/chat-message.js';
import { MESSAGE_TYPES } from '../../core/messaging/chat-message.js';
import type { SendResult } from '../../core/messaging/message-service.js';
import type { OfflineMessageRecord } from '../../core/ports.js';
import { archiveServiceKey, blockServiceKey, messageServiceKey, storeKey } from '../../core/service-keys.js';
import { filterHook, notifyHook } from '../../kernel/hooks.js';
import { defineModule } from '../../kernel/module.js';
import { Element, el, parseXml, serialize } from '../../xml/index.js';
import { NS_BLOCKING_ERRORS, NS_DELAY, NS_OFFLINE } from '../namespaces.js';
import { errorReply } from '../wire/index.js';
import { initialPresenceSent, xmppHubKey } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { originIdOf, withoutStanzaIdsBy, withStanzaId } from './xep0359-stanza-ids.js';

const XMPP_FORMAT = 'xmpp';
const OFFLINE_BATCH = 200;

/** A local client's message to a local account, on its way to MessageService. */
export interface OutgoingMessage {
  readonly session: XmppSession;
  readonly stanza: Element;
  readonly to: Jid;
}
/** Filters may rewrite the message before it is delivered (XEP-0280 §9 strips <private/>), or drop it. */
export const messageSending = filterHook<OutgoingMessage>('xmpp.message-sending');
/** What became of the message (`stanza` as delivered, `original` as sent); XEP-0280 copies from here. */
export const messageRouted = notifyHook<OutgoingMessage & { original: Element; result: SendResult }>(
  'xmpp.message-routed',
);

/** RFC 6121 §5.2.2: an unknown or missing type is treated as normal. */
function messageType(stanza: Element): MessageType {
  const type = stanza.attr('type') ?? 'normal';
  return (MESSAGE_TYPES as readonly string[]).includes(type) ? (type as MessageType) : 'normal';
}

export const messagesModule = defineModule({
  name: 'xmpp-messages',
  description: 'One-to-one messages, forking to resources, resource locking and offline storage',
  requires: ['xmpp-core'],
  specs: ['RFC 6121 §5', 'RFC 6121 §8.5', 'XEP-0160', 'XEP-0203', 'XEP-0296'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const messages = ctx.use(messageServiceKey);
    const blocks = ctx.use(blockServiceKey);
    const accounts = ctx.use(storeKey).accounts;
    const archive = ctx.use(archiveServiceKey);
    /** The parsed stanza of a message sent on this node, so local delivery does not re-parse it. */
    const stanzas = new WeakMap<ChatMessage['payload'], Element>();
    hub.discoFeature('server', NS_OFFLINE);

    const toStanza = (message: ChatMessage): Element | null => {
      const known = stanzas.get(message.payload);
      if (known) return known;
      if (message.payload.format === XMPP_FORMAT) {
        const parsed = parseXml(message.payload.content, { namespaces: { '': 'jabber:client' } });
        return parsed instanceof Element ? parsed : null;
      }
      // Another protocol's message (a SIP MESSAGE): its text, as a chat message.
      return el(
        'message',
        { from: message.from.address, to: message.to.address, type: message.type, id: message.id },
        message.body === null ? undefined : el('body', message.body),
        // RFC 7572 §6: a SIP MESSAGE's Call-ID is its thread.
        message.thread === null ? undefined : el('thread', message.thread),
      );
    };

    const offDriver = messages.registerDriver('xmpp', {
      deliver(endpoint, message) {
        const session = hub.sessions.get(endpoint.id as Jid);
        const stanza = session ? toStanza(message) : null;
        if (!session || !stanza) return false;
        // XEP-0359 §3.1: the archive's id on every delivered copy (the same on each: one archive entry).
        session.send(message.stanzaId ? withStanzaId(stanza, message.stanzaId) : stanza);
        return true;
      },
    });

    hub.handleMessages(async (session, original, to) => {
      const target = to ?? session.bare; // RFC 6120 §8.1.1.1: no 'to' is the sender's own account
      if (!target.includes('@')) return; // to the server itself: nothing to do (RFC 6120 §10.3)
      if (!hub.isLocal(target)) return hub.replyError(session, original, 'remote-server-not-found');
      // XEP-0191 §3.5: to someone the user blocked; §3.6: from someone who blocked the recipient.
      if (await blocks.isBlocked(session.user.id, target)) {
        const reply = errorReply(original, 'not-acceptable', {
          application: el('blocked', { xmlns: NS_BLOCKING_ERRORS }),
        });
        if (reply) session.send(reply.withAttrs({ from: target, to: session.jid }));
        return;
      }
      const outgoing = await hub.hooks.apply(messageSending, { session, stanza: original, to: target });
      if (outgoing === null) return;
      // XEP-0359 §3.1: a stanza-id claiming to be from the recipient's or sender's archive is forged.
      const stanza = withoutStanzaIdsBy(outgoing.stanza, [bareJid(target), session.bare]);
      const type = messageType(stanza);
      const message: ChatMessage = {
        id: stanza.attr('id') ?? ctx.ids.next(),
        from: { address: session.bare, endpointId: session.jid },
        to: { address: bareJid(target), resource: jidResource(target) },
        type,
        body: stanza.getChildText('body') ?? null,
        thread: stanza.getChildText('thread') ?? null,
        sentAt: ctx.clock.now(),
        payload: { format: XMPP_FORMAT, content: serialize(stanza) },
        originId: originIdOf(stanza) ?? stanza.attr('id') ?? null,
      };
      // Keyed by the payload, which MessageService keeps when it adds the stanza-id.
      stanzas.set(message.payload, stanza);
      const recipient = await accounts.findUserByName(jidLocal(target) ?? '');
      if (recipient && (await blocks.isBlocked(recipient.id, session.jid)))
        return hub.replyError(session, stanza, 'service-unavailable');
      const result = await messages.send(message);
      await hub.hooks.notify(messageRouted, { session, stanza, original, to: target, result });
      // SPEC M7 (compliance.required): not accepted, so the sender knows it did not go (RFC 6120 §8.3.3.19).
      if (result.kind === 'refused')
        hub.replyError(
          session,
          stanza,
          'service-unavailable',
          'compliance archive unavailable; message not accepted',
        );
      if (result.kind === 'error')
        hub.replyError(
          session,
          stanza,
          result.condition,
          result.condition === 'resource-constraint'
            ? 'the recipient has too many offline messages'
            : undefined,
        );
    });

    const deliverOffline = async (session: XmppSession) => {
      // XEP-0160 §4: offline messages go to a resource that is available with non-negative priority.
      if (session.presence.priority < 0) return;
      for (;;) {
        const batch: OfflineMessageRecord[] = await messages.takeOffline(session.user.id, OFFLINE_BATCH);
        if (batch.length === 0) return;
        for (const record of batch) {
          // XEP-0313 §7 / XEP-0359: the offline copy carries the archive's stanza-id, so a client
          // that also queries MAM sees one message, not two.
          const archived = await archive.get(session.user.id, record.id);
          const stanza = withDelay(record, hub.domain);
          session.send(archived ? withStanzaId(stanza, { by: session.bare, id: archived.id }) : stanza);
        }
        await messages.acknowledgeOffline(
          session.user.id,
          batch.map((r) => r.id),
        );
        if (batch.length < OFFLINE_BATCH) return;
      }
    };
    const offPresence = hub.hooks.on(initialPresenceSent, deliverOffline);
    return () => {
      offDriver();
      offPresence();
    };
  },
});

/** XEP-0203 §3 / XEP-0160 §3: the stored stanza, stamped with when the server got it. */
function withDelay(record: OfflineMessageRecord, domain: string): Element {
  const stamp = new Date(record.storedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const delay = el('delay', { xmlns: NS_DELAY, from: domain, stamp }, 'Offline Storage');
  const parsed =
    record.payload.format === XMPP_FORMAT
      ? parseXml(record.payload.content, { namespaces: { '': 'jabber:client' } })
      : null;
  const base =
    parsed instanceof Element
      ? parsed
      : el(
          'message',
          { from: record.from, type: 'chat' },
          record.payload.body === null ? undefined : el('body', record.payload.body),
        );
  return base.withChildren([...base.children, delay]);
}
