/**
 * RFC 6121 §3 and §4: subscriptions and presence — https://www.rfc-editor.org/rfc/rfc6121#section-4
 * Broadcast to subscribers and the user's other resources, probes answered from local sessions,
 * directed presence, unavailable on disconnect, subscription stanzas through the core roster
 * service. Each session is an Endpoint in the core session registry, kept current here.
 */
import { type BareJid, bareJid, type Jid } from '../../core/address/jid.js';
import { xmppEndpoint } from '../../core/messaging/endpoint.js';
import type { SubscriptionType } from '../../core/roster/index.js';
import { blockServiceKey, rosterServiceKey, sessionRegistryKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { initialPresenceSent, sessionBound, sessionEnding, xmppHubKey } from '../xmpp-hub.js';
import { isAvailable, type XmppSession } from '../xmpp-session.js';
import { rosterErrorAnswer } from './rfc6121-roster.js';
import { presenceFrom, XmppEffects } from './xmpp-effects.js';

const SUBSCRIPTION_TYPES: ReadonlySet<string> = new Set([
  'subscribe',
  'subscribed',
  'unsubscribe',
  'unsubscribed',
]);

/** RFC 6121 §4.7.2.3: an integer from -128 to +127; absent or invalid is 0. */
export function presencePriority(stanza: Element): number {
  const text = stanza.getChildText('priority')?.trim();
  if (!text || !/^[+-]?\d{1,3}$/.test(text)) return 0;
  return Math.max(-128, Math.min(127, Number(text)));
}

export const presenceModule = defineModule({
  name: 'xmpp-presence',
  description: 'Presence broadcast, probes, directed presence and subscription requests',
  requires: ['xmpp-core', 'xmpp-roster'],
  specs: ['RFC 6121 §3', 'RFC 6121 §4'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const roster = ctx.use(rosterServiceKey);
    const blocks = ctx.use(blockServiceKey);
    const registry = ctx.use(sessionRegistryKey);
    const effects = new XmppEffects(hub, ctx.ids);

    const endpointOf = (session: XmppSession) =>
      xmppEndpoint({
        userId: session.user.id,
        jid: session.jid,
        priority: session.presence.priority,
        isAvailable: isAvailable(session),
      });

    /** Keeps the session's endpoint current, unless a newer session took over its resource. */
    const syncEndpoint = async (session: XmppSession) => {
      if (hub.sessions.get(session.jid) !== session) return;
      if (await registry.get(session.jid)) await registry.update(endpointOf(session));
      else await registry.add(endpointOf(session));
    };

    /** Sends `presence` (from the session) to every available resource of `to` that may see it. */
    const deliver = async (from: XmppSession, to: BareJid | Jid, make: (target: XmppSession) => Element) => {
      for (const target of effects.availableSessions(to)) {
        if (target === from) continue;
        if (target.bare !== from.bare && (await blocks.isBlocked(target.user.id, from.jid))) continue; // XEP-0191 §3.6
        target.send(make(target));
      }
    };

    const broadcast = async (session: XmppSession, stanza: Element | null) => {
      const make = (target: XmppSession) =>
        stanza
          ? stanza.withAttrs({ from: session.jid, to: target.jid })
          : el('presence', { from: session.jid, to: target.jid, type: 'unavailable' });
      // §4.2.2 / §4.4.2: to the contacts subscribed to the user, and to the user's other resources.
      for (const contact of await roster.subscribers(session.user.id)) {
        if (await blocks.isBlocked(session.user.id, contact)) continue;
        await deliver(session, contact, make);
      }
      await deliver(session, session.bare, make);
      if (!stanza) {
        // §4.6.3: those it sent directed presence to learn that it went.
        for (const to of session.presence.directedTo) await deliver(session, to as Jid, make);
        session.presence.directedTo.clear();
      }
    };

    const available = async (session: XmppSession, stanza: Element) => {
      const isInitial = session.presence.current === null;
      session.presence.current = stanza.withAttrs({ from: session.jid, to: undefined });
      session.presence.priority = presencePriority(stanza);
      await syncEndpoint(session);
      await broadcast(session, session.presence.current);
      if (!isInitial) return;
      // §4.2.2: the server probes the user's subscriptions and tells this resource their presence,
      // and the presence of the user's other available resources.
      for (const contact of await roster.subscriptions(session.user.id)) {
        for (const source of effects.availableSessions(contact)) {
          if (await blocks.isBlocked(session.user.id, source.jid)) continue;
          const presence = presenceFrom(source, session.jid);
          if (presence) session.send(presence);
        }
      }
      for (const other of effects.availableSessions(session.bare)) {
        const presence = other === session ? null : presenceFrom(other, session.jid);
        if (presence) session.send(presence);
      }
      // §3.1.3: subscription requests that waited for the user.
      effects.run(await roster.pendingRequests(session.user.id));
      await hub.hooks.notify(initialPresenceSent, session);
    };

    const unavailable = async (session: XmppSession) => {
      if (!isAvailable(session)) return;
      session.presence.current = null;
      await syncEndpoint(session);
      await broadcast(session, null);
    };

    const directed = async (session: XmppSession, stanza: Element, to: Jid) => {
      // §4.6: presence to one entity; if it is not a subscriber, remember to tell it of unavailable.
      if (await blocks.isBlocked(session.user.id, to)) return;
      if (!hub.isLocal(to)) return hub.replyError(session, stanza, 'remote-server-not-found');
      const isUnavailable = stanza.attr('type') === 'unavailable';
      await deliver(session, to, (target) => stanza.withAttrs({ from: session.jid, to: target.jid }));
      if (isUnavailable) session.presence.directedTo.delete(to);
      else if (!(await roster.subscribers(session.user.id)).includes(bareJid(to)))
        session.presence.directedTo.add(to);
    };

    hub.handlePresence(async (session, stanza, to) => {
      const type = stanza.attr('type');
      if (type !== undefined && SUBSCRIPTION_TYPES.has(type)) {
        if (!to) return hub.replyError(session, stanza, 'bad-request', 'a subscription needs a to');
        const change = {
          subscribe: 'subscribe',
          subscribed: 'approve',
          unsubscribe: 'unsubscribe',
          unsubscribed: 'revoke',
        }[type as SubscriptionType] as 'subscribe' | 'approve' | 'unsubscribe' | 'revoke';
        try {
          effects.run(await roster[change](session.user.id, to));
        } catch (error) {
          const answer = rosterErrorAnswer(error);
          if ('error' in answer) hub.replyError(session, stanza, answer.error, answer.text);
        }
        return;
      }
      if (type === 'probe' || type === 'error') return; // §4.3: probes are the server's business
      if (type !== undefined && type !== 'unavailable') return hub.replyError(session, stanza, 'bad-request');
      if (to && bareJid(to) !== session.bare) return directed(session, stanza, to);
      return type === 'unavailable' ? unavailable(session) : available(session, stanza);
    });

    const offBound = hub.hooks.on(sessionBound, syncEndpoint);
    const offEnding = hub.hooks.on(sessionEnding, async ({ session }) => {
      // §4.5.1: the server broadcasts unavailable for a client that went without saying so.
      await unavailable(session);
      if (hub.sessions.get(session.jid) === session) await registry.remove(session.jid);
    });
    return () => {
      offBound();
      offEnding();
    };
  },
});
