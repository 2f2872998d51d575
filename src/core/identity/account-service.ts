/**
 * Accounts: create, change, remove users and check their passwords. Owns users and credentials in
 * the AccountStore; every call says who is asking and is authorized here (STYLE habit 15).
 */
import type { Clock } from '../../kernel/clock.js';
import { conflict, explainConflict, invalid, notFound } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import {
  asUserId,
  type PasswordHasher,
  type Store,
  type UserPatch,
  type UserQuery,
  type UserRecord,
} from '../ports.js';
import { type Checked, checkDisplayName, checkEmail, checkPassword, checkUsername } from './account-names.js';
import { deriveCredentials } from './credential-factory.js';
import {
  isAdministrator,
  type Principal,
  requireAdministrator,
  requireSelfOrAdministrator,
} from './principal.js';

export interface AccountServiceOptions {
  readonly store: Store;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly ids: IdSource;
  /** The served domain, also the SIP digest realm. */
  readonly domain: string;
  readonly minPasswordLength: number;
  readonly scramIterations?: number;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly displayName?: string;
  readonly email?: string | null;
  readonly isAdmin?: boolean;
}

/** Told when a user's stored credentials stop being valid: a new password, or the user removed. */
export type CredentialsChangedListener = (user: UserRecord) => void;

const MAX_PAGE = 500;

function valid<T>(checked: Checked<T>, field: string): T {
  if (!checked.ok) throw invalid(checked.reason, field);
  return checked.value;
}

export class AccountService {
  readonly #o: AccountServiceOptions;
  readonly #credentialListeners: CredentialsChangedListener[] = [];

  constructor(options: AccountServiceOptions) {
    this.#o = options;
  }

  /**
   * Lets caches of passwords or credentials (AuthService, the SIP digest authenticator) forget a
   * user whose password changed or who was removed, at once. Changes made by another process
   * (the admin CLI on the same database, another node) are not seen here: such caches expire.
   */
  onCredentialsChanged(listener: CredentialsChangedListener): void {
    this.#credentialListeners.push(listener);
  }

  async addUser(actor: Principal, input: NewUser): Promise<UserRecord> {
    requireAdministrator(actor, 'adding a user');
    const username = valid(checkUsername(input.username), 'username');
    const password = valid(checkPassword(input.password, this.#o.minPasswordLength), 'password');
    const displayName = valid(checkDisplayName(input.displayName ?? ''), 'displayName');
    const email = input.email ? valid(checkEmail(input.email), 'email') : null;
    const now = this.#o.clock.now();
    const user: UserRecord = {
      id: asUserId(this.#o.ids.next()),
      username,
      displayName: displayName || username,
      email,
      isAdmin: input.isAdmin ?? false,
      createdAt: now,
    };
    const credentials = await deriveCredentials(this.#credentialOptions(), username, password, now);
    await explainConflict(
      this.#o.store.accounts.insertUser(user, credentials),
      () => `user ${username} already exists`,
    );
    return user;
  }

  /** Any signed-in user may search the directory of users (SPEC I4). */
  async listUsers(
    _actor: Principal,
    query: Partial<UserQuery>,
  ): Promise<{ users: UserRecord[]; total: number }> {
    const limit = Math.min(Math.max(1, Math.trunc(query.limit ?? 100)), MAX_PAGE);
    const offset = Math.max(0, Math.trunc(query.offset ?? 0));
    const search = query.search?.trim();
    return this.#o.store.accounts.listUsers({ limit, offset, ...(search ? { search } : {}) });
  }

  async getUser(_actor: Principal, username: string): Promise<UserRecord> {
    return this.#find(username);
  }

  async updateUser(actor: Principal, username: string, patch: UserPatch): Promise<UserRecord> {
    const user = await this.#find(username);
    requireSelfOrAdministrator(actor, user.id, 'changing a user');
    if (patch.isAdmin !== undefined) {
      requireAdministrator(actor, 'granting or revoking administrator rights');
      if (!patch.isAdmin && user.isAdmin) await this.#refuseLastAdministrator(user);
    }
    const checked: UserPatch = {
      ...(patch.displayName !== undefined
        ? { displayName: valid(checkDisplayName(patch.displayName), 'displayName') || user.username }
        : {}),
      ...(patch.email !== undefined
        ? { email: patch.email ? valid(checkEmail(patch.email), 'email') : null }
        : {}),
      ...(patch.isAdmin !== undefined ? { isAdmin: patch.isAdmin } : {}),
    };
    return this.#o.store.accounts.updateUser(user.id, checked);
  }

  async setPassword(actor: Principal, username: string, password: string): Promise<void> {
    const user = await this.#find(username);
    requireSelfOrAdministrator(actor, user.id, 'changing a password');
    valid(checkPassword(password, this.#o.minPasswordLength), 'password');
    const credentials = await deriveCredentials(
      this.#credentialOptions(),
      user.username,
      password,
      this.#o.clock.now(),
    );
    await this.#o.store.accounts.setCredentials(user.id, credentials);
    for (const listener of this.#credentialListeners) listener(user);
  }

  async removeUser(actor: Principal, username: string): Promise<void> {
    requireAdministrator(actor, 'removing a user');
    const user = await this.#find(username);
    if (user.isAdmin) await this.#refuseLastAdministrator(user);
    await this.#o.store.accounts.deleteUser(user.id);
    for (const listener of this.#credentialListeners) listener(user);
  }

  /** The user if the password is theirs (argon2id), else null. Throttling is the caller's (AuthService). */
  async verifyPassword(username: string, password: string): Promise<UserRecord | null> {
    const name = checkUsername(username);
    if (!name.ok || password.length > 1024) return null;
    const user = await this.#o.store.accounts.findUserByName(name.value);
    const credentials = user ? await this.#o.store.accounts.getCredentials(user.id) : undefined;
    if (!user || !credentials) return null;
    return (await this.#o.hasher.verify(credentials.passwordHash, password)) ? user : null;
  }

  isAdministrator(actor: Principal): boolean {
    return isAdministrator(actor);
  }

  async #find(username: string): Promise<UserRecord> {
    const name = checkUsername(username);
    const user = name.ok ? await this.#o.store.accounts.findUserByName(name.value) : undefined;
    if (!user) throw notFound(`no user ${JSON.stringify(username)}`, 'username');
    return user;
  }

  async #refuseLastAdministrator(user: UserRecord): Promise<void> {
    // Pages through every user: administrators are few, but the directory may not be.
    for (let offset = 0; ; offset += MAX_PAGE) {
      const page = await this.#o.store.accounts.listUsers({ limit: MAX_PAGE, offset });
      if (page.users.some((u) => u.isAdmin && u.id !== user.id)) return;
      if (page.users.length < MAX_PAGE) break;
    }
    throw conflict(`${user.username} is the last administrator`, 'username');
  }

  #credentialOptions() {
    return {
      hasher: this.#o.hasher,
      realm: this.#o.domain,
      ...(this.#o.scramIterations === undefined ? {} : { scramIterations: this.#o.scramIterations }),
    };
  }
}
