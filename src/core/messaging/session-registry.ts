/**
 * The SessionRegistry port: which endpoints are live, per user (DESIGN.md "Who owns which
 * state"). It is declared in core/ports.ts, because its adapters in infra/session may import
 * nothing else of core; this module is where the messaging code names it.
 */
export type { Endpoint, SessionChange, SessionListener, SessionRegistry } from '../ports.js';
