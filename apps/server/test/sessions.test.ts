import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { deleteDeadSessions } from '../src/auth/sessions.js';
import { expectTRPCError } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, type RunningServer } from './helpers/server.js';

const PASSWORD = 'session password 123';
const TTL_SECONDS = 3600;
const IDLE_SECONDS = 600;

describe.each(databaseTargets())('session lifetime on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;
  let clock: FakeClock;

  beforeEach(async () => {
    database = await target.create();
    clock = new FakeClock();
    running = await startTestServer(database, {
      clock,
      env: { AUTHTOKEN_SESSION_TTL: String(TTL_SECONDS), AUTHTOKEN_SESSION_IDLE_TIMEOUT: String(IDLE_SECONDS) },
    });
  });

  afterEach(async () => {
    await running?.stop();
    await database?.drop();
  });

  async function signUp() {
    const { token, expiresAt } = await running
      .client()
      .auth.signUp.mutate({ email: 'life@example.com', name: 'Life', password: PASSWORD, session: 'bearer' });
    return { client: running.client({ token: token ?? '' }), expiresAt };
  }

  it('expiresAt is start plus TTL', async () => {
    const started = clock.now();
    const { expiresAt } = await signUp();
    expect(expiresAt).toBe(started + TTL_SECONDS * 1000);
  });

  it('session expires after its TTL despite use', async () => {
    const { client } = await signUp();

    // Use the session often enough that the idle timeout never fires.
    let elapsed = 0;
    while (elapsed + IDLE_SECONDS - 1 < TTL_SECONDS) {
      clock.advanceSeconds(IDLE_SECONDS - 1);
      elapsed += IDLE_SECONDS - 1;
      await expect(client.auth.me.query()).resolves.toMatchObject({ email: 'life@example.com' });
    }

    // Step just past the TTL, well within the idle timeout.
    clock.advanceSeconds(TTL_SECONDS - elapsed);
    const error = await expectTRPCError(client.auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.message).toBe('Session is invalid, expired or revoked; sign in again');
    const reasons = running.logs.entries().filter((entry) => entry.msg === 'session rejected');
    expect(reasons.map((entry) => entry.reason)).toEqual(['expired']);
  });

  it('session ends after the idle timeout', async () => {
    const { client } = await signUp();
    clock.advanceSeconds(IDLE_SECONDS - 1);
    await expect(client.auth.me.query()).resolves.toMatchObject({ name: 'Life' });

    clock.advanceSeconds(IDLE_SECONDS);
    const error = await expectTRPCError(client.auth.me.query());
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('each use restarts the idle timeout', async () => {
    const { client } = await signUp();
    for (let round = 0; round < 3; round++) {
      clock.advanceSeconds(IDLE_SECONDS - 10);
      await expect(client.auth.me.query()).resolves.toMatchObject({ name: 'Life' });
    }
  });

  it('records uses at most once per touch interval', async () => {
    const { client } = await signUp();
    const lastUsed = async () =>
      (await running.server.database.db.selectFrom('sessions').select('last_used_at').executeTakeFirstOrThrow())
        .last_used_at;
    const signedUpAt = await lastUsed();

    // The touch interval is a twentieth of the idle timeout: 30 s for 600 s.
    clock.advanceSeconds(10);
    await client.auth.me.query();
    expect(await lastUsed()).toBe(signedUpAt);

    clock.advanceSeconds(21);
    await client.auth.me.query();
    expect(await lastUsed()).toBe(clock.now());
  });

  it('rejection reason is logged without the token', async () => {
    const { client } = await signUp();
    clock.advanceSeconds(IDLE_SECONDS + 1);
    await expectTRPCError(client.auth.me.query());

    const rejected = running.logs.entries().filter((entry) => entry.msg === 'session rejected');
    expect(rejected.map((entry) => entry.reason)).toEqual(['idle']);
  });

  it('cleanup deletes dead sessions only', async () => {
    const { client: staleClient } = await signUp();
    clock.advanceSeconds(IDLE_SECONDS - 5);
    const fresh = await running
      .client()
      .auth.signIn.mutate({ email: 'life@example.com', password: PASSWORD, session: 'bearer' });
    clock.advanceSeconds(10);

    const deleted = await deleteDeadSessions(running.server.database.db, clock.now(), {
      ttlSeconds: TTL_SECONDS,
      idleTimeoutSeconds: IDLE_SECONDS,
    });
    expect(deleted).toBe(1);
    await expectTRPCError(staleClient.auth.me.query());
    await expect(running.client({ token: fresh.token ?? '' }).auth.me.query()).resolves.toMatchObject({
      name: 'Life',
    });
  });
});
