import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';

import { SQLITE_BUSY_TIMEOUT_MS, type DatabaseKind } from './index.js';

// Migrations are code, not files, so the built server carries them. Each one
// uses only column types and statements that SQLite and PostgreSQL both
// accept, so one list serves both databases. Names sort in the order they
// run. Never edit or rename one that has shipped, but add a new one instead.
const migrations: Record<string, Migration> = {
  '0001_users_and_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('email', 'text', (column) => column.notNull().unique())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('password_hash', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addCheckConstraint('users_role_check', sql`role in ('developer', 'admin')`)
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addColumn('last_used_at', 'bigint', (column) => column.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user_id_index').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_at_index').on('sessions').column('expires_at').execute();

      await db.schema
        .createTable('rate_limits')
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('window_started_at', 'bigint', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull().defaultTo(1))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('rate_limits').execute();
      await db.schema.dropTable('sessions').execute();
      await db.schema.dropTable('users').execute();
    },
  },
};

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Names of all migrations in this build, in the order they run. */
export const MIGRATION_NAMES = Object.keys(migrations).sort();

/** Raised when a migration fails. The database keeps the migrations applied before it. */
export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
}

/** How long a start waits for another process that is migrating the same SQLite file, in milliseconds. */
const SQLITE_LOCK_WAIT_MS = 30_000;
const SQLITE_LOCK_RETRY_MS = 25;

function isSqliteBusy(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'SQLITE_BUSY';
}

/**
 * Runs the migrator inside a `BEGIN IMMEDIATE` transaction, which holds
 * SQLite's write lock. Kysely's SQLite adapter takes no lock of its own, so
 * without this two processes starting on one file could both see a
 * migration as pending and both run it. The lock is polled with a zero busy
 * timeout because better-sqlite3 waits synchronously, which would stall a
 * second connection in the same process. `db` is `Kysely<any>` because
 * the migrator does not know the schema.
 */
async function migrateSqlite(db: Kysely<any>): Promise<MigrationResultSet> {
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  await sql`pragma busy_timeout = 0`.execute(db);
  try {
    for (;;) {
      try {
        await sql`begin immediate`.execute(db);
        break;
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, SQLITE_LOCK_RETRY_MS));
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`).execute(db);
  }

  try {
    const resultSet = await new Migrator({ db, provider, disableTransactions: true }).migrateToLatest();
    await sql.raw(resultSet.error === undefined ? 'commit' : 'rollback').execute(db);
    return resultSet;
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}

/**
 * Runs the migrator with its bookkeeping tables in the connection's current
 * schema. Without an explicit schema, Kysely 0.28 looks for
 * `kysely_migration` in every schema, so a second deployment in another
 * schema of the same database would make it skip creating its own.
 */
async function migratePostgres(db: Kysely<any>): Promise<MigrationResultSet> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === null || schema === undefined) {
    throw new MigrationError(
      'PostgreSQL reports no current schema; create the first schema named in search_path or change search_path',
    );
  }
  return new Migrator({ db, provider, migrationTableSchema: schema }).migrateToLatest();
}

/**
 * Applies every pending migration, each database under its own lock: a
 * PostgreSQL advisory lock that Kysely's migrator takes, or SQLite's write
 * lock. Several server instances starting at once run each migration once.
 *
 * @returns the names of the migrations applied by this call.
 * @throws {MigrationError} with the failing migration's name and the driver error as `cause`.
 */
export async function migrateToLatest(handle: { db: Kysely<any>; kind: DatabaseKind }): Promise<string[]> {
  const { error, results } =
    handle.kind === 'sqlite' ? await migrateSqlite(handle.db) : await migratePostgres(handle.db);
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`Database migration "${failed}" failed`, { cause: error });
  }
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
