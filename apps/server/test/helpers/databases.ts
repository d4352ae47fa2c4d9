import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import SQLite from 'better-sqlite3';
import pg from 'pg';

import { SQLITE_FILE_NAME } from '../../src/db/index.js';

/** Database made for one test or test file. `drop` removes it with all its data. */
export interface TestDatabase {
  /** Values for the AUTHTOKEN_DATA_DIR and AUTHTOKEN_DATABASE_URL variables. */
  env: { AUTHTOKEN_DATA_DIR: string; AUTHTOKEN_DATABASE_URL?: string };
  /** Runs SQL on a separate connection, as an operator with a SQL shell would. */
  exec(statement: string): Promise<void>;
  drop(): Promise<void>;
}

export interface DatabaseTarget {
  name: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const POSTGRES_URL_VARIABLE = 'AUTHTOKEN_TEST_POSTGRES_URL';

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'authtoken-server-test-'));
  return {
    env: { AUTHTOKEN_DATA_DIR: dataDir },
    async exec(statement) {
      const database = new SQLite(path.join(dataDir, SQLITE_FILE_NAME));
      try {
        database.exec(statement);
      } finally {
        database.close();
      }
    },
    async drop() {
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Appends libpq `options` that put every unqualified table in `schema`. */
function withSearchPath(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function withClient<T>(connectionString: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(baseUrl: string): Promise<TestDatabase> {
  // Test files run in parallel against one database, so each gets a schema
  // of its own with a random name.
  const schema = `authtoken_test_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, (client) => client.query(`create schema ${schema}`));
  const url = withSearchPath(baseUrl, schema);
  return {
    env: { AUTHTOKEN_DATA_DIR: path.join(tmpdir(), 'authtoken-unused'), AUTHTOKEN_DATABASE_URL: url },
    async exec(statement) {
      await withClient(url, (client) => client.query(statement));
    },
    async drop() {
      await withClient(baseUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
    },
  };
}

/**
 * Lists the databases every persistence and API test runs against: SQLite
 * always, and PostgreSQL when AUTHTOKEN_TEST_POSTGRES_URL is set. On CI
 * (CI=true) a missing URL makes the PostgreSQL tests fail instead of
 * vanishing.
 */
export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ name: 'sqlite', create: createSqliteDatabase }];
  const postgresUrl = process.env[POSTGRES_URL_VARIABLE];
  if (postgresUrl !== undefined && postgresUrl !== '') {
    targets.push({ name: 'postgres', create: () => createPostgresDatabase(postgresUrl) });
  } else if (process.env.CI === 'true') {
    targets.push({
      name: 'postgres',
      create: () =>
        Promise.reject(new Error(`${POSTGRES_URL_VARIABLE} is not set; CI must run the tests against PostgreSQL too`)),
    });
  }
  return targets;
}
