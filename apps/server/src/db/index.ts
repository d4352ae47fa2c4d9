import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';

import type { Database } from './schema.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  /** Data location for messages: the SQLite file path, or the PostgreSQL host and database without credentials. */
  location: string;
}

/** File name of the SQLite database inside the data folder. */
export const SQLITE_FILE_NAME = 'authtoken.sqlite';

/** How long a SQLite statement waits for another connection's write lock, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

const PG_INT8_OID = 20;

/**
 * How long a PostgreSQL connection attempt may take, in milliseconds. node-postgres waits
 * without a limit by default, so an unreachable database would hold every request open.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

/**
 * Error on an idle pooled PostgreSQL connection, such as the server ending it
 * at a restart. The driver's error object refers to the client, whose
 * connection parameters include the password, so only these fields are kept.
 */
export interface IdleConnectionError {
  message: string;
  /** PostgreSQL SQLSTATE or Node system error code, such as `57P01` or `ECONNRESET`. */
  code: string | undefined;
}

/**
 * Opens the database the configuration selects: PostgreSQL when
 * `databaseUrl` is set, otherwise a SQLite file in `dataDir` (created with
 * its folder when missing). No query is sent yet, because migrations run next.
 *
 * @param options.onIdleConnectionError called when PostgreSQL drops an idle
 *   pooled connection. The pool discards it and opens a new one when needed.
 */
export function openDatabase(options: {
  databaseUrl: string | undefined;
  dataDir: string;
  onIdleConnectionError?: (error: IdleConnectionError) => void;
}): DatabaseHandle {
  if (options.databaseUrl !== undefined) {
    return openPostgres(options.databaseUrl, options.onIdleConnectionError ?? (() => undefined));
  }
  return openSqlite(options.dataDir);
}

function openSqlite(dataDir: string): DatabaseHandle {
  // The database contains password and session hashes, so only this user may read it. SQLite
  // gives the -wal and -shm files the mode of the database file.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, SQLITE_FILE_NAME);
  const database = new SQLite(file);
  chmodSync(file, 0o600);
  // WAL lets readers run while a write is in progress, and the busy timeout
  // makes a second writer wait instead of failing at once.
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), kind: 'sqlite', location: file };
}

function openPostgres(
  connectionString: string,
  onIdleConnectionError: (error: IdleConnectionError) => void,
): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    // BIGINT columns contain millisecond timestamps, which fit in a double,
    // but node-postgres returns BIGINT as a string by default.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === PG_INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Without a listener, node-postgres raises this event as an uncaught
  // exception, which would stop the server.
  pool.on('error', (error: Error & { code?: unknown }) => {
    onIdleConnectionError({ message: error.message, code: typeof error.code === 'string' ? error.code : undefined });
  });
  const url = new URL(connectionString);
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    kind: 'postgres',
    location: `${url.hostname}:${url.port || '5432'}${url.pathname}`,
  };
}

/** Sends a trivial query, and rejects when the database cannot be reached. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Tells whether an error from either driver is a unique-constraint violation. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  // SQLITE_CONSTRAINT_PRIMARYKEY is included because SQLite reports a
  // duplicate primary key with its own code.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
