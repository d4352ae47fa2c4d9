import type { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SESSION_COOKIE_NAME } from '../src/auth/sessions.js';
import type { AppRouter } from '../src/index.js';
import { CookieJar, createClient, expectTRPCError } from './helpers/client.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, type RunningServer } from './helpers/server.js';

const PASSWORD = 'correct horse battery staple';

describe.each(databaseTargets())('accounts and sessions on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;
  let counter = 0;

  /** Returns an email no other test in this file uses. */
  const freshEmail = () => `user${++counter}@example.com`;

  beforeAll(async () => {
    database = await target.create();
    running = await startTestServer(database);
  });

  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('sign-up with bearer returns a working token', async () => {
    const email = freshEmail();
    const signedUp = await running
      .client()
      .auth.signUp.mutate({ email, name: 'Ada', password: PASSWORD, session: 'bearer' });

    expect(signedUp.user.email).toBe(email);
    expect(signedUp.user.role).toBe('developer');
    expect(signedUp.user).not.toHaveProperty('password_hash');
    expect(signedUp.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await running.client({ token: signedUp.token ?? '' }).auth.me.query();
    expect(me.id).toBe(signedUp.user.id);
    expect(me.name).toBe('Ada');
  });

  it('sign-up with cookie sets HttpOnly SameSite cookie', async () => {
    const jar = new CookieJar();
    const client = running.client({ jar });
    const signedUp = await client.auth.signUp.mutate({ email: freshEmail(), name: 'Grace', password: PASSWORD });

    expect(signedUp.token).toBeNull();
    const header = jar.lastSetCookie.find((cookie) => cookie.startsWith(`${SESSION_COOKIE_NAME}=`));
    expect(header).toBeDefined();
    expect(header).toMatch(/;\s*HttpOnly/i);
    expect(header).toMatch(/;\s*SameSite=Lax/i);
    expect(header).toMatch(/;\s*Path=\//i);
    expect(header).not.toMatch(/;\s*Secure/i);

    const me = await client.auth.me.query();
    expect(me.id).toBe(signedUp.user.id);
  });

  it('sign-up stores email normalised', async () => {
    const signedUp = await running.client().auth.signUp.mutate({
      email: '  Mixed.Case@Example.COM ',
      name: 'Mixed',
      password: PASSWORD,
      session: 'bearer',
    });
    expect(signedUp.user.email).toBe('mixed.case@example.com');

    const signedIn = await running.client().auth.signIn.mutate({
      email: 'MIXED.CASE@example.com',
      password: PASSWORD,
      session: 'bearer',
    });
    expect(signedIn.user.id).toBe(signedUp.user.id);
  });

  it('sign-up with a taken email conflicts', async () => {
    const email = freshEmail();
    await running.client().auth.signUp.mutate({ email, name: 'First', password: PASSWORD });

    const error = await expectTRPCError(
      running.client().auth.signUp.mutate({ email: email.toUpperCase(), name: 'Second', password: PASSWORD }),
    );
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.message).toBe('An account with this email already exists; sign in instead');
  });

  it('concurrent sign-ups share one account', async () => {
    const email = freshEmail();
    const variants = [email, email.toUpperCase(), ` ${email}`, `${email}\t`, email.replace('user', 'USER')];
    const results = await Promise.allSettled(
      variants.map((variant) =>
        running.client().auth.signUp.mutate({ email: variant, name: 'Racer', password: PASSWORD }),
      ),
    );

    const created = results.filter((result) => result.status === 'fulfilled');
    expect(created).toHaveLength(1);
    const conflicts = results.filter(
      (result) =>
        result.status === 'rejected' && (result.reason as TRPCClientError<AppRouter>).data?.code === 'CONFLICT',
    );
    expect(conflicts).toHaveLength(variants.length - 1);
    const rows = await running.server.database.db
      .selectFrom('users')
      .select('email')
      .where('email', '=', email)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('sign-in with cookie then bearer', async () => {
    const email = freshEmail();
    await running.client().auth.signUp.mutate({ email, name: 'Linus', password: PASSWORD });

    const jar = new CookieJar();
    const cookieClient = running.client({ jar });
    const viaCookie = await cookieClient.auth.signIn.mutate({ email, password: PASSWORD });
    expect(viaCookie.token).toBeNull();
    expect(jar.cookies.get(SESSION_COOKIE_NAME)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await cookieClient.auth.me.query()).email).toBe(email);

    const viaBearer = await running.client().auth.signIn.mutate({ email, password: PASSWORD, session: 'bearer' });
    expect(viaBearer.token).not.toBe(jar.cookies.get(SESSION_COOKIE_NAME));
    expect((await running.client({ token: viaBearer.token ?? '' }).auth.me.query()).email).toBe(email);
  });

  it('wrong password and unknown email give one error', async () => {
    const email = freshEmail();
    await running.client().auth.signUp.mutate({ email, name: 'Known', password: PASSWORD });

    const wrongPassword = await expectTRPCError(
      running.client().auth.signIn.mutate({ email, password: 'not the right password' }),
    );
    const unknownEmail = await expectTRPCError(
      running.client().auth.signIn.mutate({ email: 'nobody-here@example.com', password: 'not the right password' }),
    );

    expect(wrongPassword.data?.code).toBe('UNAUTHORIZED');
    expect(unknownEmail.data?.code).toBe('UNAUTHORIZED');
    expect(wrongPassword.message).toBe('Invalid email or password');
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(unknownEmail.data?.httpStatus).toBe(wrongPassword.data?.httpStatus);
  });

  it('unknown email takes as long as wrong password', async () => {
    const email = freshEmail();
    await running.client().auth.signUp.mutate({ email, name: 'Timed', password: PASSWORD });

    const timeSignIn = async (target: string) => {
      const started = performance.now();
      await expectTRPCError(running.client().auth.signIn.mutate({ email: target, password: 'wrong password!' }));
      return performance.now() - started;
    };
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

    // Samples alternate between the two cases so that load from other test
    // files slows both alike.
    const knownDurations: number[] = [];
    const unknownDurations: number[] = [];
    for (let round = 0; round < 7; round++) {
      knownDurations.push(await timeSignIn(email));
      unknownDurations.push(await timeSignIn(`ghost${round}-${counter}@example.com`));
    }
    const known = median(knownDurations);
    const unknown = median(unknownDurations);

    // Both paths run one Argon2 verification of tens of milliseconds. Without
    // the dummy verification, an unknown email would fail in about 1 ms.
    expect(unknown).toBeGreaterThan(known * 0.5);
    expect(unknown).toBeLessThan(known * 2);
  });

  it('me without a session is unauthorized', async () => {
    const error = await expectTRPCError(running.client().auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Not signed in; sign in first');
  });

  it('made-up bearer token is unauthorized', async () => {
    const error = await expectTRPCError(running.client({ token: 'x'.repeat(43) }).auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Session is invalid, expired or revoked; sign in again');
  });

  it('malformed Authorization header does not fall back to cookie', async () => {
    const jar = new CookieJar();
    await running.client({ jar }).auth.signUp.mutate({ email: freshEmail(), name: 'Cookie', password: PASSWORD });

    const client = createClient(running.url, { jar, headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    const error = await expectTRPCError(client.auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('sign-out revokes bearer session', async () => {
    const email = freshEmail();
    const { token } = await running
      .client()
      .auth.signUp.mutate({ email, name: 'Bye', password: PASSWORD, session: 'bearer' });
    const client = running.client({ token: token ?? '' });
    const other = await running.client().auth.signIn.mutate({ email, password: PASSWORD, session: 'bearer' });

    expect(await client.auth.signOut.mutate()).toEqual({ signedOut: true });

    const error = await expectTRPCError(client.auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
    const again = await expectTRPCError(client.auth.signOut.mutate());
    expect(again.data?.code).toBe('UNAUTHORIZED');
    // Only the session used for sign-out ends, and the user's other session stays.
    expect((await running.client({ token: other.token ?? '' }).auth.me.query()).email).toBe(email);
  });

  it('sign-out clears cookie and revokes it', async () => {
    const jar = new CookieJar();
    const client = running.client({ jar });
    await client.auth.signUp.mutate({ email: freshEmail(), name: 'Crumb', password: PASSWORD });
    const token = jar.cookies.get(SESSION_COOKIE_NAME);
    expect(token).toBeDefined();

    await client.auth.signOut.mutate();
    expect(jar.cookies.has(SESSION_COOKIE_NAME)).toBe(false);

    // Replaying the old cookie value must not work either.
    const replay = new CookieJar();
    replay.cookies.set(SESSION_COOKIE_NAME, token ?? '');
    const error = await expectTRPCError(running.client({ jar: replay }).auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('stores an argon2id hash, never the password', async () => {
    const email = freshEmail();
    const { user } = await running.client().auth.signUp.mutate({ email, name: 'Hashed', password: PASSWORD });
    const row = await running.server.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('stores sessions as hashes of the token', async () => {
    const { token, user } = await running.client().auth.signUp.mutate({
      email: freshEmail(),
      name: 'Hashed session',
      password: PASSWORD,
      session: 'bearer',
    });
    const rows = await running.server.database.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.token_hash).not.toBe(token);
  });
});

describe.each(databaseTargets())('cookie flags on $name', (target) => {
  it('AUTHTOKEN_COOKIE_SECURE adds Secure', async () => {
    const database = await target.create();
    const running = await startTestServer(database, { env: { AUTHTOKEN_COOKIE_SECURE: 'true' } });
    try {
      const jar = new CookieJar();
      await running.client({ jar }).auth.signUp.mutate({ email: 'secure@example.com', name: 'S', password: PASSWORD });
      expect(jar.lastSetCookie[0]).toMatch(/;\s*Secure/i);
    } finally {
      await running.stop();
      await database.drop();
    }
  });
});
