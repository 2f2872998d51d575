/**
 * XEP-0280: Message Carbons — https://xmpp.org/extensions/xep-0280.html
 * Enabling per session (§4, §5, §10.1) and the disco feature (§3); for each local client's
 * message: <private/> stripped before delivery (§9), a <sent/> copy to the sender's other enabled
 * resources (§8) and a <received/> copy to the recipient's enabled resources that did not get it
 * (§7) — also when XEP-0296 locked the conversation to one resource (SPEC M2: "carbons still
 * copy to the others").
 */
import { type BareJid, bareJid, type Jid } from '../../core/address/jid.js';
import { defineModule } from '../../kernel/module.js';
import type { Element } from '../../xml/index.js';
import { xmppHubKey } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { messageRouted, messageSending } from './rfc6121-messages.js';
import {
  type CarbonDirection,
  carbonCopy,
  carbonEligibility,
  carbonTargets,
  NS_CARBONS,
  withoutPrivate,
} from './xep0280-carbon-copies.js';

export const carbonsModule = defineModule({
  name: 'xmpp-carbons',
  description: 'Copies of one-to-one messages to all of a user’s clients that ask for them',
  requires: ['xmpp-core', 'xmpp-messages'],
  specs: ['XEP-0280', 'XEP-0297', 'XEP-0334 §4 (no-copy)'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    /** session.state key: present (true) while the session has Carbons enabled. */
    const ENABLED = ctx.module;
    const isEnabled = (session: XmppSession) => session.state.get(ENABLED) === true;
    hub.discoFeature('server', NS_CARBONS); // §3

    const offIq = hub.iq(
      'account',
      'set',
      NS_CARBONS,
      async ({ payload, session, owner }) => {
        // §4.1, §5.1: a client switches its own copies only, never another account's.
        if (owner !== session.bare) return { error: 'not-allowed' };
        if (payload.localName === 'enable') session.state.set(ENABLED, true);
        else if (payload.localName === 'disable') session.state.delete(ENABLED);
        else return { error: 'bad-request', text: 'enable or disable' };
        // §10.1: enabling twice (or disabling twice) is no error: each gets a result.
        return { result: null };
      },
      ctx.module,
    );

    // §9: the receiving server SHOULD remove <private/> before delivering to the recipient.
    const offFilter = hub.hooks.filter(messageSending, (outgoing) => ({
      ...outgoing,
      stanza: withoutPrivate(outgoing.stanza),
    }));

    const copy = (
      direction: CarbonDirection,
      owner: BareJid,
      exclude: ReadonlySet<string>,
      message: Element,
    ) => {
      const sessions = hub.sessions.ofBare(owner);
      const targets = carbonTargets(
        sessions.map((s) => ({ jid: s.jid, isEnabled: isEnabled(s) })),
        exclude,
      );
      for (const jid of targets) hub.sessions.get(jid)?.send(carbonCopy(direction, owner, jid, message));
    };

    const offRouted = hub.hooks.on(messageRouted, ({ session, stanza, original, to, result }) => {
      // Copies follow a message that was delivered or kept; a refused one has nothing to mirror.
      if (result.kind !== 'delivered' && result.kind !== 'stored') return;
      if (!carbonEligibility(original).isEligible) return;
      const recipient = bareJid(to);
      if (result.kind === 'delivered') {
        // §7: every enabled resource of the recipient that did not receive it (nor sent it).
        const received = new Set<string>([...result.endpointIds, session.jid]);
        copy('received', recipient, received, stanza);
      }
      // §8: the sender's other enabled resources, whether or not the sender has Carbons on. A
      // message to one's own account is mirrored once, by the <received/> copies above.
      if (recipient !== session.bare) copy('sent', session.bare, new Set<Jid>([session.jid]), stanza);
    });

    return () => {
      offIq();
      offFilter();
      offRouted();
    };
  },
});
