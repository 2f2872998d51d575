/** Builds the core services over a store, the same way for the server and the admin CLI. */
import { DirectoryService } from '../core/directory/directory-service.js';
import { AccountService } from '../core/identity/account-service.js';
import { AuthService } from '../core/identity/auth-service.js';
import type { PasswordHasher, Store } from '../core/ports.js';
import { argon2PasswordHasher } from '../infra/crypto/argon2-password-hasher.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import type { IdSource } from '../kernel/ids.js';

export interface CoreServices {
  readonly accounts: AccountService;
  readonly auth: AuthService;
  readonly directory: DirectoryService;
}

export function createCoreServices(input: {
  store: Store;
  config: Config;
  clock: Clock;
  ids: IdSource;
  hasher?: PasswordHasher | undefined;
}): CoreServices {
  const { store, config, clock, ids } = input;
  const accounts = new AccountService({
    store,
    hasher: input.hasher ?? argon2PasswordHasher(),
    clock,
    ids,
    domain: config.domain,
    minPasswordLength: config.auth.minPasswordLength,
  });
  const auth = new AuthService({
    accounts,
    store,
    clock,
    ids,
    tokenTtlMs: config.auth.tokenTtlSeconds * 1000,
    failuresPerMinute: config.auth.failuresPerMinute,
    ipFailuresPerMinute: config.auth.ipFailuresPerMinute,
  });
  return { accounts, auth, directory: new DirectoryService({ store, clock, ids }) };
}
