/**
 * The rows of the memory store. Stored records are never mutated, only replaced, so a snapshot
 * for a transaction copies the maps and shares the records; records are copied on the way in and
 * out so callers can never reach the stored ones.
 */
import type {
  ArchivedMessageRecord,
  CalendarSourceRecord,
  CallingSearchSpaceRecord,
  CannedMessageId,
  CannedMessageRecord,
  DeviceId,
  DeviceRecord,
  LastLogoutRecord,
  LineId,
  LineRecord,
  ManualStatusRecord,
  OfflineMessageRecord,
  PartitionRecord,
  PepItemRecord,
  PepNodeRecord,
  RoomMessageRecord,
  RoomRecord,
  RosterItemRecord,
  SipBindingRecord,
  StoredCredentials,
  UserId,
  UserRecord,
} from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';

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
  /** user → contact → the roster record. */
  readonly rosterItems: Map<UserId, ReadonlyMap<string, RosterItemRecord>>;
  /** user → roster version; absent = 0 (never changed). */
  readonly rosterVersions: Map<UserId, number>;
  /** user → blocked addresses. */
  readonly blockLists: Map<UserId, ReadonlySet<string>>;
  /** user → message id → the message waiting for them; ids are unique across users. */
  readonly offlineMessages: Map<UserId, ReadonlyMap<string, OfflineMessageRecord>>;
  /** user → their archive ordered by (at, id); arrays are replaced, never mutated (XEP-0313). */
  readonly archives: Map<UserId, readonly ArchivedMessageRecord[]>;
  /** archive id → its user; ids are unique across users. */
  readonly archiveIds: Map<string, UserId>;
  /** user → NodeID → the PEP node. */
  readonly pepNodes: Map<UserId, ReadonlyMap<string, PepNodeRecord>>;
  /** user → NodeID → the node's items, oldest first. */
  readonly pepItems: Map<UserId, ReadonlyMap<string, readonly PepItemRecord[]>>;
  /** user → their SIP bindings (RFC 3261 §10.3), live or not yet purged. */
  readonly sipBindings: Map<UserId, readonly SipBindingRecord[]>;
  /** user → when they last logged out (XEP-0012 §4). */
  readonly lastLogouts: Map<UserId, LastLogoutRecord>;
  /** user → their manual status (presence slot). */
  readonly manualStatuses: Map<UserId, ManualStatusRecord>;
  /** user → their calendar source (presence slot). */
  readonly calendarSources: Map<UserId, CalendarSourceRecord>;
  /** room JID → the persistent room with its affiliations (replaced whole). */
  readonly rooms: Map<string, RoomRecord>;
  /** room JID → its archive ordered by (at, id); arrays are replaced, never mutated. */
  readonly roomArchives: Map<string, readonly RoomMessageRecord[]>;
  /** room archive id → its room. */
  readonly roomMessageIds: Map<string, string>;
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
    rosterItems: new Map(),
    rosterVersions: new Map(),
    blockLists: new Map(),
    offlineMessages: new Map(),
    archives: new Map(),
    archiveIds: new Map(),
    pepNodes: new Map(),
    pepItems: new Map(),
    sipBindings: new Map(),
    lastLogouts: new Map(),
    manualStatuses: new Map(),
    calendarSources: new Map(),
    rooms: new Map(),
    roomArchives: new Map(),
    roomMessageIds: new Map(),
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
    // The per-user maps and sets are replaced, never mutated, so a snapshot may share them.
    rosterItems: new Map(tables.rosterItems),
    rosterVersions: new Map(tables.rosterVersions),
    blockLists: new Map(tables.blockLists),
    offlineMessages: new Map(tables.offlineMessages),
    archives: new Map(tables.archives),
    archiveIds: new Map(tables.archiveIds),
    pepNodes: new Map(tables.pepNodes),
    pepItems: new Map(tables.pepItems),
    sipBindings: new Map(tables.sipBindings),
    lastLogouts: new Map(tables.lastLogouts),
    manualStatuses: new Map(tables.manualStatuses),
    calendarSources: new Map(tables.calendarSources),
    rooms: new Map(tables.rooms),
    roomArchives: new Map(tables.roomArchives),
    roomMessageIds: new Map(tables.roomMessageIds),
  };
}

/** A deep copy of a plain record (the records hold only strings, numbers, booleans and arrays). */
export function copy<T>(record: T): T {
  return structuredClone(record);
}

/** The committed tables for the store's own stores, a transaction's draft for its stores. */
export type TablesProvider = () => MemoryTables;

/** The rule of every per-user record: its user exists (HERALD_ERR_NOT_FOUND naming `userId`). */
export function requireUser(tables: MemoryTables, userId: UserId): void {
  if (!tables.users.has(userId)) throw notFound(`no user ${userId}`, 'userId');
}
