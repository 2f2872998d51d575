export {
  type EventPackage,
  EventServer,
  type PackageDecision,
  type Subscription,
} from './event-server.js';
export { PresencePackage, presenceDocument } from './rfc3856-presence-package.js';
export { availabilityOf, PublishHandler } from './rfc3903-publish.js';
export { DIALOG_EVENT, DialogPackage, dialogEntry } from './rfc4235-dialog-package.js';
export * from './rfc6665-subscription.js';
export { sipEventServerKey, sipEventsModule } from './sip-events-module.js';
export { WatchAuthorization } from './watch-authorization.js';
