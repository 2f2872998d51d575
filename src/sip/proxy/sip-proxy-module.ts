/**
 * RFC 3261 §16 — the SIP proxy module: INVITE and the requests of the dialogs it creates, record-
 * routed, with every call's legs told to the core CallRegistry and each user's line state made a
 * presence source (SPEC C1, C2, P1).
 * https://www.rfc-editor.org/rfc/rfc3261#section-16
 */
import { Type } from '@sinclair/typebox';
import { DialPlan, feedLinePresence } from '../../core/calls/index.js';
import { callRegistryKey, presenceServiceKey, storeKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { locationKey, sipDigestAuthKey } from '../registrar/sip-registrar-module.js';
import { sipDomainKey } from '../sip-domain.js';
import { sipStackKey } from '../sip-stack.js';
import { CallLegFeed } from './call-leg-feed.js';
import { SipProxy } from './sip-proxy.js';

export const sipProxyModule = defineModule({
  name: 'sip-proxy',
  description: 'Calls: INVITE forked to every registered contact of a user or line, record-routed',
  requires: ['sip-core', 'sip-registrar'],
  specs: ['RFC 3261 §16', 'RFC 3261 §22.3', 'RFC 3581'],
  options: Type.Object({
    /** §16.6 step 11: Timer C "MUST be set for a value greater than 3 minutes". */
    timerCSeconds: Type.Integer({ default: 185, minimum: 181, maximum: 3600 }),
    /** A call without BYE (a phone gone) stops counting as a call after this long. */
    maxCallHours: Type.Integer({ default: 12, minimum: 1, maximum: 168 }),
  }),
  setup(ctx) {
    const stack = ctx.use(sipStackKey);
    const store = ctx.use(storeKey);
    const calls = ctx.use(callRegistryKey);
    const feed = new CallLegFeed({
      calls,
      clock: ctx.clock,
      maxCallMs: ctx.options.maxCallHours * 3_600_000,
    });
    const auth = ctx.use(sipDigestAuthKey);
    const proxy = new SipProxy({
      domain: ctx.use(sipDomainKey),
      stack,
      clock: ctx.clock,
      ids: ctx.ids,
      log: ctx.log,
      auth,
      // The target of each call: a user who registered moments ago, in SipDigestAuth's cache.
      accounts: { findUserByName: (name) => auth.userNamed(name) },
      location: ctx.use(locationKey),
      dialPlan: new DialPlan(store.directory, { clock: ctx.clock, ttlMs: 10_000 }),
      feed,
      // One process: a secret per start; dialogs do not outlive a restart anyway (CallRegistry is memory).
      secret: ctx.ids.randomBytes(32),
      timerCMs: ctx.options.timerCSeconds * 1000,
    });
    const offs = [
      stack.onRequest('INVITE', (context) => proxy.invite(context), ctx.module),
      stack.useRouter(
        { claims: (r) => proxy.claims(r), route: (context) => proxy.route(context) },
        ctx.module,
      ),
      stack.onAck((request, source) => {
        proxy
          .ack(request, source)
          .catch((error: unknown) => ctx.log.warn({ err: error }, 'SIP ACK forwarding failed'));
      }, ctx.module),
      feedLinePresence(calls, ctx.use(presenceServiceKey)),
    ];
    return () => {
      for (const off of offs.reverse()) off();
      feed.close();
    };
  },
});
