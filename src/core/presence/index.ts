export { type Activity, type Availability, type ComposedPresence, compose, isLive } from './compose.js';
export {
  nextBoundary,
  type PresenceChangedListener,
  PresenceEngine,
  samePresence,
} from './presence-engine.js';
export type {
  ClientAvailability,
  LineState,
  ManualAvailability,
  PresenceSource,
  PresenceSourceKind,
} from './presence-source.js';
