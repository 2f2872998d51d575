/** XEP-0092: Software Version — https://xmpp.org/extensions/xep-0092.html */
import { Type } from '@sinclair/typebox';
import { defineModule } from '../../kernel/module.js';
import { productKey } from '../../kernel/product.js';
import { el } from '../../xml/index.js';
import { NS_VERSION } from '../namespaces.js';
import { xmppHubKey } from '../xmpp-hub.js';

export const versionModule = defineModule({
  name: 'xmpp-version',
  description: "Tells the server's software name and version",
  requires: ['xmpp-core'],
  specs: ['XEP-0092'],
  options: Type.Object({
    showOs: Type.Boolean({
      default: false,
      description: 'also tell the operating system (XEP-0092 §4 privacy)',
    }),
  }),
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    hub.discoFeature('server', NS_VERSION);
    const product = ctx.use(productKey);
    return hub.iq(
      'server',
      'get',
      NS_VERSION,
      async () => ({
        result: el(
          'query',
          { xmlns: NS_VERSION },
          el('name', product.name),
          el('version', product.version),
          ctx.options.showOs ? el('os', `${process.platform} ${process.arch}`) : undefined,
        ),
      }),
      ctx.module,
    );
  },
});
