/**
 * XEP-0060: Publish-Subscribe — https://xmpp.org/extensions/xep-0060.html — the requests a PEP
 * service takes, read from the `<pubsub/>` payload of an IQ into typed values, or the error the
 * request earns (parse at the edge, STYLE habit 5).
 */
import type { PepNodeOptions } from '../../core/pep/index.js';
import type { Element } from '../../xml/index.js';
import type { StanzaErrorCondition } from '../wire/index.js';
import {
  type DataForm,
  fieldValue,
  formTypeOf,
  NS_DATA_FORMS,
  parseDataForm,
  parseFormBoolean,
} from './xep0004-data-forms.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_OWNER = 'http://jabber.org/protocol/pubsub#owner';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
export const NS_PUBSUB_ERRORS = 'http://jabber.org/protocol/pubsub#errors';
export const FORM_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';
export const FORM_NODE_CONFIG = 'http://jabber.org/protocol/pubsub#node_config';

export type PubsubRequest =
  | {
      readonly kind: 'publish';
      readonly node: string;
      readonly itemId: string | undefined;
      readonly payload: Element;
      readonly options: PepNodeOptions | undefined;
    }
  | { readonly kind: 'retract'; readonly node: string; readonly itemId: string; readonly notify: boolean }
  | {
      readonly kind: 'items';
      readonly node: string;
      readonly itemIds: readonly string[] | undefined;
      readonly maxItems: number | undefined;
    }
  | { readonly kind: 'create'; readonly node: string; readonly options: PepNodeOptions | undefined }
  | { readonly kind: 'configuration'; readonly node: string }
  /** §8.2.4: `options` null when the owner cancelled the form. */
  | { readonly kind: 'configure'; readonly node: string; readonly options: PepNodeOptions | null }
  | { readonly kind: 'delete'; readonly node: string }
  /** §6.1.1: `jid` as given; the service checks that it is the requester's own (§6.1.3.1). */
  | { readonly kind: 'subscribe'; readonly node: string; readonly jid: string }
  /** §6.2.1: `subid` only when the requester named one. */
  | {
      readonly kind: 'unsubscribe';
      readonly node: string;
      readonly jid: string;
      readonly subid: string | undefined;
    };

/** An error answer: a stanza condition, optionally with a pubsub#errors condition (§7.1.3 …). */
export interface PubsubFailure {
  readonly condition: StanzaErrorCondition;
  readonly pubsub?: string;
  /** For <unsupported/>: the feature (§7.1.3.2 …). */
  readonly feature?: string;
  readonly text?: string;
}

export type Parsed =
  | { readonly ok: true; readonly request: PubsubRequest }
  | { readonly ok: false; readonly failure: PubsubFailure };

const fail = (condition: StanzaErrorCondition, pubsub?: string, text?: string): Parsed => ({
  ok: false,
  failure: { condition, ...(pubsub && { pubsub }), ...(text && { text }) },
});
const unsupported = (feature: string): Parsed => ({
  ok: false,
  failure: { condition: 'feature-not-implemented', pubsub: 'unsupported', feature },
});
const parsed = (request: PubsubRequest): Parsed => ({ ok: true, request });

/** The pubsub features of the actions not offered here, by element name (§5, §6, §8). */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  options: 'subscription-options',
  subscriptions: 'retrieve-subscriptions',
  affiliations: 'retrieve-affiliations',
  default: 'retrieve-default',
  purge: 'purge-nodes',
};

/** The node options a form gives (pubsub#… fields, §16.4.4); fields this service ignores are left out. */
export function nodeOptionsOf(form: DataForm): PepNodeOptions | string {
  const accessModel = fieldValue(form, 'pubsub#access_model');
  const maxItems = fieldValue(form, 'pubsub#max_items');
  const persist = fieldValue(form, 'pubsub#persist_items');
  const sendLastItem = fieldValue(form, 'pubsub#send_last_published_item');
  // §16.4.4: roster_groups_allowed is list-multi — every <value/> is a group; none clears the list.
  const groups = form.fields.find((field) => field.var === 'pubsub#roster_groups_allowed')?.values;
  if (maxItems !== undefined && maxItems !== 'max' && !/^\d{1,9}$/.test(maxItems))
    return 'pubsub#max_items is a number or max';
  const persistItems = persist === undefined ? undefined : parseFormBoolean(persist);
  if (persistItems === null) return 'pubsub#persist_items is a boolean';
  return {
    ...(accessModel !== undefined && { accessModel }),
    ...(maxItems !== undefined && { maxItems: maxItems === 'max' ? 'max' : Number(maxItems) }),
    ...(persistItems !== undefined && { persistItems }),
    ...(sendLastItem !== undefined && { sendLastItem }),
    ...(groups !== undefined && { rosterGroupsAllowed: groups }),
  };
}

/** The options of the form inside `wrapper` (publish-options or configure), checked for its FORM_TYPE. */
function optionsIn(wrapper: Element | undefined, formType: string): PepNodeOptions | undefined | Parsed {
  const x = wrapper?.getChild('x', NS_DATA_FORMS);
  if (!x) return undefined;
  const form = parseDataForm(x);
  if (form.type !== 'submit' || formTypeOf(form) !== formType)
    return fail('bad-request', undefined, `a submitted form of type ${formType}`);
  const options = nodeOptionsOf(form);
  return typeof options === 'string' ? fail('bad-request', undefined, options) : options;
}

const isFailure = (value: PepNodeOptions | undefined | Parsed): value is Parsed =>
  value !== undefined && 'ok' in value;

