/** What the admin CLI verbs work on: the configured store and the core services over it, no listeners. */
import type { DirectoryService } from '../core/directory/directory-service.js';
import type { AccountService } from '../core/identity/account-service.js';
import type { Store } from '../core/ports.js';
import { openStore } from '../infra/store/open-store.js';
import { systemClock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import { randomIdSource } from '../kernel/ids.js';
import { createCoreServices } from './core-services.js';

export interface AdminContext {
  readonly store: Store;
  readonly accounts: AccountService;
  readonly directory: DirectoryService;
  close(): Promise<void>;
}

export async function openAdminContext(config: Config): Promise<AdminContext> {
  const store = await openStore({
    databaseUrl: config.database.url,
    dataDir: config.dataDir,
    poolSize: Math.min(config.database.poolSize, 2),
  });
  const { accounts, directory } = createCoreServices({
    store,
    config,
    clock: systemClock,
    ids: randomIdSource,
  });
  return { store, accounts, directory, close: () => store.close() };
}
