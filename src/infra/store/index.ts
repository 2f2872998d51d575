export { MemoryStore } from './memory/memory-store.js';
export { type OpenStoreOptions, openStore, SQLITE_FILE } from './open-store.js';
export {
  type PostgresOptions,
  postgresConnection,
  type SqlConnection,
  type SqliteOptions,
  sqliteConnection,
} from './sql/dialects.js';
export { MIGRATION_TABLE, MIGRATIONS, migrateToLatest, type NumberedMigration } from './sql/migrate.js';
export type { SqlKind } from './sql/sql-schema.js';
export { SqlStore } from './sql/sql-store.js';
