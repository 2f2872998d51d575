/**
 * XEP-0163: Personal Eventing Protocol — https://xmpp.org/extensions/xep-0163.html — every
 * account a pubsub service (XEP-0060) at its bare JID: IQs to the core PepService, notifications
 * to the resources that asked by XEP-0115 caps, the last items to a resource that comes online.
 */
import { Type } from '@sinclair/typebox';
import type { BareJid } from '../../core/address/jid.js';
import type { PepNotification, PepService } from '../../core/pep/index.js';
import { blockServiceKey, pepServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { type Element, el, serialize } from '../../xml/index.js';
import { NS_DISCO_INFO } from '../namespaces.js';
import { type IqAnswer, initialPresenceSent, type XmppHub, xmppHubKey } from '../xmpp-hub.js';
import type { XmppSession } from '../xmpp-session.js';
import { accountDiscoItems } from './xep0030-disco.js';
import {
  configurationResult,
  failureAnswer,
  itemsResult,
  pepFailure,
  publishResult,
  subscriptionResult,
} from './xep0060-pubsub-replies.js';
import {
  NS_PUBSUB,
  NS_PUBSUB_OWNER,
  type PubsubRequest,
  parsePubsub,
  parsePubsubOwner,
} from './xep0060-pubsub-requests.js';
import { CapsResolver, type DiscoInfoQuery } from './xep0115-caps-resolver.js';
import { PepNotifier } from './xep0163-pep-notifier.js';

/** XEP-0163 §6.1: what the account's disco#info lists (the XEP-0060 §10 features it supports). */
export const PEP_FEATURES = [
  'access-open',
  'access-presence',
  'access-roster',
  'access-whitelist',
  'auto-create',
  'auto-subscribe',
  'config-node',
  'create-and-configure',
  'create-nodes',
  'delete-items',
  'delete-nodes',
  'filtered-notifications',
  'item-ids',
  'last-published',
  'persistent-items',
  'presence-notifications',
  'publish',
  'publish-options',
  'retract-items',
  'retrieve-items',
  'subscribe',
].map((feature) => `${NS_PUBSUB}#${feature}`);

type Run = (request: PubsubRequest, session: XmppSession, owner: BareJid) => Promise<IqAnswer>;

/** Carries out a parsed request; `announce` sends the notification a change brings, in the background. */
function runner(pep: PepService, announce: (notification: PepNotification) => void): Run {
  return async (request, session, owner) => {
    const actor = session.jid;
    const base = { owner, actor, node: request.node };
    switch (request.kind) {
      case 'publish': {
        const payload = serialize(request.payload);
        const options = request.options;
        const result = await pep.publish({
          ...base,
          payload,
          ...(request.itemId && { itemId: request.itemId }),
          ...(options && { options }),
        });
        if (!result.ok) return failureAnswer(pepFailure(result.error));
        announce(result.value.notification);
        return { result: publishResult(request.node, result.value.itemId) };
      }
      case 'retract': {
        const result = await pep.retract({ ...base, itemId: request.itemId, notify: request.notify });
        if (!result.ok) return failureAnswer(pepFailure(result.error));
        if (result.value.notification) announce(result.value.notification);
        return { result: null };
      }
      case 'items': {
        const { itemIds, maxItems } = request;
        const result = await pep.items({
          ...base,
          ...(itemIds && { itemIds }),
          ...(maxItems && { maxItems }),
        });
        return result.ok
          ? { result: itemsResult(request.node, result.value) }
          : failureAnswer(pepFailure(result.error));
      }
      case 'create': {
        const result = await pep.createNode({
          ...base,
          ...(request.options && { options: request.options }),
        });
        return result.ok ? { result: null } : failureAnswer(pepFailure(result.error));
      }
      case 'configuration': {
        const result = await pep.configuration(base);
        return result.ok
          ? { result: configurationResult(request.node, result.value) }
          : failureAnswer(pepFailure(result.error));
      }
      case 'configure': {
        // §8.2.4: a cancelled form changes nothing, but the owner must still own the node.
        const result = request.options
          ? await pep.configure({ ...base, options: request.options })
          : await pep.configuration(base);
        return result.ok ? { result: null } : failureAnswer(pepFailure(result.error));
      }
      case 'delete': {
        const result = await pep.deleteNode(base);
        if (!result.ok) return failureAnswer(pepFailure(result.error));
        announce(result.value.notification);
        return { result: null };
      }
      case 'subscribe': {
        const result = await pep.subscribe({ ...base, jid: request.jid });
        if (!result.ok) return failureAnswer(pepFailure(result.error));
        const { jid, subid } = result.value;
        return { result: subscriptionResult(request.node, jid, subid) }; // §6.1.2
      }
      case 'unsubscribe': {
        const { jid, subid } = request;
        const result = await pep.unsubscribe({ ...base, jid, ...(subid !== undefined && { subid }) });
        return result.ok ? { result: null } : failureAnswer(pepFailure(result.error)); // §6.2.2
      }
      default: {
        const never: never = request;
        throw new Error(`unknown pubsub request ${JSON.stringify(never)}`);
      }
    }
  };
}

/**
 * XEP-0115 §6.3: asks a client what its caps ver stands for, by disco#info to node#ver (XEP-0030
 * §3.1 node); an error, a missing `<query/>` or no answer in time is null.
 */
export function discoInfoQuery(hub: XmppHub, timeoutMs: number): DiscoInfoQuery {
  return async (to, node) => {
    const request = el('iq', { type: 'get' }, el('query', { xmlns: NS_DISCO_INFO, node }));
    const answer: Element | null = await hub.request(to, request, timeoutMs).catch(() => null);
    if (answer?.attr('type') !== 'result') return null;
    return answer.getChild('query', NS_DISCO_INFO) ?? null;
  };
}

export const pepModule = defineModule({
  name: 'xmpp-pep',
  description: 'Personal eventing: a pubsub service at every account, notifications filtered by caps',
  requires: ['xmpp-core', 'xmpp-presence'],
  specs: ['XEP-0163', 'XEP-0060', 'XEP-0115', 'XEP-0223'],
  options: Type.Object({
    /** Caps vers whose features are remembered (and failed answers, as many). */
    capsCacheSize: Type.Integer({ default: 1000, minimum: 1, maximum: 100_000 }),
    /** How long a client has to say what its caps ver stands for (XEP-0115 §6.3). */
    capsQueryTimeoutMs: Type.Integer({ default: 5000, minimum: 100, maximum: 60_000 }),
  }),
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const pep = ctx.use(pepServiceKey);
    // §4.2 filtered notifications: the server asks each new ver once, so +notify is exact; a
    // client that does not answer stays 'unknown' and is told (notificationTargets).
    const resolver = new CapsResolver({
      query: discoInfoQuery(hub, ctx.options.capsQueryTimeoutMs),
      cacheSize: ctx.options.capsCacheSize,
    });
    const notifier = new PepNotifier({ hub, resolver, blocks: ctx.use(blockServiceKey), ids: ctx.ids });
    const run = runner(pep, (notification) => {
      notifier
        .announce(notification)
        .catch((error: unknown) =>
          ctx.log.error({ err: error, node: notification.node }, 'PEP notification failed'),
        );
    });
    for (const feature of [NS_PUBSUB, ...PEP_FEATURES]) hub.discoFeature('account', feature);

    const on = (namespace: string, type: 'get' | 'set', parse: typeof parsePubsub) =>
      hub.iq(
        'account',
        type,
        namespace,
        async ({ payload, session, owner }) => {
          const parsed = parse(payload, type);
          return parsed.ok ? run(parsed.request, session, owner) : failureAnswer(parsed.failure);
        },
        ctx.module,
      );
    const offs = [
      hub.discoIdentity('account', { category: 'pubsub', type: 'pep' }), // XEP-0163 §6.1
      // §6.2: the account's items are the nodes the asker may read, one <item/> per node.
      hub.hooks.filter(accountDiscoItems, async (gathered) => {
        const { owner, session } = gathered.request;
        const nodes = await pep.readableNodes(owner, session.jid);
        if (!nodes.ok) return gathered;
        const items = nodes.value.map((node) => el('item', { jid: owner, node }));
        return { ...gathered, items: [...gathered.items, ...items] };
      }),
      on(NS_PUBSUB, 'get', parsePubsub),
      on(NS_PUBSUB, 'set', parsePubsub),
      on(NS_PUBSUB_OWNER, 'get', parsePubsubOwner),
      on(NS_PUBSUB_OWNER, 'set', parsePubsubOwner),
      // §4.3.3 rule 2, §4.3.4: a newly available resource gets the last item of each node it may read.
      hub.hooks.on(initialPresenceSent, async (session) => {
        for (const last of await pep.lastPublished(session.jid)) await notifier.sendLast(session, last);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  },
});
