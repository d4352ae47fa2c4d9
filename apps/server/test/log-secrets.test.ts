import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SESSION_COOKIE_NAME } from '../src/auth/sessions.js';
import { CookieJar, expectTRPCError } from './helpers/client.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, type RunningServer } from './helpers/server.js';

const DEVELOPER_PASSWORD = 'developer secret phrase';
const WRONG_PASSWORD = 'a wrong secret phrase';
const OVERLONG_PASSWORD = `overlong-${'x'.repeat(300)}`;

describe.each(databaseTargets())('log output of a full run on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;
  /** Every value that must not appear in any log line. */
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    database = await target.create();
    // No configured admin, so the server generates a one-time password.
    running = await startTestServer(database, {
      env: {
        AUTHTOKEN_ADMIN_EMAIL: undefined,
        AUTHTOKEN_ADMIN_PASSWORD: undefined,
        AUTHTOKEN_LOG_LEVEL: 'trace',
        AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: '2',
      },
    });
    const firstAdmin = running.server.firstAdmin;
    if (firstAdmin.status !== 'created' || firstAdmin.generatedPassword === null) {
      throw new Error('expected a generated first admin password');
    }
    secrets.set('one-time admin password', firstAdmin.generatedPassword);
    secrets.set('developer password', DEVELOPER_PASSWORD);
    secrets.set('wrong password', WRONG_PASSWORD);
    secrets.set('overlong password', OVERLONG_PASSWORD);

    const admin = await running.client().auth.signIn.mutate({
      email: firstAdmin.email,
      password: firstAdmin.generatedPassword,
      session: 'bearer',
    });
    secrets.set('admin bearer token', admin.token ?? '');
    const adminClient = running.client({ token: admin.token ?? '' });

    const jar = new CookieJar();
    const cookieClient = running.client({ jar });
    await cookieClient.auth.signUp.mutate({
      email: 'cookie@example.com',
      name: 'Cookie',
      password: DEVELOPER_PASSWORD,
    });
    secrets.set('cookie session token', jar.cookies.get(SESSION_COOKIE_NAME) ?? '');
    await cookieClient.auth.me.query();

    const bearer = await running.client().auth.signUp.mutate({
      email: 'bearer@example.com',
      name: 'Bearer',
      password: DEVELOPER_PASSWORD,
      session: 'bearer',
    });
    secrets.set('developer bearer token', bearer.token ?? '');
    const bearerClient = running.client({ token: bearer.token ?? '' });
    await bearerClient.auth.me.query();
    await expectTRPCError(bearerClient.users.list.query());

    for (let attempt = 0; attempt < 3; attempt++) {
      await expectTRPCError(
        running.client().auth.signIn.mutate({ email: 'bearer@example.com', password: WRONG_PASSWORD }),
      );
    }
    await expectTRPCError(
      running.client().auth.signIn.mutate({ email: 'nobody@example.com', password: WRONG_PASSWORD }),
    );
    await expectTRPCError(
      running.client().auth.signUp.mutate({ email: 'long@example.com', name: 'Long', password: OVERLONG_PASSWORD }),
    );

    const { users } = await adminClient.users.list.query();
    const bearerUser = users.find((user) => user.email === 'bearer@example.com');
    await adminClient.users.setRole.mutate({ userId: bearerUser?.id ?? '', role: 'admin' });

    const hashes = await running.server.database.db.selectFrom('users').select('password_hash').execute();
    hashes.forEach((row, index) => secrets.set(`password hash ${index}`, row.password_hash));

    await cookieClient.auth.signOut.mutate();
    await expectTRPCError(cookieClient.auth.me.query());
    await bearerClient.auth.signOut.mutate();

    // An unexpected database error logs its cause, which must not carry
    // the password either.
    await database.exec('drop table sessions');
    await expectTRPCError(
      running.client().auth.signIn.mutate({ email: firstAdmin.email, password: firstAdmin.generatedPassword }),
    );

    await running.stop();
  });

  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('captured the whole run', () => {
    const messages = running.logs.entries().map((entry) => entry.msg);
    expect(messages[0]).toBe('database ready');
    expect(messages).toContain('first admin created');
    expect(messages).toContain('server started');
    expect(messages).toContain('user signed in');
    expect(messages).toContain('sign-in failed');
    expect(messages).toContain('rate limit reached');
    expect(messages).toContain('user role changed');
    expect(messages).toContain('user signed out');
    expect(messages).toContain('procedure failed');
    expect(messages.at(-1)).toBe('server stopped');
  });

  it('every line is JSON', () => {
    expect(running.logs.lines.length).toBeGreaterThan(50);
    for (const line of running.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('contains no password, token or hash', () => {
    const text = running.logs.text;
    // Seven values from the run plus the password hashes of its three users.
    expect(secrets.size).toBe(10);
    for (const [label, secret] of secrets) {
      expect(secret.length, label).toBeGreaterThan(10);
      expect(text.includes(secret), `${label} appears in the logs`).toBe(false);
    }
  });

  it('contains no cookie or Authorization header', () => {
    expect(running.logs.text).not.toMatch(/bearer [A-Za-z0-9_-]{20}/i);
    expect(running.logs.text).not.toContain(`${SESSION_COOKIE_NAME}=`);
  });
});
