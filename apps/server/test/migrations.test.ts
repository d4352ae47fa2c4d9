import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isUniqueViolation, openDatabase, pingDatabase, type DatabaseHandle } from '../src/db/index.js';
import { MIGRATION_NAMES, migrateToLatest } from '../src/db/migrations.js';
import type { NewUser } from '../src/db/schema.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';

const LATE_TIMESTAMP = 4_102_444_800_000; // 2100-01-01, past the 32-bit range in seconds and milliseconds

function user(overrides: Partial<NewUser> = {}): NewUser {
  return {
    id: overrides.id ?? crypto.randomUUID(),
    email: 'row@example.com',
    name: 'Row',
    password_hash: '$argon2id$placeholder',
    role: 'developer',
    created_at: LATE_TIMESTAMP,
    updated_at: LATE_TIMESTAMP,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

describe.each(databaseTargets())('migrations on $name', (target) => {
  let database: TestDatabase;
  let handles: DatabaseHandle[];

  const open = () => {
    const handle = openDatabase({
      databaseUrl: database.env.AUTHTOKEN_DATABASE_URL,
      dataDir: database.env.AUTHTOKEN_DATA_DIR,
    });
    handles.push(handle);
    return handle;
  };

  beforeEach(async () => {
    database = await target.create();
    handles = [];
  });

  afterEach(async () => {
    for (const handle of handles) await handle.db.destroy();
    await database?.drop();
  });

  it('opens the database the config selects', () => {
    const { kind } = open();
    expect(kind).toBe(target.name);
  });

  it('applies every migration once', async () => {
    const { db } = open();
    expect(await migrateToLatest({ db, kind: target.name })).toEqual(MIGRATION_NAMES);
    expect(await migrateToLatest({ db, kind: target.name })).toEqual([]);

    const recorded = await db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(recorded.map((row) => (row as { name: string }).name)).toEqual(MIGRATION_NAMES);
  });

  it('concurrent starts migrate once', async () => {
    const results = await Promise.all([migrateToLatest(open()), migrateToLatest(open())]);
    expect(results.flat()).toEqual(MIGRATION_NAMES);
  });

  it('migrates beside an already migrated neighbour', async () => {
    // On PostgreSQL the neighbour is another schema of the same database,
    // whose kysely_migration table must not count as this one's.
    const neighbour = await target.create();
    try {
      const neighbourHandle = openDatabase({
        databaseUrl: neighbour.env.AUTHTOKEN_DATABASE_URL,
        dataDir: neighbour.env.AUTHTOKEN_DATA_DIR,
      });
      handles.push(neighbourHandle);
      expect(await migrateToLatest(neighbourHandle)).toEqual(MIGRATION_NAMES);

      const { db } = open();
      expect(await migrateToLatest({ db, kind: target.name })).toEqual(MIGRATION_NAMES);
      await db.insertInto('users').values(user()).execute();
      expect(await neighbourHandle.db.selectFrom('users').selectAll().execute()).toEqual([]);
    } finally {
      await neighbour.drop();
    }
  });

  it('keeps millisecond times as numbers', async () => {
    const { db } = open();
    await migrateToLatest({ db, kind: target.name });
    await db.insertInto('users').values(user()).execute();

    const row = await db.selectFrom('users').select(['created_at', 'updated_at']).executeTakeFirstOrThrow();
    expect(row.created_at).toBe(LATE_TIMESTAMP);
    expect(typeof row.updated_at).toBe('number');
  });

  it('enforces unique emails', async () => {
    const { db } = open();
    await migrateToLatest({ db, kind: target.name });
    await db.insertInto('users').values(user()).execute();

    const error = await rejection(db.insertInto('users').values(user()).execute());
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('rejects unknown roles', async () => {
    const { db } = open();
    await migrateToLatest({ db, kind: target.name });

    const error = await rejection(
      db
        .insertInto('users')
        .values(user({ role: 'root' as never }))
        .execute(),
    );
    expect(String(error)).toMatch(/users_role_check|CHECK constraint/i);
    expect(isUniqueViolation(error)).toBe(false);
  });

  it('sessions need an existing user and go with it', async () => {
    const { db } = open();
    await migrateToLatest({ db, kind: target.name });
    const session = {
      id: crypto.randomUUID(),
      token_hash: 'a'.repeat(64),
      user_id: crypto.randomUUID(),
      created_at: 1,
      expires_at: 2,
      last_used_at: 1,
      revoked_at: null,
    };

    const error = await rejection(db.insertInto('sessions').values(session).execute());
    expect(String(error)).toMatch(/foreign key/i);

    const owner = user();
    await db.insertInto('users').values(owner).execute();
    await db
      .insertInto('sessions')
      .values({ ...session, user_id: owner.id })
      .execute();
    await db.deleteFrom('users').where('id', '=', owner.id).execute();
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
  });

  it('ping fails once the database is closed', async () => {
    const handle = open();
    await expect(pingDatabase(handle.db)).resolves.toBeUndefined();
    await handle.db.destroy();
    handles = handles.filter((item) => item !== handle);
    await expect(pingDatabase(handle.db)).rejects.toThrow();
  });
});
