/** Calls (SPEC C1, C2): call legs and line state, protocol-neutral. */
export {
  type CallLeg,
  type CallLegListener,
  type CallLegState,
  CallRegistry,
  MAX_LEGS_PER_USER,
} from './call-registry.js';
export { DialPlan, isDirectoryNumber, type ResolvedLine, searchPartitions } from './dial-plan.js';
export { feedLinePresence, type LineStateSink } from './line-presence.js';
export { lineSourceId, lineStateOf, lineStates } from './line-state.js';
