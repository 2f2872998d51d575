/** The SIP stack every SIP feature registers with: transactions over the transports, method handlers. */
import { defineModule } from '../kernel/module.js';
import { SipStack, sipStackKey } from './sip-stack.js';
import { sipTransportKey } from './transport/index.js';

export const sipCoreModule = defineModule({
  name: 'sip-core',
  description: 'SIP transactions and request dispatch',
  requires: ['sip-transport'],
  specs: ['RFC 3261 §17', 'RFC 6026'],
  setup(ctx) {
    const stack = new SipStack(ctx.use(sipTransportKey), { clock: ctx.clock, ids: ctx.ids, log: ctx.log });
    ctx.provide(sipStackKey, stack);
    return () => stack.close();
  },
});
