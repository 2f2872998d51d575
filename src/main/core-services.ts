/** Builds the core services over a store, the same way for the server and the admin CLI. */
import { join } from 'node:path';
import { userJid } from '../core/address/jid.js';
import { DirectoryService } from '../core/directory/directory-service.js';
import { UploadService } from '../core/files/upload-service.js';
import { AccountService } from '../core/identity/account-service.js';
import { AuthService } from '../core/identity/auth-service.js';
import { MessageService } from '../core/messaging/message-service.js';
import { PepService } from '../core/pep/pep-service.js';
import type { PasswordHasher, SessionRegistry, Store } from '../core/ports.js';
import { PresenceService } from '../core/presence/presence-service.js';
import { BlockService } from '../core/roster/block-service.js';
import { RosterService } from '../core/roster/roster-service.js';
import { argon2PasswordHasher } from '../infra/crypto/argon2-password-hasher.js';
import { DiskFileStore } from '../infra/files/disk-file-store.js';
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
  readonly uploads: UploadService;
  readonly pep: PepService;
  readonly presence: PresenceService;
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
  const messages = new MessageService({
    store,
    clock,
    ids,
    sessions,
    domain: config.domain,
    policy: config.messaging.forkPolicy,
    offlineQuota: config.messaging.offlineQuota,
  });
  const pep = new PepService({ store, clock, ids, domain: config.domain, presence: roster, blocks });
  // SPEC P1: one composed presence per person; the roster is the watch policy for every protocol.
  const presence = new PresenceService({
    clock,
    facts: {
      addressOf: async (userId) => {
        const user = await store.accounts.findUserById(userId);
        return user ? userJid(user.username, config.domain) : undefined;
      },
      rosterItem: (userId, watcher) => store.roster.getItem(userId, watcher),
      isBlocked: (userId, address) => blocks.isBlocked(userId, address),
    },
  });
  return {
    accounts,
    auth,
    directory: new DirectoryService({ store, clock, ids }),
    roster,
    blocks,
    sessions,
    messages,
    // XEP-0363: files under <dataDir>/uploads; the store touches the disk only when first used.
    uploads: new UploadService({ files: new DiskFileStore(join(config.dataDir, 'uploads')), clock, ids }),
    pep,
    presence,
  };
}
