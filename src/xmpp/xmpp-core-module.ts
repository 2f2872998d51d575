/** The XMPP hub every XMPP feature registers with (RFC 6120 routing, session manager). */
import { Type } from '@sinclair/typebox';
import { defineModule } from '../kernel/module.js';
import { XmppHub, xmppHubKey } from './xmpp-hub.js';

export const xmppCoreModule = defineModule({
  name: 'xmpp-core',
  description: 'XMPP routing and the session manager',
  specs: ['RFC 6120', 'RFC 6121 §8'],
  options: Type.Object({
    maxResourcesPerUser: Type.Integer({ default: 10, minimum: 1, maximum: 100 }),
  }),
  setup(ctx) {
    ctx.provide(
      xmppHubKey,
      new XmppHub(ctx.domain, ctx.log, {
        maxResourcesPerUser: ctx.options.maxResourcesPerUser,
        clock: ctx.clock,
        ids: ctx.ids,
      }),
    );
  },
});
