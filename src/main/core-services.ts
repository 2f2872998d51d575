/** Builds the core services over a store, the same way for the server and the admin CLI. */
import { join } from 'node:path';
import { userJid } from '../core/address/jid.js';
import { ArchiveService } from '../core/archive/archive-service.js';
import { CalendarService } from '../core/calendar/calendar-service.js';
import { CallRegistry } from '../core/calls/call-registry.js';
import { complianceRoomArchiver } from '../core/compliance/compliance-room-archiver.js';
import { ComplianceService } from '../core/compliance/compliance-service.js';
import { DirectoryService } from '../core/directory/directory-service.js';
import { UploadService } from '../core/files/upload-service.js';
import { AccountService } from '../core/identity/account-service.js';
import { AuthService } from '../core/identity/auth-service.js';
import { MessageService } from '../core/messaging/message-service.js';
import { MessageWaitingService } from '../core/messaging/message-waiting.js';
import { PepService } from '../core/pep/pep-service.js';
import type { ComplianceSink, PasswordHasher, SessionRegistry, Store } from '../core/ports.js';
import { ManualStatusService } from '../core/presence/manual-status.js';
import { PresenceService } from '../core/presence/presence-service.js';
import { StoreRoomArchiver } from '../core/rooms/room-archiver.js';
import { RoomService } from '../core/rooms/room-service.js';
import { BlockService } from '../core/roster/block-service.js';
import { RosterEffectsRelay } from '../core/roster/roster-effects-relay.js';
import { RosterService } from '../core/roster/roster-service.js';
import { httpCalendarReader } from '../infra/calendar/calendar-reader.js';
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
  readonly rosterEffects: RosterEffectsRelay;
  readonly blocks: BlockService;
  readonly sessions: SessionRegistry;
  readonly messages: MessageService;
  /** SPEC M5: the message archive (XEP-0313); its pruning timer starts with the server. */
  readonly archive: ArchiveService;
  readonly uploads: UploadService;
  readonly pep: PepService;
  readonly presence: PresenceService;
  /** Manual status (kept in the store) and calendar sources (polled once started). */
  readonly manualStatus: ManualStatusService;
  readonly calendar: CalendarService;
  /** Live call legs (in memory), fed by the SIP proxy. */
  readonly calls: CallRegistry;
  /** What waits in each user's mailboxes (the message-waiting lamp). */
  readonly messageWaiting: MessageWaitingService;
  /** XEP-0045 group chat rooms on conference.<domain>. */
  readonly rooms: RoomService;
  /** SPEC M7: the compliance sink and its retry queue; null when `compliance.sink` is 'none'. */
  readonly compliance: ComplianceService | null;
}

export function createCoreServices(input: {
  store: Store;
  config: Config;
  clock: Clock;
  ids: IdSource;
  hasher?: PasswordHasher | undefined;
  /** SPEC M7: opened by the server from the `compliance` section (infra/compliance). */
  complianceSink?: ComplianceSink | null;
  onComplianceError?: (error: unknown) => void;
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
  const archive = new ArchiveService({
    store,
    clock,
    retentionDays: config.archive.retentionDays,
    maxPageSize: config.archive.maxPageSize,
  });
  const compliance = input.complianceSink
    ? new ComplianceService({
        sink: input.complianceSink,
        queue: store.complianceQueue,
        clock,
        required: config.compliance.required,
        retryMaxMs: config.compliance.retryMaxMs,
        retryBaseMs: Math.min(1000, config.compliance.retryMaxMs),
        onSinkError: input.onComplianceError,
        onQueueError: input.onComplianceError,
      })
    : null;
  const messages = new MessageService({
    store,
    clock,
    ids,
    sessions,
    archive,
    ...(compliance ? { compliance } : {}),
    domain: config.domain,
    policy: config.messaging.forkPolicy,
    offlineQuota: config.messaging.offlineQuota,
  });
  accounts.onCredentialsChanged((user) => messages.forgetUser(user.username));
  const pep = new PepService({ store, clock, ids, domain: config.domain, presence: roster, blocks });
  // Roster changes the adapters announce (and apply from one another); the presence watch cache
  // drops an owner's answers on each of them.
  const rosterEffects = new RosterEffectsRelay();
  // SPEC P1: one composed presence per person; the roster is the watch policy for every protocol.
  const presence = new PresenceService({
    clock,
    rosterChanges: rosterEffects,
    facts: {
      addressOf: async (userId) => {
        const user = await store.accounts.findUserById(userId);
        return user ? userJid(user.username, config.domain) : undefined;
      },
      rosterItem: (userId, watcher) => store.roster.getItem(userId, watcher),
      isBlocked: (userId, address) => blocks.isBlocked(userId, address),
    },
  });
  const storeArchiver = new StoreRoomArchiver({
    store: store.rooms,
    ids,
    maxPageSize: config.archive.maxPageSize,
  });
  // SPEC M7: room messages reach the compliance sink too, under the same policy as 1:1 ones.
  const roomArchiver = compliance ? complianceRoomArchiver(storeArchiver, compliance, ids) : storeArchiver;
  return {
    accounts,
    auth,
    directory: new DirectoryService({ store, clock, ids }),
    roster,
    rosterEffects,
    blocks,
    sessions,
    messages,
    archive,
    // XEP-0363: files under <dataDir>/uploads; the store touches the disk only when first used.
    uploads: new UploadService({ files: new DiskFileStore(join(config.dataDir, 'uploads')), clock, ids }),
    pep,
    presence,
    manualStatus: new ManualStatusService({ store: store.presence, clock, presence }),
    calendar: new CalendarService({ store: store.presence, clock, presence, read: httpCalendarReader() }),
    calls: new CallRegistry({ clock }),
    messageWaiting: new MessageWaitingService(),
    // XEP-0045 §10.1.3 persistent rooms in the store; XEP-0313 §5 each room's own archive.
    rooms: new RoomService({
      serviceDomain: `conference.${config.domain}`,
      clock,
      ids,
      store: store.rooms,
      archiver: roomArchiver,
    }),
    compliance,
  };
}
