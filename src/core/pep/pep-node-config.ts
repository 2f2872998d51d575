/**
 * Node configuration of the PEP service: the smart defaults of XEP-0163 §5 and the rules of
 * XEP-0060 §7.1.5 (publish-options as preconditions) and §8.2 (configure a node), as pure
 * functions — https://xmpp.org/extensions/xep-0060.html#publisher-publish-options
 */
import type { PepAccessModel, PepSendLastItem } from '../ports.js';
import { type PepResult, refused, succeeded } from './pep-errors.js';

export interface PepNodeConfig {
  readonly accessModel: PepAccessModel;
  readonly maxItems: number;
  readonly sendLastItem: PepSendLastItem;
}

/** Every input limit is an option with a safe default (STYLE habit 15). */
export interface PepLimits {
  /** UTF-8 bytes of one item's payload. */
  readonly maxItemBytes: number;
  readonly maxNodesPerUser: number;
  /** The largest pubsub#max_items a node may have ('max' means this). */
  readonly maxItemsPerNode: number;
}

export const DEFAULT_PEP_LIMITS: PepLimits = Object.freeze({
  maxItemBytes: 64 * 1024,
  maxNodesPerUser: 100,
  maxItemsPerNode: 100,
});

/**
 * XEP-0163 §5: the presence access model by default; §4.3.4: send_last_published_item
 * on_sub_and_presence; one item, as the single-value nodes of PEP (nick, avatar, mood) need.
 */
export const DEFAULT_NODE_CONFIG: PepNodeConfig = Object.freeze({
  accessModel: 'presence',
  maxItems: 1,
  sendLastItem: 'on_sub_and_presence',
});

/**
 * What a client asks of a node's configuration, its values as given (unvalidated): the fields
 * pubsub#access_model, pubsub#max_items, pubsub#persist_items and pubsub#send_last_published_item.
 */
export interface PepNodeOptions {
  readonly accessModel?: string;
  /** 'max': the largest the service allows (XEP-0060 §16.4.4, used by XEP-0402). */
  readonly maxItems?: number | 'max';
  readonly persistItems?: boolean;
  readonly sendLastItem?: string;
}

const ACCESS_MODELS: ReadonlySet<string> = new Set<PepAccessModel>(['presence', 'open', 'whitelist']);
const SEND_LAST: ReadonlySet<string> = new Set<PepSendLastItem>(['never', 'on_sub_and_presence']);

function maxItemsOf(value: number | 'max', limits: PepLimits): number | null {
  const n = value === 'max' ? limits.maxItemsPerNode : value;
  return Number.isSafeInteger(n) && n >= 1 && n <= limits.maxItemsPerNode ? n : null;
}

/** `base` with `options` applied, or why the service cannot configure a node so. */
export function configWith(
  base: PepNodeConfig,
  options: PepNodeOptions,
  limits: PepLimits,
): PepResult<PepNodeConfig> {
  const { accessModel, maxItems, persistItems, sendLastItem } = options;
  if (accessModel !== undefined && !ACCESS_MODELS.has(accessModel))
    return refused('unsupported-access-model', `the access model ${accessModel} is not offered here`);
  const items = maxItems === undefined ? base.maxItems : maxItemsOf(maxItems, limits);
  if (items === null)
    return refused('invalid-options', `max_items is between 1 and ${limits.maxItemsPerNode}, or max`);
  // Every item is persisted: XEP-0223 private storage relies on it.
  if (persistItems === false) return refused('invalid-options', 'items are always persisted here');
  if (sendLastItem !== undefined && !SEND_LAST.has(sendLastItem))
    return refused('invalid-options', `send_last_published_item ${sendLastItem} is not offered here`);
  return succeeded({
    accessModel: (accessModel as PepAccessModel | undefined) ?? base.accessModel,
    maxItems: items,
    sendLastItem: (sendLastItem as PepSendLastItem | undefined) ?? base.sendLastItem,
  });
}

/** XEP-0060 §7.1.5: whether an existing node's configuration is what the publish options ask. */
export function meetsPreconditions(
  config: PepNodeConfig,
  options: PepNodeOptions,
  limits: PepLimits,
): boolean {
  if (options.accessModel !== undefined && options.accessModel !== config.accessModel) return false;
  if (options.maxItems !== undefined && maxItemsOf(options.maxItems, limits) !== config.maxItems)
    return false;
  if (options.persistItems === false) return false;
  return options.sendLastItem === undefined || options.sendLastItem === config.sendLastItem;
}
