/**
 * AccountStore (core/ports.ts, SPEC S4) over the memory tables. Every write checks all its rules
 * before it changes anything, so a refused write leaves nothing behind, inside a transaction too.
 */
import type {
  AccountStore,
  StoredCredentials,
  UserId,
  UserPatch,
  UserQuery,
  UserRecord,
} from '../../../core/ports.js';
import { conflict, notFound } from '../../../kernel/errors.js';
import { checkUserQuery, matchesUserSearch } from '../user-search.js';
import { byKeys } from './binary-order.js';
import { copy, type TablesProvider } from './memory-tables.js';

const byUsername = byKeys<UserRecord>((user) => user.username);

export class MemoryAccountStore implements AccountStore {
  constructor(private readonly tables: TablesProvider) {}

  async insertUser(user: UserRecord, credentials: StoredCredentials): Promise<void> {
    const { users, credentials: allCredentials } = this.tables();
    if (users.has(user.id)) throw conflict(`user id ${user.id} is taken`, 'id');
    if (this.#byName(user.username)) throw conflict(`username ${user.username} is taken`, 'username');
    users.set(user.id, copy(user));
    allCredentials.set(user.id, copy(credentials));
  }

  async findUserById(id: UserId): Promise<UserRecord | undefined> {
    const user = this.tables().users.get(id);
    return user && copy(user);
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const user = this.#byName(username);
    return user && copy(user);
  }

  async listUsers(query: UserQuery): Promise<{ users: UserRecord[]; total: number }> {
    checkUserQuery(query);
    const { search } = query;
    const matching = [...this.tables().users.values()]
      .filter((user) => !search || matchesUserSearch(user.username, user.displayName, search))
      .sort(byUsername);
    const page = matching.slice(query.offset, query.offset + query.limit);
    return { users: page.map(copy), total: matching.length };
  }

  async updateUser(id: UserId, patch: UserPatch): Promise<UserRecord> {
    const { users } = this.tables();
    const current = users.get(id);
    if (!current) throw notFound(`no user ${id}`, 'id');
    const updated: UserRecord = {
      ...current,
      ...(patch.displayName !== undefined && { displayName: patch.displayName }),
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.isAdmin !== undefined && { isAdmin: patch.isAdmin }),
    };
    users.set(id, updated);
    return copy(updated);
  }

  async getCredentials(id: UserId): Promise<StoredCredentials | undefined> {
    const credentials = this.tables().credentials.get(id);
    return credentials && copy(credentials);
  }

  async setCredentials(id: UserId, credentials: StoredCredentials): Promise<void> {
    const tables = this.tables();
    if (!tables.users.has(id)) throw notFound(`no user ${id}`, 'id');
    tables.credentials.set(id, copy(credentials));
  }

  async deleteUser(id: UserId): Promise<boolean> {
    const tables = this.tables();
    if (!tables.users.delete(id)) return false;
    tables.credentials.delete(id);
    tables.associations.delete(id);
    tables.rosterItems.delete(id);
    tables.rosterVersions.delete(id);
    tables.blockLists.delete(id);
    tables.offlineMessages.delete(id);
    for (const record of tables.archives.get(id) ?? []) tables.archiveIds.delete(record.id);
    tables.archives.delete(id);
    tables.pepNodes.delete(id);
    tables.pepItems.delete(id);
    tables.sipBindings.delete(id);
    tables.lastLogouts.delete(id);
    tables.manualStatuses.delete(id);
    tables.calendarSources.delete(id);
    return true;
  }

  #byName(username: string): UserRecord | undefined {
    for (const user of this.tables().users.values()) if (user.username === username) return user;
    return undefined;
  }
}
