/** The names under which the composition root publishes core services to modules (ctx.use). */
import { serviceKey } from '../kernel/services.js';
import type { DirectoryService } from './directory/directory-service.js';
import type { UploadService } from './files/upload-service.js';
import type { AccountService } from './identity/account-service.js';
import type { AuthService } from './identity/auth-service.js';
import type { MessageService } from './messaging/message-service.js';
import type { PepService } from './pep/pep-service.js';
import type { SessionRegistry, Store } from './ports.js';
import type { PresenceService } from './presence/presence-service.js';
import type { BlockService } from './roster/block-service.js';
import type { RosterService } from './roster/roster-service.js';

export const storeKey = serviceKey<Store>('core.store');
export const accountServiceKey = serviceKey<AccountService>('core.accounts');
export const authServiceKey = serviceKey<AuthService>('core.auth');
export const directoryServiceKey = serviceKey<DirectoryService>('core.directory');
export const rosterServiceKey = serviceKey<RosterService>('core.roster');
export const blockServiceKey = serviceKey<BlockService>('core.blocks');
export const messageServiceKey = serviceKey<MessageService>('core.messages');
export const sessionRegistryKey = serviceKey<SessionRegistry>('core.sessions');
export const pepServiceKey = serviceKey<PepService>('core.pep');
export const uploadServiceKey = serviceKey<UploadService>('core.uploads');
export const presenceServiceKey = serviceKey<PresenceService>('core.presence');
