/**
 * Records and assertions for the store contract suite: small builders with predictable ids.
 */
import assert from 'node:assert/strict';
import {
  asCannedMessageId,
  asDeviceId,
  asLineId,
  asUserId,
  type CallingSearchSpaceRecord,
  type CannedMessageRecord,
  type DeviceRecord,
  type LineRecord,
  type OfflineMessageRecord,
  type PartitionRecord,
  type RosterItemRecord,
  type Store,
  type StoredCredentials,
  type UserRecord,
} from '../../src/core/ports.js';
import { HeraldError, type HeraldErrorCode } from '../../src/kernel/errors.js';

export const T0 = 1_700_000_000_000;

export interface StoreFixture {
  readonly store: Store;
  /** Closes every store it opened and removes the data. */
  cleanup(): Promise<void>;
  /** For persistent adapters: opens the same data again (after `store.close()`). */
  readonly reopen?: () => Promise<Store>;
  /** Makes the database go away under the open store (health must then report, not throw). */
  readonly sever?: () => Promise<void>;
}

export type OpenStoreFixture = () => Promise<StoreFixture>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/** The record as a caller could mutate it, despite its readonly type. */
export function mutable<T>(record: T): Mutable<T> {
  return record as Mutable<T>;
}

/** Runs `test` against a fresh store and always cleans up. */
export async function withStore(
  open: OpenStoreFixture,
  test: (store: Store, fixture: StoreFixture) => Promise<void>,
): Promise<void> {
  const fixture = await open();
  try {
    await test(fixture.store, fixture);
  } finally {
    await fixture.cleanup();
  }
}

export function user(username: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    id: asUserId(`u-${username}`),
    username,
    displayName: username.toUpperCase(),
    email: `${username}@example.com`,
    isAdmin: false,
    createdAt: T0,
    ...overrides,
  };
}

export function credentials(seed = 'a'): StoredCredentials {
  const keys = (bits: string) => ({
    iterations: 4096,
    salt: `salt-${bits}-${seed}`,
    storedKey: `stored-${bits}-${seed}`,
    serverKey: `server-${bits}-${seed}`,
  });
  return {
    scramSha1: keys('1'),
    scramSha256: keys('256'),
    digestRealm: 'herald.example',
    ha1Md5: `md5-${seed}`,
    ha1Sha256: `sha256-${seed}`,
    passwordHash: `$argon2id$v=19$m=65536,t=3,p=4$${seed}`,
    updatedAt: T0 + 1,
  };
}

export function partition(name: string): PartitionRecord {
  return { name, description: `partition ${name}` };
}

export function callingSearchSpace(name: string, partitions: string[]): CallingSearchSpaceRecord {
  return { name, description: `css ${name}`, partitions };
}

export function line(number: string, partitionName: string, overrides: Partial<LineRecord> = {}): LineRecord {
  return {
    id: asLineId(`l-${number}-${partitionName}`),
    number,
    partition: partitionName,
    description: `line ${number}`,
    createdAt: T0,
    ...overrides,
  };
}

export function device(name: string, overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    id: asDeviceId(`d-${name}`),
    name,
    kind: 'deskphone',
    mac: null,
    description: `device ${name}`,
    callingSearchSpace: null,
    lineIds: [],
    createdAt: T0,
    ...overrides,
  };
}

export function cannedMessage(id: string, position: number, createdAt: number): CannedMessageRecord {
  return { id: asCannedMessageId(id), text: `text ${id}`, position, createdAt };
}

/** A listed roster record of `owner` (a username) for `contact`, with no subscription. */
export function rosterItem(
  owner: string,
  contact: string,
  overrides: Partial<RosterItemRecord> = {},
): RosterItemRecord {
  return {
    userId: user(owner).id,
    contact,
    name: null,
    groups: [],
    subscription: 'none',
    pendingOut: false,
    pendingIn: false,
    preApproved: false,
    listed: true,
    updatedAt: T0,
    ...overrides,
  };
}

/** A message waiting for `owner` (a username), stored `storedAt` ms after T0. */
export function offlineMessage(
  id: string,
  owner: string,
  storedAt = 0,
  overrides: Partial<OfflineMessageRecord> = {},
): OfflineMessageRecord {
  return {
    id,
    userId: user(owner).id,
    from: 'romeo@montague.example/orchard',
    storedAt: T0 + storedAt,
    payload: {
      format: 'xmpp',
      content: `<message xmlns="jabber:client" id="${id}" type="chat"><body>hi ${id}</body></message>`,
      body: `hi ${id}`,
    },
    ...overrides,
  };
}

/** Inserts users with the given usernames. */
export async function insertUsers(store: Store, ...usernames: string[]): Promise<void> {
  for (const name of usernames) await store.accounts.insertUser(user(name), credentials(name));
}

/** Rejects with a HeraldError of `code` naming `field` (when given). */
export async function assertRejects(
  promise: Promise<unknown>,
  code: HeraldErrorCode,
  field?: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof HeraldError, `expected a HeraldError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field, error.message);
    return true;
  });
}

/** A store with two partitions, a calling search space over them, and one line in each. */
export async function seedDirectory(store: Store): Promise<{ l1: LineRecord; l2: LineRecord }> {
  const l1 = line('1000', 'pt_internal');
  const l2 = line('2000', 'pt_external');
  await store.directory.insertPartition(partition('pt_internal'));
  await store.directory.insertPartition(partition('pt_external'));
  await store.directory.insertCallingSearchSpace(
    callingSearchSpace('css_all', ['pt_internal', 'pt_external']),
  );
  await store.directory.insertLine(l1);
  await store.directory.insertLine(l2);
  return { l1, l2 };
}
