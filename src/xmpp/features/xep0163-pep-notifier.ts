/**
 * XEP-0163 §4.3 (https://xmpp.org/extensions/xep-0163.html#notify-generate): which available
 * resources of the owner and of the contacts the core named get a PEP notification, and the
 * notification itself — a headline from the owner's bare JID carrying the pubsub event.
 * Interest comes from XEP-0115 caps: a resource that lists "<node>+notify" asked (§4.2).
 */
import { type BareJid, bareJid, type Jid } from '../../core/address/jid.js';
import type { LastPublished, PepNotification } from '../../core/pep/index.js';
import type { BlockChecker } from '../../core/roster/index.js';
import type { IdSource } from '../../kernel/ids.js';
import { type Element, el } from '../../xml/index.js';
import { NS_DELAY } from '../namespaces.js';
import type { XmppHub } from '../xmpp-hub.js';
import { isAvailable, type XmppSession } from '../xmpp-session.js';
import { eventElement } from './xep0060-pubsub-replies.js';
import type { CapsResolver } from './xep0115-caps-resolver.js';
import { capsOf } from './xep0115-entity-capabilities.js';

const NS_ADDRESS = 'http://jabber.org/protocol/address';

/** Whether a resource asked for a node's notifications: 'unknown' when its caps cannot be resolved. */
export type Interest = 'yes' | 'no' | 'unknown';

export interface Candidate {
  readonly jid: Jid;
  readonly priority: number;
  readonly interest: Interest;
}

/**
 * §4.3.2 rule 3: one notification to each available resource with a non-negative priority whose
 * caps ask for the node. A resource whose caps cannot be resolved (yet) is taken at its word
 * that it speaks PEP and told too; one without caps is not (rule 2 lets the service send
 * nothing), nor is any resource of negative priority.
 */
export function notificationTargets(candidates: readonly Candidate[]): Jid[] {
  return candidates
    .filter((candidate) => candidate.priority >= 0 && candidate.interest !== 'no')
    .map((candidate) => candidate.jid);
}

export interface PepNotifierOptions {
  readonly hub: XmppHub;
  readonly resolver: CapsResolver;
  readonly blocks: BlockChecker;
  readonly ids: IdSource;
}

export class PepNotifier {
  constructor(private readonly o: PepNotifierOptions) {}

  /** §4.2 filtered notifications: does the resource's caps list `<node>+notify`? */
  async interest(session: XmppSession, node: string): Promise<Interest> {
    const caps = capsOf(session.presence.current);
    if (!caps) return 'no'; // §4.3.2 rule 2 lets the service send nothing without caps
    const features = await this.o.resolver.features(session.jid, caps);
    if (!features) return 'unknown';
    return features.has(`${node}+notify`) ? 'yes' : 'no';
  }

  /**
   * §4.3.3 rule 1: a change goes to every appropriate resource (§4.3.2) of the owner and the
   * contacts, and to the resources explicitly subscribed — no resource twice.
   */
  async announce(notification: PepNotification): Promise<void> {
    const { owner, node, event } = notification;
    const content = [eventElement(node, event), event.kind === 'published' && replyTo(event.item.publisher)];
    const told = new Set<Jid>();
    for (const bare of [owner, ...notification.contacts]) {
      const sessions = await this.#reachable(notification, bare);
      const candidates = await Promise.all(
        sessions.map(async (session) => ({
          jid: session.jid,
          priority: session.presence.priority,
          interest: await this.interest(session, node),
        })),
      );
      const targets = new Set(notificationTargets(candidates));
      for (const session of sessions)
        if (targets.has(session.jid) && !told.has(session.jid)) {
          told.add(session.jid);
          session.send(this.#message(owner, session.jid, content));
        }
    }
    // XEP-0060 §7.1.2.1: explicit subscribers are told whatever their caps say, once each.
    for (const session of await this.#subscribed(notification))
      if (!told.has(session.jid)) {
        told.add(session.jid);
        session.send(this.#message(owner, session.jid, content));
      }
  }

  /**
   * The available sessions the explicit subscriptions reach: a full JID its own session, a bare
   * JID each resource a headline to it would reach (RFC 6121 §8.5.2.1.1: non-negative priority).
   */
  async #subscribed(notification: PepNotification): Promise<XmppSession[]> {
    const found = new Map<Jid, XmppSession>();
    for (const jid of notification.subscribers ?? []) {
      const bare = bareJid(jid);
      for (const session of await this.#reachable(notification, bare))
        if (jid === bare ? session.presence.priority >= 0 : session.jid === jid)
          found.set(session.jid, session);
    }
    return [...found.values()];
  }

  /**
   * §4.3.3 rule 2 and §4.3.4: the last item of a node to a resource that just became available,
   * on the terms of {@link notificationTargets}.
   */
  async sendLast(session: XmppSession, last: LastPublished): Promise<void> {
    const candidate = {
      jid: session.jid,
      priority: session.presence.priority,
      interest: await this.interest(session, last.node),
    };
    if (notificationTargets([candidate]).length === 0) return;
    const stamp = new Date(last.item.publishedAt).toISOString();
    session.send(
      this.#message(last.owner, session.jid, [
        eventElement(last.node, { kind: 'published', item: last.item }),
        replyTo(last.item.publisher),
        el('delay', { xmlns: NS_DELAY, stamp }), // XEP-0203, as the §4.3.4 example shows
      ]),
    );
  }

  /** The available sessions of `bare`, less those of a contact the owner blocked (§4.3.3 rule 3). */
  async #reachable(notification: PepNotification, bare: BareJid): Promise<XmppSession[]> {
    const sessions = this.o.hub.sessions.ofBare(bare).filter(isAvailable);
    if (bare === notification.owner) return sessions;
    const blocked = await Promise.all(
      sessions.map((s) => this.o.blocks.isBlocked(notification.ownerId, s.jid)),
    );
    return sessions.filter((_, i) => !blocked[i]);
  }

  /** §4.3.1: from the owner's bare JID, so that errors bounce to the service, not the publisher. */
  #message(owner: BareJid, to: Jid, content: readonly (Element | false)[]): Element {
    return el('message', { from: owner, to, type: 'headline', id: `pep-${this.o.ids.next()}` }, ...content);
  }
}

/** §4.3.1 item 3: the publishing resource, as a XEP-0033 replyto address (all receivers share presence). */
function replyTo(publisher: string): Element {
  return el('addresses', { xmlns: NS_ADDRESS }, el('address', { type: 'replyto', jid: publisher }));
}
