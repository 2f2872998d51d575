/**
 * XEP-0352: Client State Indication — https://xmpp.org/extensions/xep-0352.html
 * The <csi/> stream feature (§4.1), the <active/> and <inactive/> nonzas (§4.2), and while a
 * client is inactive its presence updates wait — the newest per contact resource — while
 * messages worth reading go at once (CsiQueue says which).
 *
 * How it sees what goes to a session: on the first <inactive/>, the session's send() is wrapped
 * by the session's CsiQueue (kept in session.state); everything features send passes through it,
 * and what it lets out goes to the original send(), so XEP-0198 counts what was written. A session
 * that never says <inactive/> is never touched.
 */
import { Type } from '@sinclair/typebox';
import { defineModule } from '../../kernel/module.js';
import { el } from '../../xml/index.js';
import { nonzaReceived, sessionResumed, xmppHubKey } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { CsiQueue, NS_CSI } from './xep0352-csi-queue.js';

export const csiModule = defineModule({
  name: 'xmpp-csi',
  description: 'Holds presence updates for clients that say they are not in use',
  requires: ['xmpp-core'],
  specs: ['XEP-0352'],
  options: Type.Object({
    maxHeldStanzas: Type.Integer({
      default: 200,
      minimum: 10,
      maximum: 10_000,
      description: 'Stanzas held for an inactive client; beyond, all of them are sent',
    }),
  }),
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const queueOf = (session: XmppSession): CsiQueue | undefined => {
      const state = session.state.get(ctx.module);
      return state instanceof CsiQueue ? state : undefined;
    };
    const wrap = (session: XmppSession): CsiQueue => {
      const existing = queueOf(session);
      if (existing) return existing;
      const queue = new CsiQueue(session.send.bind(session), ctx.options.maxHeldStanzas);
      session.send = (stanza) => queue.send(stanza);
      session.state.set(ctx.module, queue);
      return queue;
    };

    hub.streamFeature(ctx.module, () => el('csi', { xmlns: NS_CSI })); // §4.1: after authentication

    const offNonza = hub.hooks.handle(nonzaReceived, ({ session, element }) => {
      if (element.xmlns !== NS_CSI) return undefined;
      // §4.2: no reply to either. §5.1: what <active/> releases is written before the stream
      // handles the client's next element (the stream waits for this handler).
      if (element.localName === 'inactive') wrap(session).inactive();
      else if (element.localName === 'active') queueOf(session)?.active();
      else return undefined; // not a CSI state: the stream answers it
      return true;
    });
    // §5.2: the state is not restored when a stream is resumed; the new stream begins active.
    const offResumed = hub.hooks.on(sessionResumed, (session) => queueOf(session)?.active());

    return () => {
      offNonza();
      offResumed();
      // The wrappers stay, as pass-throughs: nothing held is left behind.
      for (const session of hub.sessions.all()) queueOf(session)?.active();
    };
  },
});
