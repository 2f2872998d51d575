/**
 * XEP-0030: Service Discovery — https://xmpp.org/extensions/xep-0030.html
 * The server's identity and features come from what the modules registered (DESIGN.md: the
 * disco feature list is generated from the module manifests, so it never drifts).
 */
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../namespaces.js';
import { xmppHubKey } from '../xmpp-hub.js';

export const discoModule = defineModule({
  name: 'xmpp-disco',
  description: 'Service discovery of the server and of accounts',
  requires: ['xmpp-core'],
  specs: ['XEP-0030'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    hub.discoFeature('server', NS_DISCO_INFO);
    hub.discoFeature('server', NS_DISCO_ITEMS);
    hub.discoFeature('account', NS_DISCO_INFO);
    hub.discoFeature('account', NS_DISCO_ITEMS);
    const info = (
      identity: { category: string; type: string; name?: string },
      features: string[],
      extensions: Element[] = [],
      node?: string,
    ) =>
      el(
        'query',
        { xmlns: NS_DISCO_INFO, node },
        el('identity', identity),
        ...features.map((v) => el('feature', { var: v })),
        ...extensions, // XEP-0128 §2: extended information as data forms after the features
      );
    const offs = [
      hub.iq(
        'server',
        'get',
        NS_DISCO_INFO,
        async ({ payload }) => {
          // §3.1: a node the server does not know is item-not-found.
          if (payload.attr('node')) return { error: 'item-not-found' };
          return {
            result: info(
              { category: 'server', type: 'im', name: 'Herald' },
              hub.discoFeatures('server'),
              hub.discoExtensions('server'),
            ),
          };
        },
        ctx.module,
      ),
      hub.iq(
        'server',
        'get',
        NS_DISCO_ITEMS,
        async ({ payload }) => {
          if (payload.attr('node')) return { error: 'item-not-found' };
          return { result: el('query', { xmlns: NS_DISCO_ITEMS }) };
        },
        ctx.module,
      ),
      // XEP-0030 §3.1 / RFC 6121: the account's bare JID answers for its owner (identity account/registered).
      hub.iq(
        'account',
        'get',
        NS_DISCO_INFO,
        async ({ payload }) => {
          if (payload.attr('node')) return { error: 'item-not-found' };
          return {
            result: info(
              { category: 'account', type: 'registered' },
              hub.discoFeatures('account'),
              hub.discoExtensions('account'),
            ),
          };
        },
        ctx.module,
      ),
      hub.iq(
        'account',
        'get',
        NS_DISCO_ITEMS,
        async ({ payload }) => {
          if (payload.attr('node')) return { error: 'item-not-found' };
          return { result: el('query', { xmlns: NS_DISCO_ITEMS }) };
        },
        ctx.module,
      ),
    ];
    return () => {
      for (const off of offs) off();
    };
  },
});
