/**
 * XEP-0030: Service Discovery — https://xmpp.org/extensions/xep-0030.html
 * The server's identity and features come from what the modules registered (DESIGN.md: the
 * disco feature list is generated from the module manifests, so it never drifts).
 */
import { filterHook } from '../../kernel/hooks.js';
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { NS_DISCO_INFO, NS_DISCO_ITEMS } from '../namespaces.js';
import { type DiscoIdentity, type IqRequest, xmppHubKey } from '../xmpp-hub.js';

/**
 * The `<item/>`s of an account's disco#items (XEP-0030 §4), gathered from the modules that have
 * some, e.g. the PEP nodes the asker may read (XEP-0163 §6.2). Items are only ever added.
 */
export const accountDiscoItems = filterHook<{ readonly request: IqRequest; readonly items: Element[] }>(
  'xmpp.disco.account-items',
);

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
      identities: readonly DiscoIdentity[],
      features: string[],
      extensions: Element[] = [],
      node?: string,
    ) =>
      el(
        'query',
        { xmlns: NS_DISCO_INFO, node },
        ...identities.map((identity) => el('identity', { ...identity })),
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
              [{ category: 'server', type: 'im', name: 'Herald' }, ...hub.discoIdentities('server')],
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
          // §4: the services on their own domains (XEP-0045 §6.1: conference.<domain>).
          return {
            result: el(
              'query',
              { xmlns: NS_DISCO_ITEMS },
              ...hub.serviceDomains().map((jid) => el('item', { jid })),
            ),
          };
        },
        ctx.module,
      ),
      // XEP-0030 §3.1 / RFC 6121: the account's bare JID answers for its owner (identity
      // account/registered), with the identities modules add (XEP-0163 §6.1: pubsub/pep).
      hub.iq(
        'account',
        'get',
        NS_DISCO_INFO,
        async ({ payload }) => {
          if (payload.attr('node')) return { error: 'item-not-found' };
          return {
            result: info(
              [{ category: 'account', type: 'registered' }, ...hub.discoIdentities('account')],
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
        async (request) => {
          if (request.payload.attr('node')) return { error: 'item-not-found' };
          const gathered = await hub.hooks.apply(accountDiscoItems, { request, items: [] });
          return { result: el('query', { xmlns: NS_DISCO_ITEMS }, ...(gathered?.items ?? [])) };
        },
        ctx.module,
      ),
    ];
    return () => {
      for (const off of offs) off();
    };
  },
});
