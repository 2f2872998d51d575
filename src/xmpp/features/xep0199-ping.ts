/** XEP-0199: XMPP Ping — https://xmpp.org/extensions/xep-0199.html (client-to-server ping, §4.2). */
import { defineModule } from '../../kernel/module.js';
import { NS_PING } from '../namespaces.js';
import { xmppHubKey } from '../xmpp-hub.js';

export const pingModule = defineModule({
  name: 'xmpp-ping',
  description: 'Answers pings to the server',
  requires: ['xmpp-core'],
  specs: ['XEP-0199'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    hub.discoFeature('server', NS_PING);
    // §4.2: the server answers with an empty result.
    return hub.iq('server', 'get', NS_PING, async () => ({ result: null }), ctx.module);
  },
});
