/**
 * AccountStore (core/ports.ts, SPEC S4) on SQL. A user row and their credentials row are written
 * together; credentials, device associations, roster, block list and offline messages go with
 * the user by ON DELETE CASCADE.
 */
import { sql } from 'kysely';
import {
  type AccountStore,
  asUserId,
  type StoredCredentials,
  type UserId,
  type UserPatch,
  type UserQuery,
  type UserRecord,
} from '../../../core/ports.js';
import { notFound } from '../../../kernel/errors.js';
import { checkUserQuery, foldForSearch } from '../user-search.js';
import { PrecompiledQuery, precompiledOnce } from './sql-precompiled.js';
import type { SqlRunner } from './sql-runner.js';
import type { UserCredentialsTable, UsersTable } from './sql-schema.js';

export function userFromRow(row: UsersTable): UserRecord {
  return {
    id: asUserId(row.id),
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    isAdmin: row.is_admin === 1,
    createdAt: row.created_at,
  };
}

function credentialsToRow(userId: UserId, c: StoredCredentials): UserCredentialsTable {
  return {
    user_id: userId,
    scram_sha1_iterations: c.scramSha1.iterations,
    scram_sha1_salt: c.scramSha1.salt,
    scram_sha1_stored_key: c.scramSha1.storedKey,
    scram_sha1_server_key: c.scramSha1.serverKey,
    scram_sha256_iterations: c.scramSha256.iterations,
    scram_sha256_salt: c.scramSha256.salt,
    scram_sha256_stored_key: c.scramSha256.storedKey,
    scram_sha256_server_key: c.scramSha256.serverKey,
    digest_realm: c.digestRealm,
    ha1_md5: c.ha1Md5,
    ha1_sha256: c.ha1Sha256,
    password_hash: c.passwordHash,
    updated_at: c.updatedAt,
  };
}

function credentialsFromRow(row: UserCredentialsTable): StoredCredentials {
  return {
    scramSha1: {
      iterations: row.scram_sha1_iterations,
      salt: row.scram_sha1_salt,
      storedKey: row.scram_sha1_stored_key,
      serverKey: row.scram_sha1_server_key,
    },
    scramSha256: {
      iterations: row.scram_sha256_iterations,
      salt: row.scram_sha256_salt,
      storedKey: row.scram_sha256_stored_key,
      serverKey: row.scram_sha256_server_key,
    },
    digestRealm: row.digest_realm,
    ha1Md5: row.ha1_md5,
    ha1Sha256: row.ha1_sha256,
    passwordHash: row.password_hash,
    updatedAt: row.updated_at,
  };
}

/** LIKE treats % and _ as wildcards; a search for "50%" means the three characters. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Looked up by every SIP request and XMPP login: compiled once (sql-precompiled.ts). */
function accountQueries(runner: SqlRunner) {
  return {
    byId: new PrecompiledQuery<{ id: string }, UsersTable>(runner.db, ['id'], (db, p) =>
      db.selectFrom('users').selectAll().where('id', '=', p.id),
    ),
    byName: new PrecompiledQuery<{ username: string }, UsersTable>(runner.db, ['username'], (db, p) =>
      db.selectFrom('users').selectAll().where('username', '=', p.username),
    ),
    credentials: new PrecompiledQuery<{ id: string }, UserCredentialsTable>(runner.db, ['id'], (db, p) =>
      db.selectFrom('user_credentials').selectAll().where('user_id', '=', p.id),
    ),
  };
}

export class SqlAccountStore implements AccountStore {
  readonly #queries: ReturnType<typeof accountQueries>;

  constructor(private readonly runner: SqlRunner) {
    this.#queries = precompiledOnce(runner.db, 'accounts', () => accountQueries(runner));
  }

  async insertUser(user: UserRecord, credentials: StoredCredentials): Promise<void> {
    await this.runner.write(async (db) => {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          username: user.username,
          display_name: user.displayName,
          display_name_folded: foldForSearch(user.displayName),
          email: user.email,
          is_admin: user.isAdmin ? 1 : 0,
          created_at: user.createdAt,
        })
        .execute();
      await db.insertInto('user_credentials').values(credentialsToRow(user.id, credentials)).execute();
    });
  }

  async findUserById(id: UserId): Promise<UserRecord | undefined> {
    const [row] = await this.runner.read((db) => this.#queries.byId.rows(db, { id }));
    return row && userFromRow(row);
  }

  async findUserByName(username: string): Promise<UserRecord | undefined> {
    const [row] = await this.runner.read((db) => this.#queries.byName.rows(db, { username }));
    return row && userFromRow(row);
  }

  async listUsers(query: UserQuery): Promise<{ users: UserRecord[]; total: number }> {
    checkUserQuery(query);
    const pattern = query.search ? `%${escapeLike(foldForSearch(query.search))}%` : undefined;
    return this.runner.read(async (db) => {
      const matching = db
        .selectFrom('users')
        .$if(pattern !== undefined, (q) =>
          q.where(
            sql<boolean>`(username like ${pattern} escape '\\' or display_name_folded like ${pattern} escape '\\')`,
          ),
        );
      const rows = await matching
        .selectAll()
        .orderBy('username')
        .limit(query.limit)
        .offset(query.offset)
        .execute();
      const count = await matching
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      return { users: rows.map(userFromRow), total: Number(count.total) };
    });
  }

  async updateUser(id: UserId, patch: UserPatch): Promise<UserRecord> {
    return this.runner.write(async (db) => {
      const changes = {
        ...(patch.displayName !== undefined && {
          display_name: patch.displayName,
          display_name_folded: foldForSearch(patch.displayName),
        }),
        ...(patch.email !== undefined && { email: patch.email }),
        ...(patch.isAdmin !== undefined && { is_admin: patch.isAdmin ? 1 : 0 }),
      };
      if (Object.keys(changes).length > 0) {
        await db.updateTable('users').set(changes).where('id', '=', id).execute();
      }
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`no user ${id}`, 'id');
      return userFromRow(row);
    });
  }

  async getCredentials(id: UserId): Promise<StoredCredentials | undefined> {
    const [row] = await this.runner.read((db) => this.#queries.credentials.rows(db, { id }));
    return row && credentialsFromRow(row);
  }

  async setCredentials(id: UserId, credentials: StoredCredentials): Promise<void> {
    await this.runner.write(async (db) => {
      const user = await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst();
      if (!user) throw notFound(`no user ${id}`, 'id');
      const { user_id: _, ...values } = credentialsToRow(id, credentials);
      await db
        .insertInto('user_credentials')
        .values({ user_id: id, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    });
  }

  async deleteUser(id: UserId): Promise<boolean> {
    return this.runner.remove((db) => db.deleteFrom('users').where('id', '=', id).executeTakeFirst());
  }
}
