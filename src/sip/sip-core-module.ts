/** The SIP stack every SIP feature registers with: transactions over the transports, method handlers. */
import { Type } from '@sinclair/typebox';
import { listenersKey } from '../kernel/listeners.js';
import { defineModule } from '../kernel/module.js';
import { addressesOf, SipDomain, sipDomainKey } from './sip-domain.js';
import { SipStack, sipStackKey } from './sip-stack.js';
import { sipTransportKey } from './transport/index.js';

/** The listeners a SIP request reaches Herald on (WebSocket at /sip on the HTTP(S) ports, RFC 7118). */
const SIP_LISTENERS = ['sip-udp', 'sip-tcp', 'sip-tls', 'http', 'https'];

export const sipCoreModule = defineModule({
  name: 'sip-core',
  description: 'SIP transactions and request dispatch',
  requires: ['sip-transport'],
  specs: ['RFC 3261 §17', 'RFC 6026'],
  options: Type.Object({
    /**
     * Other host names that mean this server's domain in a Request-URI or an address of record
     * (Kamailio's `alias`); the server's own addresses always do (sip-domain.ts).
     */
    domainAliases: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { default: [], maxItems: 64 }),
  }),
  setup(ctx) {
    const stack = new SipStack(ctx.use(sipTransportKey), { clock: ctx.clock, ids: ctx.ids, log: ctx.log });
    ctx.provide(sipStackKey, stack);
    const listeners = ctx.use(listenersKey);
    // Asked for every in-dialog request (is its Route ours?): rebuilt only when a listener changed.
    let bound: Readonly<Record<string, number>> | undefined;
    let sipPorts: readonly number[] = [];
    const ports = () => {
      if (listeners.ports !== bound) {
        bound = listeners.ports;
        sipPorts = SIP_LISTENERS.flatMap((name) => bound?.[name] ?? []);
      }
      return sipPorts;
    };
    const domain = new SipDomain({
      name: ctx.domain,
      aliases: ctx.options.domainAliases,
      addresses: addressesOf(ctx.config.bind),
      ports,
    });
    ctx.provide(sipDomainKey, domain);
    ctx.log.debug({ hosts: domain.hosts }, 'SIP domain');
    return () => stack.close();
  },
});
