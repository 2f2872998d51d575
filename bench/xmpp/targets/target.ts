/**
 * A server under test: how it is provisioned, started pinned to its core, sampled and stopped.
 * Herald and the two anchors (Prosody 0.12, ejabberd 23.01 from Debian) implement it.
 */

export type TargetName = 'herald' | 'prosody' | 'ejabberd';

export const TARGET_NAMES: readonly TargetName[] = ['herald', 'prosody', 'ejabberd'];

/** Users `user<k>` with ring rosters: user k has the R/2 users before and after it (mod count). */
export interface RosterRing {
  /** First user is `user<offset + 1>`. */
  readonly offset: number;
  readonly count: number;
  /** R, even. */
  readonly contacts: number;
}

export interface Provisioning {
  /** Users user1 … user<users>, password BENCH_PASSWORD. */
  readonly users: number;
  /** Also users user<offset+1> … user<offset+count>, with their rosters. */
  readonly ring: RosterRing | null;
}

/** Every user number `need` asks for, ascending. */
export function userNumbers(need: Provisioning): number[] {
  const numbers = new Set<number>();
  for (let k = 1; k <= need.users; k++) numbers.add(k);
  if (need.ring) for (let k = 1; k <= need.ring.count; k++) numbers.add(need.ring.offset + k);
  return [...numbers].sort((a, b) => a - b);
}

export interface RunningServer {
  /** The processes whose RSS and CPU are the server's (e.g. beam.smp and its children). */
  pids(): number[];
  stop(): Promise<void>;
}

export interface Target {
  readonly name: TargetName;
  /** Name and version, for the report. */
  version(): string;
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  /** Creates what is missing; leaves the server stopped. */
  provision(need: Provisioning): Promise<void>;
  start(): Promise<RunningServer>;
}

export const BENCH_DOMAIN = 'bench.local';
export const BENCH_PASSWORD = 'benchpass';
/** SCRAM iteration count of every target's stored credentials (Herald's default; the anchors'). */
export const BENCH_ITERATIONS = 4096;

export const username = (k: number): string => `user${k}`;

/** The contacts of ring member `index` (0-based), as user numbers: index ± 1 … ± R/2 (mod count). */
export function ringContacts(ring: RosterRing, index: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= ring.contacts / 2; d++) {
    for (const j of [(index + d) % ring.count, (index - d + ring.count) % ring.count])
      out.push(ring.offset + 1 + j);
  }
  return out;
}
