/**
 * Carries out what the core roster and block services ask (their effects) with stanzas to the
 * sessions of this node: roster pushes (RFC 6121 §2.1.6), subscription stanzas (§3), presence
 * that must follow a subscription change (§3.1.5, §3.2.4), probes answered locally (§4.3), and
 * block pushes (XEP-0191 §3.3).
 */
import { type BareJid, isBareJid, type Jid } from '../../core/address/jid.js';
import type { BlockEffect, RosterEffect, RosterItem } from '../../core/roster/index.js';
import type { IdSource } from '../../kernel/ids.js';
import { type Element, el } from '../../xml/index.js';
import { NS_BLOCKING, NS_ROSTER } from '../namespaces.js';
import type { XmppHub } from '../xmpp-hub.js';
import { isAvailable, type XmppSession } from '../xmpp-session.js';

/** Whether a session asked for the block list (XEP-0191 §3.3: pushes go to those). */
export const BLOCKLIST_INTERESTED = 'xmpp-blocking:interested';

export function rosterItemElement(item: RosterItem): Element {
  return el(
    'item',
    {
      jid: item.contact,
      name: item.name ?? undefined,
      subscription: item.subscription,
      ask: item.pendingOut ? 'subscribe' : undefined,
      approved: item.preApproved ? 'true' : undefined,
    },
    ...item.groups.map((g) => el('group', g)),
  );
}

/** The presence a session shows others: its last broadcast, re-addressed. */
export function presenceFrom(session: XmppSession, to: Jid): Element | null {
  return session.presence.current ? session.presence.current.withAttrs({ from: session.jid, to }) : null;
}

/**
 * How `from` answers with its presence to one of `target`'s resources. The presence module sets
 * it, so that every module's probes and re-sent presence carry the composed presence.
 */
export type PresenceAnswer = (from: BareJid, target: XmppSession) => Promise<void>;
const presenceAnswers = new WeakMap<XmppHub, PresenceAnswer>();

export function answerPresenceWith(hub: XmppHub, answer: PresenceAnswer): () => void {
  presenceAnswers.set(hub, answer);
  return () => {
    if (presenceAnswers.get(hub) === answer) presenceAnswers.delete(hub);
  };
}

export class XmppEffects {
  constructor(
    private readonly hub: XmppHub,
    private readonly ids: IdSource,
  ) {}

  /** Available sessions of an address: every one of a bare JID's, or the one full JID's. */
  availableSessions(to: Jid): XmppSession[] {
    const sessions = isBareJid(to)
      ? this.hub.sessions.ofBare(to)
      : [this.hub.sessions.get(to)].filter((s) => s !== undefined);
    return sessions.filter(isAvailable);
  }

  run(effects: readonly (RosterEffect | BlockEffect)[]): void {
    for (const effect of effects) {
      switch (effect.kind) {
        case 'roster-push':
          this.#push(
            effect.to,
            el(
              'query',
              { xmlns: NS_ROSTER, ver: String(effect.version) },
              effect.item
                ? rosterItemElement(effect.item)
                : el('item', { jid: effect.removal, subscription: 'remove' }),
            ),
            (s) => s.presence.isInterested,
          );
          break;
        case 'deliver-subscription':
          for (const session of this.availableSessions(effect.to))
            session.send(el('presence', { from: effect.from, to: effect.to, type: effect.type }));
          break;
        case 'send-presence':
          this.sendPresence(effect.from, effect.to);
          break;
        case 'send-unavailable':
          for (const from of this.availableSessions(effect.from))
            for (const target of this.availableSessions(effect.to))
              target.send(el('presence', { from: from.jid, to: target.jid, type: 'unavailable' }));
          break;
        case 'presence-probe':
          // A local contact's server is us: answer the probe with the contact's presence (§4.3.2).
          this.sendPresence(effect.to, effect.from);
          break;
        case 'block-push':
          this.#push(
            effect.to,
            el('block', { xmlns: NS_BLOCKING }, ...effect.addresses.map((jid) => el('item', { jid }))),
            (s) => s.state.get(BLOCKLIST_INTERESTED) === true,
          );
          break;
        case 'unblock-push':
          this.#push(
            effect.to,
            el(
              'unblock',
              { xmlns: NS_BLOCKING },
              ...(effect.all ? [] : effect.addresses.map((jid) => el('item', { jid }))),
            ),
            (s) => s.state.get(BLOCKLIST_INTERESTED) === true,
          );
          break;
        default: {
          const never: never = effect;
          throw new Error(`unknown effect ${JSON.stringify(never)}`);
        }
      }
    }
  }

  /** Each available resource of `from` sends its current presence to `to`'s available resources. */
  sendPresence(from: BareJid, to: Jid): void {
    const answer = presenceAnswers.get(this.hub);
    if (answer) {
      for (const target of this.availableSessions(to)) void answer(from, target).catch(() => {});
      return;
    }
    for (const source of this.availableSessions(from))
      for (const target of this.availableSessions(to)) {
        const presence = presenceFrom(source, target.jid);
        if (presence) target.send(presence);
      }
  }

  #push(to: BareJid, payload: Element, wants: (session: XmppSession) => boolean): void {
    for (const session of this.hub.sessions.ofBare(to))
      if (wants(session))
        session.send(el('iq', { type: 'set', id: `push-${this.ids.next()}`, to: session.jid }, payload));
  }
}
