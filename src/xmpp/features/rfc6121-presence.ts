/**
 * RFC 6121 §3 and §4: subscriptions and presence — https://www.rfc-editor.org/rfc/rfc6121#section-4
 * Every resource's presence is a source of the person's unified presence (core PresenceService,
 * docs/presence.md); what subscribers and the user's own resources receive is the composed
 * presence, written into each resource's broadcast stanza (xmpp-presence-mapping.ts). A person
 * composed online with no XMPP resource (a SIP phone, a call, a vacation) is shown through a
 * server-owned resource, `user@domain/herald`. Probes are answered from the composed state;
 * directed presence, unavailable on disconnect and subscription stanzas work as RFC 6121 says.
 * Each session is an Endpoint in the core session registry, kept current here.
 */
import { type BareJid, bareJid, type Jid } from '../../core/address/jid.js';
import { xmppEndpoint } from '../../core/messaging/endpoint.js';
import type { UserId } from '../../core/ports.js';
import { type ComposedPresence, presenceSeenBy, samePresence } from '../../core/presence/index.js';
import type { RosterEffect, SubscriptionType } from '../../core/roster/index.js';
import {
  blockServiceKey,
  presenceServiceKey,
  rosterEffectsRelayKey,
  rosterServiceKey,
  sessionRegistryKey,
  storeKey,
} from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { initialPresenceSent, sessionBound, sessionEnding, xmppHubKey } from '../xmpp-hub.js';
import { isAvailable, type XmppSession } from '../xmpp-session.js';
import { rosterErrorAnswer } from './rfc6121-roster.js';
import { answerPresenceWith, XmppEffects } from './xmpp-effects.js';
import {
  clientAvailabilityOf,
  clientNoteOf,
  composedStanza,
  serverResourceStanza,
} from './xmpp-presence-mapping.js';

