import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_ADMIN_EMAIL } from '../src/auth/first-admin.js';
import { expectTRPCError } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, TEST_ADMIN, type RunningServer } from './helpers/server.js';

const PASSWORD = 'developer password';

/** Locks every admin row from a separate PostgreSQL connection until `release` is called. */
async function holdAdminRows(database: TestDatabase): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: database.env.AUTHTOKEN_DATABASE_URL });
  await client.connect();
  await client.query('begin');
  await client.query(`select id from users where role = 'admin' for update`);
  return {
    async release() {
      await client.query('commit');
      await client.end();
    },
  };
}

describe.each(databaseTargets())('roles and first admin on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer | undefined;

  beforeEach(async () => {
    database = await target.create();
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
    await database?.drop();
  });

  async function signInAdmin(server: RunningServer) {
    const { token } = await server.client().auth.signIn.mutate({ ...TEST_ADMIN, session: 'bearer' });
    return server.client({ token: token ?? '' });
  }

  async function signUpDeveloper(server: RunningServer, email: string) {
    const result = await server
      .client()
      .auth.signUp.mutate({ email, name: email, password: PASSWORD, session: 'bearer' });
    return { user: result.user, client: server.client({ token: result.token ?? '' }) };
  }

  it('generated first admin signs in with printed password', async () => {
    running = await startTestServer(database, {
      env: { AUTHTOKEN_ADMIN_EMAIL: undefined, AUTHTOKEN_ADMIN_PASSWORD: undefined },
    });
    const firstAdmin = running.server.firstAdmin;
    expect(firstAdmin.status).toBe('created');
    if (firstAdmin.status !== 'created') return;
    expect(firstAdmin.email).toBe(DEFAULT_ADMIN_EMAIL);
    expect(firstAdmin.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const signedIn = await running.client().auth.signIn.mutate({
      email: firstAdmin.email,
      password: firstAdmin.generatedPassword ?? '',
      session: 'bearer',
    });
    expect(signedIn.user.role).toBe('admin');
    const admin = running.client({ token: signedIn.token ?? '' });
    const { users } = await admin.users.list.query();
    expect(users.map((user) => user.email)).toEqual([DEFAULT_ADMIN_EMAIL]);
  });

  it('configured first admin is created once', async () => {
    running = await startTestServer(database);
    expect(running.server.firstAdmin).toEqual({ status: 'created', email: TEST_ADMIN.email, generatedPassword: null });
    const admin = await signInAdmin(running);
    expect((await admin.auth.me.query()).role).toBe('admin');
    await running.stop();

    // A restart with other admin settings keeps the existing admin.
    running = await startTestServer(database, {
      env: { AUTHTOKEN_ADMIN_EMAIL: 'other@example.com', AUTHTOKEN_ADMIN_PASSWORD: 'another admin password' },
    });
    expect(running.server.firstAdmin).toEqual({ status: 'exists', email: TEST_ADMIN.email });
    const again = await signInAdmin(running);
    const { users, total } = await again.users.list.query();
    expect(total).toBe(1);
    expect(users[0]?.email).toBe(TEST_ADMIN.email);
  });

  it('instances starting together create one admin', async () => {
    const [first, second] = await Promise.all([startTestServer(database), startTestServer(database)]);
    try {
      const statuses = [first.server.firstAdmin.status, second.server.firstAdmin.status].sort();
      expect(statuses).toEqual(['created', 'exists']);
      const admin = await signInAdmin(second);
      expect((await admin.users.list.query()).total).toBe(1);
    } finally {
      await first.stop();
      await second.stop();
    }
  });

  it('developer cannot call admin procedures', async () => {
    running = await startTestServer(database);
    const { user, client } = await signUpDeveloper(running, 'dev@example.com');

    const list = await expectTRPCError(client.users.list.query());
    expect(list.data?.code).toBe('FORBIDDEN');
    expect(list.message).toBe('This procedure requires the admin role');

    const promote = await expectTRPCError(client.users.setRole.mutate({ userId: user.id, role: 'admin' }));
    expect(promote.data?.code).toBe('FORBIDDEN');
    expect((await client.auth.me.query()).role).toBe('developer');
  });

  it('admin procedures reject anonymous callers', async () => {
    running = await startTestServer(database);
    const error = await expectTRPCError(running.client().users.list.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('admin lists users page by page', async () => {
    // Distinct sign-up times make the order by creation time deterministic.
    const clock = new FakeClock();
    running = await startTestServer(database, { clock });
    for (const name of ['a', 'b', 'c']) {
      clock.advanceSeconds(1);
      await signUpDeveloper(running, `${name}@example.com`);
    }
    const admin = await signInAdmin(running);

    const all = await admin.users.list.query();
    expect(all.total).toBe(4);
    expect(all.users.map((user) => user.email)).toEqual([
      TEST_ADMIN.email,
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    expect(all.users[0]).not.toHaveProperty('password_hash');

    const page = await admin.users.list.query({ limit: 2, offset: 1 });
    expect(page.users.map((user) => user.email)).toEqual(['a@example.com', 'b@example.com']);
    expect(page.total).toBe(4);
  });

  it('admin changes a role and it applies at once', async () => {
    running = await startTestServer(database);
    const developer = await signUpDeveloper(running, 'rising@example.com');
    const admin = await signInAdmin(running);

    const promoted = await admin.users.setRole.mutate({ userId: developer.user.id, role: 'admin' });
    expect(promoted.role).toBe('admin');
    // The same session now passes the admin check without signing in again.
    expect((await developer.client.users.list.query()).total).toBe(2);

    const demoted = await developer.client.users.setRole.mutate({ userId: developer.user.id, role: 'developer' });
    expect(demoted.role).toBe('developer');
    const error = await expectTRPCError(developer.client.users.list.query());
    expect(error.data?.code).toBe('FORBIDDEN');
  });

  it('setting the same role logs no change', async () => {
    running = await startTestServer(database);
    const developer = await signUpDeveloper(running, 'steady@example.com');
    const admin = await signInAdmin(running);

    const same = await admin.users.setRole.mutate({ userId: developer.user.id, role: 'developer' });
    expect(same.role).toBe('developer');
    const messages = running.logs.entries().map((entry) => entry.msg);
    expect(messages).toContain('user role unchanged');
    expect(messages).not.toContain('user role changed');
  });

  it('last admin cannot be demoted', async () => {
    running = await startTestServer(database);
    const admin = await signInAdmin(running);
    const me = await admin.auth.me.query();

    const error = await expectTRPCError(admin.users.setRole.mutate({ userId: me.id, role: 'developer' }));
    expect(error.data?.code).toBe('PRECONDITION_FAILED');
    expect(error.message).toBe('Cannot remove the admin role from the last admin; make another user admin first');
    expect((await admin.auth.me.query()).role).toBe('admin');
  });

  it('concurrent demotions keep one admin', async () => {
    running = await startTestServer(database);
    const admin = await signInAdmin(running);
    const others = await Promise.all(
      ['second@example.com', 'third@example.com'].map((email) => signUpDeveloper(running!, email)),
    );
    for (const other of others) await admin.users.setRole.mutate({ userId: other.user.id, role: 'admin' });
    const adminIds = [(await admin.auth.me.query()).id, ...others.map((other) => other.user.id)];

    // On PostgreSQL another connection locks the admin rows, so all three
    // demotions are in flight together when it commits. Without the row
    // lock in setRole, each would count three admins and all three would go.
    const holder = target.name === 'postgres' ? await holdAdminRows(database) : undefined;
    const callers = [admin, ...others.map((other) => other.client)];
    const pending = Promise.allSettled(
      callers.map((caller, index) =>
        caller.users.setRole.mutate({ userId: adminIds[(index + 1) % adminIds.length]!, role: 'developer' }),
      ),
    );
    if (holder !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      await holder.release();
    }
    const results = await pending;

    const remaining = await running.server.database.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .execute();
    expect(remaining).toHaveLength(1);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(2);
  });

  it('setRole on unknown user is not found', async () => {
    running = await startTestServer(database);
    const admin = await signInAdmin(running);
    const missing = '00000000-0000-4000-8000-000000000000';

    const error = await expectTRPCError(admin.users.setRole.mutate({ userId: missing, role: 'admin' }));
    expect(error.data?.code).toBe('NOT_FOUND');
    expect(error.message).toBe(`No user with id ${missing}`);
  });

  it('first admin email taken by a developer stops start', async () => {
    running = await startTestServer(database);
    await signUpDeveloper(running, 'taken@example.com');
    // Remove every admin so the next start tries to create one.
    await database.exec(`delete from users where role = 'admin'`);
    await running.stop();
    running = undefined;

    await expect(startTestServer(database, { env: { AUTHTOKEN_ADMIN_EMAIL: 'taken@example.com' } })).rejects.toThrow(
      'The first admin email taken@example.com already belongs to a developer account; set AUTHTOKEN_ADMIN_EMAIL to another address',
    );
  });
});
