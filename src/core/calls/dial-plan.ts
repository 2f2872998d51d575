/**
 * The dial plan (SPEC C1): a dialled directory number is looked up in the partitions of the caller's
 * calling search space, in order; the first partition holding the number wins, and the line rings
 * every user associated with a device that has it. The pure rule is `searchPartitions`; DialPlan
 * reads the directory through the store port.
 */
import type { Clock } from '../../kernel/clock.js';
import type { DirectoryStore, LineRecord, UserId, UserRecord } from '../ports.js';

/** The ordered, duplicate-free partitions of the search spaces of a caller's devices. */
export function searchPartitions(spaces: readonly (readonly string[])[]): string[] {
  return [...new Set(spaces.flat())];
}

/** A directory number as dialled: 1 to 32 digits (SPEC C1; no dialling prefixes here). */
export function isDirectoryNumber(text: string): boolean {
  return /^[0-9]{1,32}$/.test(text);
}

export interface ResolvedLine {
  readonly line: LineRecord;
  readonly users: readonly UserRecord[];
}

type Directory = Pick<
  DirectoryStore,
  'devicesOfUser' | 'findCallingSearchSpace' | 'findLine' | 'findLineById' | 'listDevices' | 'usersOfDevice'
>;

/**
 * Every call asks for the caller's and the callee's primary line; with `cache`, an answer is kept
 * `ttlMs` (ADR 0008's table: a line or device change shows in call records within it).
 */
export interface PrimaryLineCache {
  readonly clock: Clock;
  readonly ttlMs: number;
}

const MAX_CACHED_LINES = 10_000;

export class DialPlan {
  readonly #directory: Directory;
  readonly #cache: PrimaryLineCache | undefined;
  readonly #primary = new Map<UserId, { readonly number: string | null; readonly until: number }>();

  constructor(directory: Directory, cache?: PrimaryLineCache) {
    this.#directory = directory;
    this.#cache = cache;
  }

  /** The line `number` reaches from `caller`'s calling search space, or undefined. */
  async resolve(caller: UserId, number: string): Promise<ResolvedLine | undefined> {
    if (!isDirectoryNumber(number)) return undefined;
    const devices = await this.#directory.devicesOfUser(caller);
    const names = [...new Set(devices.flatMap((d) => (d.callingSearchSpace ? [d.callingSearchSpace] : [])))];
    const spaces = await Promise.all(names.map((name) => this.#directory.findCallingSearchSpace(name)));
    for (const partition of searchPartitions(spaces.map((s) => s?.partitions ?? []))) {
      const line = await this.#directory.findLine(number, partition);
      if (line) return { line, users: await this.#usersOfLine(line) };
    }
    return undefined;
  }

  /** The user's first line (first device by name, first appearance), for showing whose line rings. */
  async primaryLine(userId: UserId): Promise<string | null> {
    const cache = this.#cache;
    if (!cache) return this.#readPrimaryLine(userId);
    const now = cache.clock.now();
    const known = this.#primary.get(userId);
    if (known !== undefined && known.until > now) return known.number;
    const number = await this.#readPrimaryLine(userId);
    if (this.#primary.size >= MAX_CACHED_LINES) this.#primary.clear();
    this.#primary.set(userId, { number, until: now + cache.ttlMs });
    return number;
  }

  async #readPrimaryLine(userId: UserId): Promise<string | null> {
    for (const device of await this.#directory.devicesOfUser(userId))
      for (const id of device.lineIds) {
        const line = await this.#directory.findLineById(id);
        if (line) return line.number;
      }
    return null;
  }

  async #usersOfLine(line: LineRecord): Promise<UserRecord[]> {
    const devices = (await this.#directory.listDevices()).filter((d) => d.lineIds.includes(line.id));
    const users = new Map<UserId, UserRecord>();
    for (const device of devices)
      for (const user of await this.#directory.usersOfDevice(device.id)) users.set(user.id, user);
    return [...users.values()];
  }
}
