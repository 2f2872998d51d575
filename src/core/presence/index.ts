export { type Activity, type Availability, type ComposedPresence, compose, isLive } from './compose.js';
export {
  nextBoundary,
  type PresenceChangedListener,
  PresenceEngine,
  samePresence,
} from './presence-engine.js';
export {
  decideWatch,
  PresenceService,
  presenceSeenBy,
  type WatchDecision,
  type WatchFacts,
} from './presence-service.js';
export type {
  ClientAvailability,
  LineState,
  ManualAvailability,
  PresenceSource,
  PresenceSourceKind,
} from './presence-source.js';