function publish(action: Element, pubsub: Element): Parsed {
  const node = action.attr('node');
  if (!node) return fail('bad-request', 'nodeid-required');
  const items = action.getChildren('item', NS_PUBSUB);
  const item = items[0];
  if (!item) return fail('bad-request', 'item-required'); // §7.1.3.6: persistent nodes need an item
  if (items.length > 1) return fail('bad-request', 'invalid-payload', 'publish one item at a time');
  const payloads = item.elements();
  const payload = payloads[0];
  if (!payload) return fail('bad-request', 'payload-required'); // §7.1.3.6
  if (payloads.length > 1) return fail('bad-request', 'invalid-payload'); // §7.1.3.5
  const options = optionsIn(pubsub.getChild('publish-options', NS_PUBSUB), FORM_PUBLISH_OPTIONS);
  if (isFailure(options)) return options;
  return parsed({ kind: 'publish', node, itemId: item.attr('id') || undefined, payload, options });
}

function retract(action: Element): Parsed {
  const node = action.attr('node');
  if (!node) return fail('bad-request', 'nodeid-required'); // §7.2.3.3
  const itemId = action.getChild('item', NS_PUBSUB)?.attr('id');
  if (!itemId) return fail('bad-request', 'item-required'); // §7.2.3.4
  const notify = action.attr('notify');
  return parsed({ kind: 'retract', node, itemId, notify: notify === 'true' || notify === '1' });
}

function items(action: Element): Parsed {
  const node = action.attr('node');
  if (!node) return fail('bad-request', 'nodeid-required'); // the account's root collection has no items
  const max = action.attr('max_items');
  if (max !== undefined && !/^[1-9]\d{0,8}$/.test(max))
    return fail('bad-request', undefined, 'max_items is a positive integer');
  const ids = action.getChildren('item', NS_PUBSUB).map((item) => item.attr('id'));
  if (ids.some((id) => !id)) return fail('bad-request', 'item-required');
  return parsed({
    kind: 'items',
    node,
    itemIds: ids.length > 0 ? (ids as string[]) : undefined,
    maxItems: max === undefined ? undefined : Number(max),
  });
}

function create(action: Element, pubsub: Element): Parsed {
  const node = action.attr('node');
  if (!node) return fail('not-acceptable', 'nodeid-required'); // §8.1.1: no instant nodes
  const options = optionsIn(pubsub.getChild('configure', NS_PUBSUB), FORM_NODE_CONFIG);
  if (isFailure(options)) return options;
  return parsed({ kind: 'create', node, options });
}

/** §6.1.1 `<subscribe node jid/>` and §6.2.1 `<unsubscribe node jid subid?/>`: both attributes are REQUIRED. */
function subscription(action: Element, kind: 'subscribe' | 'unsubscribe'): Parsed {
  const node = action.attr('node');
  if (!node) return fail('bad-request', 'nodeid-required'); // PEP has no root-collection subscriptions
  const jid = action.attr('jid');
  if (!jid) return fail('bad-request', 'jid-required');
  if (kind === 'subscribe') return parsed({ kind, node, jid });
  return parsed({ kind, node, jid, subid: action.attr('subid') || undefined });
}

/** A `<pubsub xmlns='…/pubsub'/>` payload of an IQ get or set. */
export function parsePubsub(pubsub: Element, type: 'get' | 'set'): Parsed {
  const actions = pubsub
    .elements()
    .filter((child) => !child.is('publish-options', NS_PUBSUB) && !child.is('configure', NS_PUBSUB));
  const action = actions[0];
  if (!action || actions.length > 1 || action.xmlns !== NS_PUBSUB)
    return fail('bad-request', undefined, 'one pubsub action');
  const feature = UNSUPPORTED[action.localName];
  if (feature) return unsupported(feature);
  if (type === 'get') return action.localName === 'items' ? items(action) : fail('bad-request');
  switch (action.localName) {
    case 'publish':
      return publish(action, pubsub);
    case 'retract':
      return retract(action);
    case 'create':
      return create(action, pubsub);
    case 'subscribe':
    case 'unsubscribe':
      return subscription(action, action.localName);
    default:
      return fail('bad-request');
  }
}

/** A `<pubsub xmlns='…/pubsub#owner'/>` payload (§8): configure and delete. */
export function parsePubsubOwner(pubsub: Element, type: 'get' | 'set'): Parsed {
  const [action, ...more] = pubsub.elements();
  if (!action || more.length > 0 || action.xmlns !== NS_PUBSUB_OWNER)
    return fail('bad-request', undefined, 'one owner action');
  const feature = UNSUPPORTED[action.localName];
  if (feature) return unsupported(feature === 'retrieve-subscriptions' ? 'manage-subscriptions' : feature);
  const node = action.attr('node');
  if (action.localName === 'configure') {
    if (!node) return fail('bad-request', 'nodeid-required'); // §8.2.3.3
    if (type === 'get') return parsed({ kind: 'configuration', node });
    const x = action.getChild('x', NS_DATA_FORMS);
    if (x?.attr('type') === 'cancel') return parsed({ kind: 'configure', node, options: null }); // §8.2.4
    const options = optionsIn(action, FORM_NODE_CONFIG);
    if (isFailure(options)) return options;
    if (!options) return fail('bad-request', undefined, 'submit a configuration form');
    return parsed({ kind: 'configure', node, options });
  }
  if (action.localName === 'delete' && type === 'set') {
    if (!node) return fail('bad-request', 'nodeid-required');
    return parsed({ kind: 'delete', node });
  }
  return fail('bad-request');
}