/** The resource that speaks for a person composed online without an XMPP client. */
export const SERVER_RESOURCE = 'herald';

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
    const presence = ctx.use(presenceServiceKey);
    const store = ctx.use(storeKey);
    const relay = ctx.use(rosterEffectsRelayKey);
    const effects = new XmppEffects(hub, ctx.ids);
    /** Users whose server resource their subscribers currently see as available. */
    const serverResourceShown = new Set<UserId>();
    /** One chain of deliveries per person, so that watchers see the changes in order. */
    const chains = new Map<UserId, Promise<void>>();

    const enqueue = (userId: UserId, work: () => Promise<void>): Promise<void> => {
      const run = (chains.get(userId) ?? Promise.resolve()).then(work).catch((error: unknown) => {
        ctx.log.error({ err: error, userId }, 'presence delivery failed');
      });
      chains.set(userId, run);
      void run.then(() => {
        if (chains.get(userId) === run) chains.delete(userId);
      });
      return run;
    };

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

    /** Sends presence from `from` (a full JID of `owner`) to every available resource of `to` that may see it. */
    const deliver = async (
      owner: BareJid,
      from: Jid,
      to: BareJid | Jid,
      make: (target: XmppSession) => Element,
    ) => {
      for (const target of effects.availableSessions(to)) {
        if (target.jid === from) continue;
        if (target.bare !== owner && (await blocks.isBlocked(target.user.id, from))) continue; // XEP-0191 §3.6
        target.send(make(target));
      }
    };

    /**
     * The subscribers who may get the owner's presence (RFC 6121 §4.2.2): RosterService leaves
     * out those the owner blocked (XEP-0191 §3.5), so the block list is read once per contact.
     */
    const watchersOf = (userId: UserId): Promise<BareJid[]> =>
      // Only those who can receive it now: `deliver` sends to available sessions alone.
      roster.subscribers(userId, hub.sessions.available);

    /** What a target sees of the composed presence: its own resources all of it, subscribers per the watch policy. */
    const seenBy = (composed: ComposedPresence, isSelf: boolean) =>
      presenceSeenBy(composed, isSelf ? 'self' : 'approved');

    /**
     * §4.2.2 / §4.4.2: the session's presence — the composed one — to the contacts subscribed to
     * the user and to the user's other resources; `unavailable` also to directed-presence targets (§4.6.3).
     */
    const broadcast = async (session: XmppSession, unavailable: boolean) => {
      const composed = presence.presenceOf(session.user.id);
      const make = (target: XmppSession) =>
        unavailable
          ? el('presence', { from: session.jid, to: target.jid, type: 'unavailable' })
          : composedStanza(
              session.presence.current,
              seenBy(composed, target.bare === session.bare),
              session.jid,
              target.jid,
            );
      for (const contact of await watchersOf(session.user.id))
        await deliver(session.bare, session.jid, contact, make);
      await deliver(session.bare, session.jid, session.bare, make);
      if (unavailable) {
        for (const to of session.presence.directedTo)
          await deliver(session.bare, session.jid, to as Jid, make);
        session.presence.directedTo.clear();
      }
    };

    /** Shows or withdraws the server resource: only while the person is composed online with no XMPP resource. */
    const syncServerResource = async (userId: UserId, bare: BareJid) => {
      const composed = presence.presenceOf(userId);
      const show = effects.availableSessions(bare).length === 0 && composed.availability !== 'offline';
      if (!show && !serverResourceShown.has(userId)) return;
      if (show) serverResourceShown.add(userId);
      else serverResourceShown.delete(userId);
      const from = `${bare}/${SERVER_RESOURCE}` as Jid;
      const make = (target: XmppSession) =>
        show
          ? serverResourceStanza(seenBy(composed, false), from, target.jid)
          : el('presence', { from, to: target.jid, type: 'unavailable' });
      for (const contact of await watchersOf(userId)) await deliver(bare, from, contact, make);
    };

    // From PresenceService's cache: asked on every change of anyone's composed presence.
    const bareOf = (userId: UserId) => presence.addressOf(userId) as Promise<BareJid | undefined>;

    // Every real change of the composed presence (any source: XMPP, SIP, a call, the calendar, the
    // API) goes to the watchers of every resource, and to the server resource's.
    const offChanged = presence.onChanged(({ userId }) => {
      void enqueue(userId, async () => {
        const bare = await bareOf(userId);
        if (!bare) return;
        for (const session of effects.availableSessions(bare)) await broadcast(session, false);
        await syncServerResource(userId, bare);
      });
    });

    /**
     * §4.3.2: `owner`'s presence for one resource of a watcher — from each available resource,
     * or from the server resource — if the watch policy lets the watcher see it.
     */
    const answerProbe = async (owner: BareJid, target: XmppSession) => {
      if (!hub.isLocal(owner)) return;
      const sessions = effects.availableSessions(owner);
      const ownerId =
        sessions[0]?.user.id ?? (await store.accounts.findUserByName(owner.split('@')[0] ?? ''))?.id;
      if (ownerId === undefined) return;
      const seen = await presence.presenceFor(ownerId, target.jid);
      if (seen.availability === 'offline') return;
      if (sessions.length === 0) {
        target.send(serverResourceStanza(seen, `${owner}/${SERVER_RESOURCE}`, target.jid));
        return;
      }
      for (const source of sessions) {
        if (source === target) continue;
        if (target.bare !== owner && (await blocks.isBlocked(target.user.id, source.jid))) continue;
        target.send(composedStanza(source.presence.current, seen, source.jid, target.jid));
      }
    };
    const offAnswer = answerPresenceWith(hub, answerProbe);

    const runEffects = (list: readonly RosterEffect[]) => {
      effects.run(list);
      relay.announce(list, 'xmpp');
    };
    // What another adapter changed (a SIP watcher's request, …) reaches this node's sessions now.
    const offRelay = relay.onEffects((list, origin) => {
      if (origin !== 'xmpp') effects.run(list);
    });

    const clientSource = (session: XmppSession, stanza: Element) => ({
      kind: 'client' as const,
      id: session.jid,
      protocol: 'xmpp' as const,
      availability: clientAvailabilityOf(stanza),
      note: clientNoteOf(stanza),
      priority: session.presence.priority,
      updatedAt: ctx.clock.now(),
      expiresAt: null,
    });

    const available = async (session: XmppSession, stanza: Element) => {
      const isInitial = session.presence.current === null;
      session.presence.current = stanza.withAttrs({ from: session.jid, to: undefined });
      session.presence.priority = presencePriority(stanza);
      await syncEndpoint(session);
      const userId = session.user.id;
      const before = presence.presenceOf(userId);
      presence.update(userId, clientSource(session, stanza));
      // A change of the composed presence reaches every resource's watchers through onChanged;
      // otherwise only this resource's (new) stanza needs to go out.
      const changed = !samePresence(before, presence.presenceOf(userId));
      await enqueue(userId, async () => {
        if (!changed) await broadcast(session, false);
        await syncServerResource(userId, session.bare);
      });
      if (!isInitial) return;
      // §4.2.2: the server probes the user's subscriptions and tells this resource their presence,
      // and the presence of the user's other available resources.
      for (const contact of await roster.subscriptions(userId)) await answerProbe(contact, session);
      await answerProbe(session.bare, session);
      // §3.1.3: subscription requests that waited for the user.
      runEffects(await roster.pendingRequests(userId));
      await hub.hooks.notify(initialPresenceSent, session);
    };

    const unavailable = async (session: XmppSession) => {
      if (!isAvailable(session)) return;
      session.presence.current = null;
      await syncEndpoint(session);
      // Removed only if this session still owns the resource (a newer one may have replaced it).
      if (hub.sessions.get(session.jid) === session || !hub.sessions.get(session.jid))
        presence.remove(session.user.id, 'client', session.jid);
      await enqueue(session.user.id, async () => {
        await broadcast(session, true);
        await syncServerResource(session.user.id, session.bare);
      });
    };

    const directed = async (session: XmppSession, stanza: Element, to: Jid) => {
      // §4.6: presence to one entity; if it is not a subscriber, remember to tell it of unavailable.
      if (await blocks.isBlocked(session.user.id, to)) return;
      if (!hub.isLocal(to)) return hub.replyError(session, stanza, 'remote-server-not-found');
      const isUnavailable = stanza.attr('type') === 'unavailable';
      await deliver(session.bare, session.jid, to, (target) =>
        stanza.withAttrs({ from: session.jid, to: target.jid }),
      );
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
          runEffects(await roster[change](session.user.id, to));
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
      offChanged();
      offAnswer();
      offRelay();
    };
  },
});
