/**
 * What a target's data folder already holds, so that provisioning (minutes for ejabberd) happens
 * once per state folder, not once per run. Kept as JSON beside the data.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Provisioning, RosterRing } from './target.js';

export interface Marker {
  readonly users: number;
  readonly rings: readonly RosterRing[];
  /** Anything that, when it changes, makes the data stale (e.g. the build of the server). */
  readonly stamp: string;
}

export function readMarker(file: string): Marker | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    return null;
  }
}

export function writeMarker(file: string, marker: Marker): void {
  writeFileSync(file, `${JSON.stringify(marker, null, 2)}\n`);
}

const sameRing = (a: RosterRing, b: RosterRing) =>
  a.offset === b.offset && a.count === b.count && a.contacts === b.contacts;

/** Whether `marker` already covers `need`. */
export function covers(marker: Marker | null, need: Provisioning, stamp: string): boolean {
  if (!marker || marker.stamp !== stamp || marker.users < need.users) return false;
  return need.ring === null || marker.rings.some((r) => need.ring !== null && sameRing(r, need.ring));
}

/** The marker after provisioning `need` on top of `marker`. */
export function merged(marker: Marker | null, need: Provisioning, stamp: string): Marker {
  const base = marker && marker.stamp === stamp ? marker : { users: 0, rings: [], stamp };
  const ring = need.ring;
  const rings = ring ? [...base.rings.filter((r) => r.offset !== ring.offset), ring] : [...base.rings];
  return { users: Math.max(base.users, need.users), rings, stamp };
}
