/** The names under which the composition root publishes core services to modules (ctx.use). */
import { serviceKey } from '../kernel/services.js';
import type { DirectoryService } from './directory/directory-service.js';
import type { AccountService } from './identity/account-service.js';
import type { AuthService } from './identity/auth-service.js';
import type { Store } from './ports.js';

export const storeKey = serviceKey<Store>('core.store');
export const accountServiceKey = serviceKey<AccountService>('core.accounts');
export const authServiceKey = serviceKey<AuthService>('core.auth');
export const directoryServiceKey = serviceKey<DirectoryService>('core.directory');
