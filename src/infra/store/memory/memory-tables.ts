/**
 * The rows of the memory store. Stored records are never mutated, only replaced, so a snapshot
 * for a transaction copies the maps and shares the records; records are copied on the way in and
 * out so callers can never reach the stored ones.
 */
import type {
  CallingSearchSpaceRecord,
  CannedMessageId,
  CannedMessageRecord,
  DeviceId,
  DeviceRecord,
  LineId,
  LineRecord,
  PartitionRecord,
  StoredCredentials,
  UserId,
  UserRecord,
} from '../../../core/ports.js';

export interface MemoryTables {
  readonly users: Map<UserId, UserRecord>;
  readonly credentials: Map<UserId, StoredCredentials>;
  readonly partitions: Map<string, PartitionRecord>;
  readonly callingSearchSpaces: Map<string, CallingSearchSpaceRecord>;
  readonly lines: Map<LineId, LineRecord>;
  readonly devices: Map<DeviceId, DeviceRecord>;
  /** user → the devices associated with them. */
  readonly associations: Map<UserId, Set<DeviceId>>;
  readonly cannedMessages: Map<CannedMessageId, CannedMessageRecord>;
}

export function emptyTables(): MemoryTables {
  return {
    users: new Map(),
    credentials: new Map(),
    partitions: new Map(),
    callingSearchSpaces: new Map(),
    lines: new Map(),
    devices: new Map(),
    associations: new Map(),
    cannedMessages: new Map(),
  };
}

export function snapshotTables(tables: MemoryTables): MemoryTables {
  return {
    users: new Map(tables.users),
    credentials: new Map(tables.credentials),
    partitions: new Map(tables.partitions),
    callingSearchSpaces: new Map(tables.callingSearchSpaces),
    lines: new Map(tables.lines),
    devices: new Map(tables.devices),
    associations: new Map([...tables.associations].map(([user, devices]) => [user, new Set(devices)])),
    cannedMessages: new Map(tables.cannedMessages),
  };
}

/** A deep copy of a plain record (the records hold only strings, numbers, booleans and arrays). */
export function copy<T>(record: T): T {
  return structuredClone(record);
}

/** The committed tables for the store's own stores, a transaction's draft for its stores. */
export type TablesProvider = () => MemoryTables;
