/**
 * XEP-0054: vcard-temp — https://xmpp.org/extensions/xep-0054.html — one vCard per account,
 * kept as the account's PEP node "vcard-temp" (open access model, one item): the core PEP
 * service then owns its storage, its size limit and who may read it, with no store of its own.
 */
import { pepServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { el, serialize } from '../../xml/index.js';
import { NS_VCARD } from '../namespaces.js';
import { xmppHubKey } from '../xmpp-hub.js';
import { payloadElement } from './xep0060-pubsub-replies.js';

/** The PEP node that holds the vCard, and its one item (XEP-0060 "Singleton Nodes": ItemID current). */
export const VCARD_NODE = 'vcard-temp';
const VCARD_ITEM = 'current';

export const vcardModule = defineModule({
  name: 'xmpp-vcard',
  description: "vcard-temp: each account's vCard, readable by anyone",
  requires: ['xmpp-core'],
  specs: ['XEP-0054'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const pep = ctx.use(pepServiceKey);
    hub.discoFeature('server', NS_VCARD); // §4: the server answers for its accounts

    const offGet = hub.iq(
      'account',
      'get',
      NS_VCARD,
      async ({ payload, session, owner }) => {
        if (payload.localName !== 'vCard') return { error: 'bad-request' };
        const isOwn = owner === session.bare;
        const read = await pep.items({ owner, actor: session.jid, node: VCARD_NODE, maxItems: 1 });
        if (!read.ok) {
          switch (read.error.reason) {
            case 'no-such-user':
              return { error: 'service-unavailable' }; // §3.3
            case 'node-not-found':
              break;
            case 'presence-subscription-required':
            case 'closed-node':
            case 'blocked':
              return { error: 'forbidden', text: read.error.text }; // the owner made it private
            default:
              return { error: 'internal-server-error' };
          }
        }
        const stored = read.ok ? read.value[0] : undefined;
        const vcard = stored ? payloadElement(stored.payload) : null;
        if (vcard?.is('vCard', NS_VCARD)) return { result: vcard };
        // §3.1: one's own missing vCard may be an empty one; §3.3: another's is an error.
        return isOwn ? { result: el('vCard', { xmlns: NS_VCARD }) } : { error: 'item-not-found' };
      },
      ctx.module,
    );

    const offSet = hub.iq(
      'account',
      'set',
      NS_VCARD,
      async ({ payload, session, owner }) => {
        if (owner !== session.bare) return { error: 'forbidden' }; // §3.2: only one's own vCard
        if (!payload.is('vCard', NS_VCARD)) return { error: 'bad-request' };
        const published = await pep.publish({
          owner,
          actor: session.jid,
          node: VCARD_NODE,
          itemId: VCARD_ITEM,
          payload: serialize(payload),
          // §5 "Security Considerations": vCards are world-readable.
          createWith: { accessModel: 'open', maxItems: 1 },
        });
        if (published.ok) return { result: null };
        switch (published.error.reason) {
          case 'payload-too-big':
            return { error: 'not-acceptable', text: published.error.text };
          case 'too-many-nodes':
            return { error: 'policy-violation', text: published.error.text };
          default:
            return { error: 'internal-server-error' };
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
