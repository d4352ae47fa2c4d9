import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectTRPCError } from './helpers/client.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, type RunningServer } from './helpers/server.js';

const OLD_PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'tr0ubador and a second phrase';
const MAX_ATTEMPTS = 3;

describe.each(databaseTargets())('password change on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;
  let counter = 0;

  /** Signs up a fresh developer and returns its email and a bearer token. */
  async function signUp(): Promise<{ email: string; token: string }> {
    const email = `changer${++counter}@example.com`;
    const { token } = await running
      .client()
      .auth.signUp.mutate({ email, name: 'Changer', password: OLD_PASSWORD, session: 'bearer' });
    return { email, token: token ?? '' };
  }

  async function signIn(email: string, password: string): Promise<string> {
    const { token } = await running.client().auth.signIn.mutate({ email, password, session: 'bearer' });
    return token ?? '';
  }

  beforeAll(async () => {
    database = await target.create();
    running = await startTestServer(database, {
      env: { AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: String(MAX_ATTEMPTS) },
    });
  });

  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('replaces the password and revokes other sessions', async () => {
    const { email, token } = await signUp();
    const otherToken = await signIn(email, OLD_PASSWORD);

    const result = await running
      .client({ token })
      .auth.changePassword.mutate({ currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD });
    expect(result).toEqual({ changed: true, revokedSessions: 1 });

    await expect(running.client({ token }).auth.me.query()).resolves.toMatchObject({ email });
    const revoked = await expectTRPCError(running.client({ token: otherToken }).auth.me.query());
    expect(revoked.data?.code).toBe('UNAUTHORIZED');

    const oldSignIn = await expectTRPCError(signIn(email, OLD_PASSWORD));
    expect(oldSignIn.data?.code).toBe('UNAUTHORIZED');
    await expect(signIn(email, NEW_PASSWORD)).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('wrong current password is forbidden', async () => {
    const { email, token } = await signUp();
    const error = await expectTRPCError(
      running.client({ token }).auth.changePassword.mutate({ currentPassword: 'not it', newPassword: NEW_PASSWORD }),
    );
    expect(error.data?.code).toBe('FORBIDDEN');
    expect(error.message).toBe('Current password is incorrect');
    await expect(signIn(email, OLD_PASSWORD)).resolves.toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('short new password is a bad request', async () => {
    const { token } = await signUp();
    const error = await expectTRPCError(
      running.client({ token }).auth.changePassword.mutate({ currentPassword: OLD_PASSWORD, newPassword: 'short' }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.fields?.map((field) => field.path)).toEqual(['newPassword']);
  });

  it('unchanged password is a bad request', async () => {
    const { token } = await signUp();
    const error = await expectTRPCError(
      running
        .client({ token })
        .auth.changePassword.mutate({ currentPassword: OLD_PASSWORD, newPassword: OLD_PASSWORD }),
    );
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('New password must differ from the current password');
  });

  it('requires a session', async () => {
    const error = await expectTRPCError(
      running.client().auth.changePassword.mutate({ currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('limits guesses of the current password', async () => {
    const { token } = await signUp();
    const client = running.client({ token });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
      const error = await expectTRPCError(
        client.auth.changePassword.mutate({ currentPassword: `guess ${attempt}`, newPassword: NEW_PASSWORD }),
      );
      expect(error.data?.code).toBe('FORBIDDEN');
    }
    const limited = await expectTRPCError(
      client.auth.changePassword.mutate({ currentPassword: OLD_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    expect(limited.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('keeps both passwords out of the logs', async () => {
    const { token } = await signUp();
    await running
      .client({ token })
      .auth.changePassword.mutate({ currentPassword: OLD_PASSWORD, newPassword: `${NEW_PASSWORD}!` });
    const logText = JSON.stringify(running.logs.entries());
    expect(logText).toContain('password changed; other sessions revoked');
    expect(logText).not.toContain(OLD_PASSWORD);
    expect(logText).not.toContain(NEW_PASSWORD);
  });
});
