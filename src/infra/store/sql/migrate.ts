/**
 * Numbered migrations, applied at open with Kysely's Migrator and a static provider (no files
 * read at run time). Applying is idempotent, and a failing run leaves the database as it was:
 * PostgreSQL runs the pending migrations in one transaction (Kysely does); SQLite supports
 * transactional DDL too, but Kysely does not use it there, so the run is wrapped in one here.
 */
import { type Kysely, type Migration, type MigrationResultSet, Migrator, sql } from 'kysely';
import { HeraldError, isHeraldError } from '../../../kernel/errors.js';
import { accountsAndDirectory } from './migrations/0001-accounts-and-directory.js';
import { rosterBlocksOffline } from './migrations/0002-roster-blocks-offline.js';
import { pep } from './migrations/0003-pep.js';
import { sipLocation } from './migrations/0004-sip-location.js';
import { lastActivity } from './migrations/0005-last-activity.js';
import { pepRosterGroups } from './migrations/0006-pep-roster-groups.js';
import { archive } from './migrations/0008-archive.js';
import { presence } from './migrations/0009-presence.js';
import { rooms } from './migrations/0010-rooms.js';
import { toStoreError } from './sql-errors.js';
import type { Database, SqlKind } from './sql-schema.js';

export interface NumberedMigration {
  /** Sorts in application order: NNNN-title. */
  readonly name: string;
  /** Builds the migration for one dialect (most migrations ignore it). */
  build(kind: SqlKind): Migration;
}

export const MIGRATIONS: readonly NumberedMigration[] = [
  { name: '0001-accounts-and-directory', build: accountsAndDirectory },
  { name: '0002-roster-blocks-offline', build: rosterBlocksOffline },
  { name: '0003-pep', build: pep },
  { name: '0004-sip-location', build: sipLocation },
  { name: '0005-last-activity', build: lastActivity },
  { name: '0006-pep-roster-groups', build: pepRosterGroups },
  { name: '0008-archive', build: archive },
  { name: '0009-presence', build: presence },
  { name: '0010-rooms', build: rooms },
];

export const MIGRATION_TABLE = 'herald_migration';

function migrator(db: Kysely<Database>, kind: SqlKind, migrations: readonly NumberedMigration[]): Migrator {
  const built = Object.fromEntries(migrations.map((m) => [m.name, m.build(kind)]));
  return new Migrator({
    db,
    provider: { getMigrations: async () => built },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
  });
}

async function runInSqliteTransaction(
  db: Kysely<Database>,
  migrations: readonly NumberedMigration[],
): Promise<MigrationResultSet> {
  // One connection for the whole run, so that every statement is inside BEGIN … COMMIT.
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    let resultSet: MigrationResultSet;
    try {
      resultSet = await migrator(connection, 'sqlite', migrations).migrateToLatest();
    } catch (error) {
      resultSet = { error };
    }
    await sql.raw(resultSet.error === undefined ? 'commit' : 'rollback').execute(connection);
    return resultSet;
  });
}

/**
 * Applies the pending migrations; returns the names applied now. A failure throws
 * HERALD_ERR_UNAVAILABLE when the database cannot be reached, else HERALD_ERR_INTERNAL naming
 * the migration.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  kind: SqlKind,
  migrations: readonly NumberedMigration[] = MIGRATIONS,
): Promise<string[]> {
  let resultSet: MigrationResultSet;
  try {
    resultSet =
      kind === 'sqlite'
        ? await runInSqliteTransaction(db, migrations)
        : await migrator(db, kind, migrations).migrateToLatest();
  } catch (error) {
    resultSet = { error };
  }
  const { error, results = [] } = resultSet;
  if (error !== undefined) {
    const mapped = toStoreError(error);
    if (isHeraldError(mapped, 'HERALD_ERR_UNAVAILABLE')) throw mapped;
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'run';
    const reason = error instanceof Error ? error.message : String(error);
    throw new HeraldError('HERALD_ERR_INTERNAL', `migration ${failed} failed: ${reason}`, failed, {
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
