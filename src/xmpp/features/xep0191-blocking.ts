/** XEP-0191: Blocking Command — https://xmpp.org/extensions/xep-0191.html */
import { parseJid } from '../../core/address/jid.js';
import { blockServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { el } from '../../xml/index.js';
import { NS_BLOCKING } from '../namespaces.js';
import { xmppHubKey } from '../xmpp-hub.js';
import { rosterErrorAnswer } from './rfc6121-roster.js';
import { BLOCKLIST_INTERESTED, XmppEffects } from './xmpp-effects.js';

export const blockingModule = defineModule({
  name: 'xmpp-blocking',
  description: 'Block and unblock contacts',
  requires: ['xmpp-core'],
  specs: ['XEP-0191'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const blocks = ctx.use(blockServiceKey);
    const effects = new XmppEffects(hub, ctx.ids);
    hub.discoFeature('account', NS_BLOCKING); // §2: the account supports it

    const offGet = hub.iq(
      'account',
      'get',
      NS_BLOCKING,
      async ({ session, owner, payload }) => {
        if (owner !== session.bare || payload.localName !== 'blocklist') return { error: 'bad-request' };
        session.state.set(BLOCKLIST_INTERESTED, true); // §3.3: pushes go to resources that asked
        const list = await blocks.getBlockList(session.user.id);
        return { result: el('blocklist', { xmlns: NS_BLOCKING }, ...list.map((jid) => el('item', { jid }))) };
      },
      ctx.module,
    );

    const offSet = hub.iq(
      'account',
      'set',
      NS_BLOCKING,
      async ({ session, owner, payload }) => {
        if (owner !== session.bare) return { error: 'forbidden' };
        const raw = payload.getChildren('item').map((item) => item.attr('jid') ?? '');
        const jids = raw.map((jid) => parseJid(jid));
        if (jids.some((jid) => jid === null)) return { error: 'jid-malformed' };
        const addresses = jids as string[];
        try {
          if (payload.localName === 'block') {
            if (addresses.length === 0) return { error: 'bad-request', text: 'name at least one address' }; // §3.3
            effects.run(await blocks.block(session.user.id, addresses));
          } else if (payload.localName === 'unblock') {
            // §3.5: an unblock without items empties the list.
            effects.run(await blocks.unblock(session.user.id, addresses.length > 0 ? addresses : undefined));
          } else return { error: 'bad-request' };
          return { result: null };
        } catch (error) {
          return rosterErrorAnswer(error);
        }
      },
      ctx.module,
    );
    return () => {
      offGet();
      offSet();
    };
  },
});
