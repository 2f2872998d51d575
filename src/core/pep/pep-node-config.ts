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
  /** pubsub#roster_groups_allowed (XEP-0060 §4.5 roster); read by the roster access model only. */
  readonly rosterGroupsAllowed: readonly string[];
}

/** Every input limit is an option with a safe default (STYLE habit 15). */
export interface PepLimits {
  /** UTF-8 bytes of one item's payload. */
  readonly maxItemBytes: number;
  readonly maxNodesPerUser: number;
  /** The largest pubsub#max_items a node may have ('max' means this). */
  readonly maxItemsPerNode: number;
  /** Entries of pubsub#roster_groups_allowed, each at most 1023 bytes (RFC 6121 roster group limit). */
  readonly maxRosterGroupsAllowed: number;
  /** Explicit subscriptions (XEP-0060 §6.1) one node keeps. */
  readonly maxSubscriptionsPerNode: number;
  /** Explicit subscriptions the whole service keeps in memory. */
  readonly maxSubscriptions: number;
}

export const DEFAULT_PEP_LIMITS: PepLimits = Object.freeze({
  maxItemBytes: 64 * 1024,
  maxNodesPerUser: 100,
  maxItemsPerNode: 100,
  maxRosterGroupsAllowed: 50,
  maxSubscriptionsPerNode: 100,
  maxSubscriptions: 10_000,
});

/**
 * XEP-0163 §5: the presence access model by default; §4.3.4: send_last_published_item
 * on_sub_and_presence; one item, as the single-value nodes of PEP (nick, avatar, mood) need.
 */
export const DEFAULT_NODE_CONFIG: PepNodeConfig = Object.freeze({
  accessModel: 'presence',
  maxItems: 1,
  sendLastItem: 'on_sub_and_presence',
  rosterGroupsAllowed: Object.freeze([]),
});

/**
 * What a client asks of a node's configuration, its values as given (unvalidated): the fields
 * pubsub#access_model, pubsub#max_items, pubsub#persist_items, pubsub#send_last_published_item
 * and pubsub#roster_groups_allowed.
 */
export interface PepNodeOptions {
  readonly accessModel?: string;
  /** 'max': the largest the service allows (XEP-0060 §16.4.4, used by XEP-0402). */
  readonly maxItems?: number | 'max';
  readonly persistItems?: boolean;
  readonly sendLastItem?: string;
  readonly rosterGroupsAllowed?: readonly string[];
}

const ACCESS_MODELS: ReadonlySet<string> = new Set<PepAccessModel>([
  'presence',
  'open',
  'roster',
  'whitelist',
]);
const GROUP_MAX_BYTES = 1023;

/** The groups, unique in the order given, or null if there are too many or one is empty or too long. */
function groupsOf(groups: readonly string[], limits: PepLimits): string[] | null {
  const unique = [...new Set(groups)];
  const valid = (group: string) => group.length > 0 && Buffer.byteLength(group, 'utf8') <= GROUP_MAX_BYTES;
  return unique.length <= limits.maxRosterGroupsAllowed && unique.every(valid) ? unique : null;
}

const sameGroups = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((group) => b.includes(group));
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
  const { accessModel, maxItems, persistItems, sendLastItem, rosterGroupsAllowed } = options;
  if (accessModel !== undefined && !ACCESS_MODELS.has(accessModel))
    return refused('unsupported-access-model', `the access model ${accessModel} is not offered here`);
  const items = maxItems === undefined ? base.maxItems : maxItemsOf(maxItems, limits);
  if (items === null)
    return refused('invalid-options', `max_items is between 1 and ${limits.maxItemsPerNode}, or max`);
  // Every item is persisted: XEP-0223 private storage relies on it.
  if (persistItems === false) return refused('invalid-options', 'items are always persisted here');
  if (sendLastItem !== undefined && !SEND_LAST.has(sendLastItem))
    return refused('invalid-options', `send_last_published_item ${sendLastItem} is not offered here`);
  const groups =
    rosterGroupsAllowed === undefined ? base.rosterGroupsAllowed : groupsOf(rosterGroupsAllowed, limits);
  if (groups === null)
    return refused(
      'invalid-options',
      `roster_groups_allowed names at most ${limits.maxRosterGroupsAllowed} groups`,
    );
  return succeeded({
    accessModel: (accessModel as PepAccessModel | undefined) ?? base.accessModel,
    maxItems: items,
    sendLastItem: (sendLastItem as PepSendLastItem | undefined) ?? base.sendLastItem,
    rosterGroupsAllowed: groups,
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
  const groups = options.rosterGroupsAllowed;
  if (groups !== undefined && !sameGroups([...new Set(groups)], config.rosterGroupsAllowed)) return false;
  return options.sendLastItem === undefined || options.sendLastItem === config.sendLastItem;
}
