/** Builds the core services over a store, the same way for the server and the admin CLI. */
import { DirectoryService } from '../core/directory/directory-service.js';
import { AccountService } from '../core/identity/account-service.js';
import { AuthService } from '../core/identity/auth-service.js';
import { MessageService } from '../core/messaging/message-service.js';
import type { PasswordHasher, SessionRegistry, Store } from '../core/ports.js';
import { BlockService } from '../core/roster/block-service.js';
import { RosterService } from '../core/roster/roster-service.js';
import { argon2PasswordHasher } from '../infra/crypto/argon2-password-hasher.js';
import { MemorySessionRegistry } from '../infra/session/memory-session-registry.js';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import type { IdSource } from '../kernel/ids.js';

export interface CoreServices {
  readonly accounts: AccountService;
  readonly auth: AuthService;
  readonly directory: DirectoryService;
  readonly roster: RosterService;
  readonly blocks: BlockService;
  readonly sessions: SessionRegistry;
  readonly messages: MessageService;
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
  const blocks = new BlockService({ store, domain: config.domain });
  const roster = new RosterService({ store, clock, domain: config.domain, blocks });
  // DESIGN.md: the session registry is memory on one node; the cluster (S2) puts it in Redis.
  const sessions = new MemorySessionRegistry();
  const messages = new MessageService({ store, clock, ids, sessions, domain: config.domain });
  return {
    accounts,
    auth,
    directory: new DirectoryService({ store, clock, ids }),
    roster,
    blocks,
    sessions,
    messages,
  };
}
