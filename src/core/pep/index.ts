export { accessRefusal, type PepAccessRule, type PepRelation, type PepRequester } from './pep-access.js';
export { type PepError, type PepErrorReason, type PepResult, refused, succeeded } from './pep-errors.js';
export type { LastPublished, PepEvent, PepItem, PepNotification } from './pep-events.js';
export {
  configWith,
  DEFAULT_NODE_CONFIG,
  DEFAULT_PEP_LIMITS,
  meetsPreconditions,
  type PepLimits,
  type PepNodeConfig,
  type PepNodeOptions,
} from './pep-node-config.js';
export type {
  ConfigureRequest,
  ItemsRequest,
  NodeRequest,
  PresenceRelations,
  PublishRequest,
  RetractRequest,
  SubscribeRequest,
  UnsubscribeRequest,
} from './pep-requests.js';
export { PepService, type PepServiceOptions } from './pep-service.js';
export type { PepSubscription } from './pep-subscriptions.js';
