/**
 * The store contract suite (STYLE "Store and bus contract suites"): one suite for every adapter
 * of `Store` (core/ports.ts), so that memory, SQLite and PostgreSQL keep exactly the same rules.
 */
import { describe } from 'node:test';
import { describeAccountContract } from './store-contract-accounts.js';
import { describeBlockListContract } from './store-contract-blocks.js';
import { describeDeviceContract } from './store-contract-devices.js';
import { describeDirectoryContract } from './store-contract-directory.js';
import { describeLastActivityContract } from './store-contract-last-activity.js';
import { describeLocationContract } from './store-contract-location.js';
import { describeOfflineContract } from './store-contract-offline.js';
import { describePepContract } from './store-contract-pep.js';
import { describePresenceContract } from './store-contract-presence.js';
import { describeRoomContract } from './store-contract-rooms.js';
import { describeRosterContract } from './store-contract-roster.js';
import { describeStoreWideContract } from './store-contract-transactions.js';
import type { OpenStoreFixture } from './store-fixtures.js';

export type { OpenStoreFixture, StoreFixture } from './store-fixtures.js';

export interface StoreContractOptions {
  /** A reason to skip the whole suite (an unreachable server outside CI). */
  readonly skip?: string;
}

/** Registers the suite; `open` gives a fresh, empty store for each test. */
export function describeStoreContract(
  name: string,
  open: OpenStoreFixture,
  options: StoreContractOptions = {},
): void {
  describe(name, { skip: options.skip }, () => {
    describeAccountContract(open);
    describeDirectoryContract(open);
    describeDeviceContract(open);
    describeRosterContract(open);
    describeBlockListContract(open);
    describeOfflineContract(open);
    describePepContract(open);
    describeLocationContract(open);
    describeLastActivityContract(open);
    describePresenceContract(open);
    describeRoomContract(open);
    describeStoreWideContract(open);
  });
}
