export { type ChatMessage, MESSAGE_TYPES, type MessageType } from './chat-message.js';
export {
  type DeliveryInput,
  type DeliveryPlan,
  type DeliveryRule,
  type ForkPolicy,
  planDelivery,
} from './delivery-plan.js';
export {
  type Endpoint,
  type EndpointProtocol,
  PRIORITY_MAX,
  PRIORITY_MIN,
  receivesBareMessages,
  type XmppEndpointInput,
  xmppEndpoint,
} from './endpoint.js';
export {
  DEFAULT_OFFLINE_QUOTA,
  type MessageDriver,
  MessageService,
  type MessageServiceOptions,
  type SendResult,
} from './message-service.js';
export {
  DEFAULT_LOCK_IDLE_MS,
  DEFAULT_MAX_LOCKS,
  isLockFresh,
  ResourceLocks,
  type ResourceLocksOptions,
} from './resource-locks.js';
export type { SessionChange, SessionListener, SessionRegistry } from './session-registry.js';
