export { BlockMatcher } from './block-matcher.js';
export { BlockService, type BlockServiceOptions, DEFAULT_MAX_BLOCK_ITEMS } from './block-service.js';
export type {
  BlockEffect,
  BlockPush,
  DeliverSubscription,
  PresenceEffect,
  PresenceProbe,
  RosterEffect,
  RosterItem,
  RosterPush,
  SendPresence,
  SendUnavailable,
  UnblockPush,
} from './roster-effects.js';
export {
  type EffectOrigin,
  type RosterEffectsListener,
  RosterEffectsRelay,
} from './roster-effects-relay.js';
export { isRosterError, RosterError, type RosterErrorReason } from './roster-errors.js';
export { GROUP_MAX_BYTES, MAX_GROUPS, NAME_MAX_BYTES } from './roster-items.js';
export {
  type BlockChecker,
  DEFAULT_MAX_ROSTER_ITEMS,
  type ReachableContacts,
  type RosterItemInput,
  RosterService,
  type RosterServiceOptions,
} from './roster-service.js';
export {
  applyInbound,
  applyOutbound,
  type DefinedState,
  definedState,
  type InboundOutcome,
  NO_RECORD,
  type OutboundOutcome,
  type PresenceFollowUp,
  SUBSCRIPTION_TYPES,
  type SubscriptionState,
  type SubscriptionType,
} from './subscription-states.js';
