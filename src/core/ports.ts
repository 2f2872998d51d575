/**
 * Every interface the core needs from outside (DESIGN.md, "ports"): adapters in infra/ implement
 * them, main/ wires them. Records here are plain data; the core validates before it stores.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type DeviceId = Brand<string, 'DeviceId'>;
export type LineId = Brand<string, 'LineId'>;
export type CannedMessageId = Brand<string, 'CannedMessageId'>;

export const asUserId = (id: string): UserId => id as UserId;
export const asDeviceId = (id: string): DeviceId => id as DeviceId;
export const asLineId = (id: string): LineId => id as LineId;
export const asCannedMessageId = (id: string): CannedMessageId => id as CannedMessageId;

// ---------------------------------------------------------------- accounts (SPEC S4)

export interface UserRecord {
  readonly id: UserId;
  /** The localpart: lower case, unique. */
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly isAdmin: boolean;
  readonly createdAt: number;
}

/** RFC 5802 §3 salted SCRAM keys; base64 fields. The password itself is never stored. */
export interface ScramKeys {
  readonly iterations: number;
  readonly salt: string;
  readonly storedKey: string;
  readonly serverKey: string;
}

export interface StoredCredentials {
  readonly scramSha1: ScramKeys;
  readonly scramSha256: ScramKeys;
  /** SIP digest realm the HA1 values were derived for (RFC 8760). */
  readonly digestRealm: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
  /** argon2id PHC string, for web and API login. */
  readonly passwordHash: string;
  readonly updatedAt: number;
}

export interface UserQuery {
  /** Case-insensitive substring of username or display name. */
  readonly search?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface UserPatch {
  readonly displayName?: string;
  readonly email?: string | null;
  readonly isAdmin?: boolean;
}

export interface AccountStore {
  /** Fails with HERALD_ERR_CONFLICT when the username or id is taken. */
  insertUser(user: UserRecord, credentials: StoredCredentials): Promise<void>;
  findUserById(id: UserId): Promise<UserRecord | undefined>;
  findUserByName(username: string): Promise<UserRecord | undefined>;
  /** Ordered by username. */
  listUsers(query: UserQuery): Promise<{ users: UserRecord[]; total: number }>;
  /** Fails with HERALD_ERR_NOT_FOUND for an unknown user. */
  updateUser(id: UserId, patch: UserPatch): Promise<UserRecord>;
  getCredentials(id: UserId): Promise<StoredCredentials | undefined>;
  /** Fails with HERALD_ERR_NOT_FOUND for an unknown user. */
  setCredentials(id: UserId, credentials: StoredCredentials): Promise<void>;
  /** Removes the user, their credentials and device associations; false if there was none. */
  deleteUser(id: UserId): Promise<boolean>;
}

// ---------------------------------------------------------------- directory (SPEC C1, I4, M8)

export interface PartitionRecord {
  readonly name: string;
  readonly description: string;
}

/** A calling search space: the ordered partitions a device may reach. */
export interface CallingSearchSpaceRecord {
  readonly name: string;
  readonly description: string;
  readonly partitions: readonly string[];
}

/** A directory number in a partition; the same number in two partitions is two lines. */
export interface LineRecord {
  readonly id: LineId;
  readonly number: string;
  readonly partition: string;
  readonly description: string;
  readonly createdAt: number;
}

export type DeviceKind = 'deskphone' | 'softphone';

export interface DeviceRecord {
  readonly id: DeviceId;
  /** Unique device name (e.g. SEP001122334455, CSFALICE). */
  readonly name: string;
  readonly kind: DeviceKind;
  /** 12 upper-case hex digits, unique when set. */
  readonly mac: string | null;
  readonly description: string;
  readonly callingSearchSpace: string | null;
  /** Line appearances in button order. */
  readonly lineIds: readonly LineId[];
  readonly createdAt: number;
}

export interface DevicePatch {
  readonly description?: string;
  readonly mac?: string | null;
  readonly callingSearchSpace?: string | null;
}

export interface CannedMessageRecord {
  readonly id: CannedMessageId;
  readonly text: string;
  readonly position: number;
  readonly createdAt: number;
}

export interface LineQuery {
  readonly number?: string;
  readonly partition?: string;
}

/**
 * Referential rules every adapter keeps: a line's partition and a device's calling search space
 * must exist (HERALD_ERR_NOT_FOUND naming the field); a partition or calling search space still
 * referenced cannot be deleted (HERALD_ERR_CONFLICT); unique keys give HERALD_ERR_CONFLICT.
 */
export interface DirectoryStore {
  insertPartition(partition: PartitionRecord): Promise<void>;
  listPartitions(): Promise<PartitionRecord[]>;
  deletePartition(name: string): Promise<boolean>;

  insertCallingSearchSpace(css: CallingSearchSpaceRecord): Promise<void>;
  /** Replaces the ordered partition list. */
  setCallingSearchSpacePartitions(name: string, partitions: readonly string[]): Promise<void>;
  findCallingSearchSpace(name: string): Promise<CallingSearchSpaceRecord | undefined>;
  listCallingSearchSpaces(): Promise<CallingSearchSpaceRecord[]>;
  deleteCallingSearchSpace(name: string): Promise<boolean>;

  insertLine(line: LineRecord): Promise<void>;
  findLineById(id: LineId): Promise<LineRecord | undefined>;
  findLine(number: string, partition: string): Promise<LineRecord | undefined>;
  /** Ordered by number, then partition. */
  listLines(query: LineQuery): Promise<LineRecord[]>;
  /** Also removes its appearances on devices. */
  deleteLine(id: LineId): Promise<boolean>;

  insertDevice(device: DeviceRecord): Promise<void>;
  updateDevice(id: DeviceId, patch: DevicePatch): Promise<DeviceRecord>;
  /** Replaces the device's line appearances (button order); every line must exist. */
  setDeviceLines(id: DeviceId, lineIds: readonly LineId[]): Promise<void>;
  findDeviceById(id: DeviceId): Promise<DeviceRecord | undefined>;
  findDeviceByName(name: string): Promise<DeviceRecord | undefined>;
  /** Ordered by name. */
  listDevices(): Promise<DeviceRecord[]>;
  /** Also removes its associations and line appearances. */
  deleteDevice(id: DeviceId): Promise<boolean>;

  /** Idempotent. Both must exist (HERALD_ERR_NOT_FOUND). */
  associateDevice(userId: UserId, deviceId: DeviceId): Promise<void>;
  dissociateDevice(userId: UserId, deviceId: DeviceId): Promise<boolean>;
  /** Ordered by device name. */
  devicesOfUser(userId: UserId): Promise<DeviceRecord[]>;
  /** Ordered by username. */
  usersOfDevice(deviceId: DeviceId): Promise<UserRecord[]>;

  insertCannedMessage(message: CannedMessageRecord): Promise<void>;
  /** Ordered by position, then creation. */
  listCannedMessages(): Promise<CannedMessageRecord[]>;
  deleteCannedMessage(id: CannedMessageId): Promise<boolean>;
}

// ---------------------------------------------------------------- the store as a whole

export interface StoreHealth {
  readonly ok: boolean;
  readonly kind: StoreKind;
  readonly detail?: string;
}

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

export interface StoreTransaction {
  readonly accounts: AccountStore;
  readonly directory: DirectoryStore;
}

export interface Store extends StoreTransaction {
  readonly kind: StoreKind;
  /**
   * Runs `work` atomically: if it throws, nothing it wrote stays. Transactions do not nest;
   * inside, use only the stores handed to `work`.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- computation ports

/** A slow, salted password hash for web/API login (argon2id in infra/crypto). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}
