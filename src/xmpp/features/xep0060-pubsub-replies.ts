/**
 * XEP-0060: Publish-Subscribe — https://xmpp.org/extensions/xep-0060.html — what a PEP service
 * answers: results (§6.5.2, §7.1.2, §8.2.2), errors with their pubsub#errors conditions, and the
 * `<event/>` of a notification (§7.1.2.1, §7.2.2.1, §8.4.2).
 */
import type { PepError, PepErrorReason, PepEvent, PepItem, PepNodeConfig } from '../../core/pep/index.js';
import { type Element, el, parseXml } from '../../xml/index.js';
import type { IqAnswer } from '../xmpp-hub.js';
import { dataForm } from './xep0004-data-forms.js';
import {
  FORM_NODE_CONFIG,
  NS_PUBSUB,
  NS_PUBSUB_ERRORS,
  NS_PUBSUB_EVENT,
  NS_PUBSUB_OWNER,
  type PubsubFailure,
} from './xep0060-pubsub-requests.js';

/** The XMPP error of each refusal of the core PEP service (pep-errors.ts). */
const FAILURES: Readonly<Record<PepErrorReason, Omit<PubsubFailure, 'text'>>> = {
  'no-such-user': { condition: 'service-unavailable' }, // RFC 6121 §8.5.1
  'node-not-found': { condition: 'item-not-found' },
  'item-not-found': { condition: 'item-not-found' },
  'not-owner': { condition: 'forbidden' },
  'presence-subscription-required': { condition: 'not-authorized', pubsub: 'presence-subscription-required' },
  'not-in-roster-group': { condition: 'not-authorized', pubsub: 'not-in-roster-group' }, // §6.5.9.7
  'closed-node': { condition: 'not-allowed', pubsub: 'closed-node' },
  blocked: { condition: 'forbidden' },
  'node-exists': { condition: 'conflict' },
  'precondition-not-met': { condition: 'conflict', pubsub: 'precondition-not-met' },
  'unsupported-access-model': { condition: 'not-acceptable', pubsub: 'unsupported-access-model' },
  'invalid-options': { condition: 'not-acceptable' },
  'payload-too-big': { condition: 'not-acceptable', pubsub: 'payload-too-big' },
  'too-many-nodes': { condition: 'policy-violation' },
  'invalid-node': { condition: 'bad-request', pubsub: 'nodeid-required' },
  'invalid-item-id': { condition: 'bad-request', pubsub: 'item-required' },
  'invalid-jid': { condition: 'bad-request', pubsub: 'invalid-jid' }, // §6.1.3.1
  'not-subscribed': { condition: 'unexpected-request', pubsub: 'not-subscribed' }, // §6.2.3.2
  'invalid-subid': { condition: 'not-acceptable', pubsub: 'invalid-subid' }, // §6.2.3.5
  'too-many-subscriptions': { condition: 'policy-violation' },
};

export function pepFailure(error: PepError): PubsubFailure {
  return { ...FAILURES[error.reason], text: error.text };
}

export function failureAnswer(failure: PubsubFailure): IqAnswer {
  const application = failure.pubsub
    ? el(failure.pubsub, { xmlns: NS_PUBSUB_ERRORS, feature: failure.feature })
    : undefined;
  return {
    error: failure.condition,
    ...(failure.text !== undefined && { text: failure.text }),
    ...(application && { application }),
  };
}

/** A stored payload back as an element; null if it is not one well-formed element (never stored so). */
export function payloadElement(text: string): Element | null {
  const parsed = parseXml(text);
  return 'name' in parsed ? parsed : null;
}

function itemElement(item: PepItem): Element {
  return el('item', { id: item.id }, payloadElement(item.payload));
}

/** §7.1.2: the result names the ItemID, which the publisher may not have chosen. */
export function publishResult(node: string, itemId: string): Element {
  return el('pubsub', { xmlns: NS_PUBSUB }, el('publish', { node }, el('item', { id: itemId })));
}

/** §6.1.2: the subscription made, with the SubID the service chose. */
export function subscriptionResult(node: string, jid: string, subid: string): Element {
  return el(
    'pubsub',
    { xmlns: NS_PUBSUB },
    el('subscription', { node, jid, subid, subscription: 'subscribed' }),
  );
}

/** §6.5.2 / §6.5.7: the items, in the order given. */
export function itemsResult(node: string, items: readonly PepItem[]): Element {
  return el('pubsub', { xmlns: NS_PUBSUB }, el('items', { node }, ...items.map(itemElement)));
}

/** §8.2.2: the configuration form, the node's values as its defaults. */
export function configurationResult(node: string, config: PepNodeConfig): Element {
  const form = dataForm('form', FORM_NODE_CONFIG, [
    {
      var: 'pubsub#access_model',
      type: 'list-single',
      label: 'Who may see the items',
      options: ['open', 'presence', 'roster', 'whitelist'],
      values: [config.accessModel],
    },
    {
      var: 'pubsub#max_items',
      type: 'text-single',
      label: 'How many items to keep',
      values: [String(config.maxItems)],
    },
    {
      var: 'pubsub#roster_groups_allowed',
      type: 'list-multi',
      label: 'Roster groups allowed to see the items',
      values: config.rosterGroupsAllowed,
    },
    { var: 'pubsub#persist_items', type: 'boolean', label: 'Keep items', values: ['true'] },
    {
      var: 'pubsub#send_last_published_item',
      type: 'list-single',
      label: 'When to send the last item',
      options: ['never', 'on_sub_and_presence'],
      values: [config.sendLastItem],
    },
  ]);
  return el('pubsub', { xmlns: NS_PUBSUB_OWNER }, el('configure', { node }, form));
}

/** The `<event/>` that tells of `event` on `node`. */
export function eventElement(node: string, event: PepEvent): Element {
  switch (event.kind) {
    case 'published':
      return el('event', { xmlns: NS_PUBSUB_EVENT }, el('items', { node }, itemElement(event.item)));
    case 'retracted':
      return el(
        'event',
        { xmlns: NS_PUBSUB_EVENT },
        el('items', { node }, el('retract', { id: event.itemId })),
      );
    case 'deleted':
      return el('event', { xmlns: NS_PUBSUB_EVENT }, el('delete', { node }));
    default: {
      const never: never = event;
      throw new Error(`unknown PEP event ${JSON.stringify(never)}`);
    }
  }
}
