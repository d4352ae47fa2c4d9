import { randomBytes } from 'node:crypto';
import http from 'node:http';

import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AppRouter } from '../src/index.js';
import { MAX_BATCH_SIZE } from '../src/app.js';

import { CookieJar, expectTRPCError } from './helpers/client.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, TEST_ADMIN, type RunningServer } from './helpers/server.js';

describe.each(databaseTargets())('HTTP surface on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;

  beforeEach(async () => {
    database = await target.create();
    running = await startTestServer(database);
  });

  afterEach(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('listens on loopback only', () => {
    expect(new URL(running.url).hostname).toBe('127.0.0.1');
    expect(Number(new URL(running.url).port)).toBeGreaterThan(0);
  });

  it('healthz reports the process up', async () => {
    const response = await fetch(`${running.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('readyz reports the database reachable', async () => {
    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  it('readyz is 503 without a database', async () => {
    await running.server.database.db.destroy();

    const response = await fetch(`${running.url}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'database unreachable' });
    const logged = running.logs.entries().find((entry) => entry.msg === 'readiness check failed: database unreachable');
    expect(logged?.level).toBe(50);

    const health = await fetch(`${running.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('unknown route is a JSON 404', async () => {
    const response = await fetch(`${running.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('unknown route logs no query string', async () => {
    const response = await fetch(`${running.url}/trcp/auth.signIn?input=%7B%22password%22%3A%22hunter2-query%22%7D`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('hunter2-query');
    expect(running.logs.text).not.toContain('hunter2-query');
    const logged = running.logs.entries().find((entry) => entry.msg === 'route not found');
    expect(logged?.path).toBe('/trcp/auth.signIn');
  });

  it('unknown procedure is NOT_FOUND', async () => {
    const response = await fetch(`${running.url}/trpc/auth.teleport`);
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe('NOT_FOUND');
  });

  it('API responses are never cached', async () => {
    const response = await fetch(`${running.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...TEST_ADMIN, session: 'bearer' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const health = await fetch(`${running.url}/healthz`);
    expect(health.headers.get('cache-control')).toBeNull();
  });

  it('batched calls share one request', async () => {
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${running.url}/trpc`, maxItems: MAX_BATCH_SIZE })],
    });
    const [signedIn, error] = await Promise.all([
      client.auth.signIn.mutate({ ...TEST_ADMIN, session: 'bearer' }),
      expectTRPCError(client.auth.signIn.mutate({ email: TEST_ADMIN.email, password: 'batched wrong password' })),
    ]);
    expect(signedIn.user.email).toBe(TEST_ADMIN.email);
    expect(error.data?.code).toBe('UNAUTHORIZED');
    const batchedRequests = running.logs
      .entries()
      .filter(
        (entry) => entry.msg === 'incoming request' && String((entry.req as { path: string }).path).includes(','),
      );
    expect(batchedRequests).toHaveLength(1);
  });

  it('oversized batch is rejected', async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'auth.me').join(',');
    const response = await fetch(`${running.url}/trpc/${paths}?batch=1`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.message).toBe('Batch call exceeds maximum size');
  });

  it('form-encodable content types are rejected', async () => {
    // A cross-site HTML form can post text/plain without a CORS preflight, so
    // procedures must not accept it as JSON.
    const response = await fetch(`${running.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ email: 'form@example.com', name: 'Form', password: 'posted by a form' }),
    });
    expect(response.status).toBe(415);
    const body = (await response.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('urlencoded form posts are rejected', async () => {
    const response = await fetch(`${running.url}/trpc/auth.signOut`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reason=cross-origin+form',
    });
    expect(response.status).toBe(415);
  });

  it('multipart form posts are rejected', async () => {
    // HTML forms can also post multipart/form-data without a preflight, and
    // tRPC accepts it for procedures that take no input, such as signOut.
    const jar = new CookieJar();
    const client = running.client({ jar });
    await client.auth.signUp.mutate({ email: 'multipart@example.com', name: 'Form', password: 'posted by a form' });
    const cookie = [...jar.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const form = new FormData();
    form.set('reason', 'cross-origin form');

    const response = await fetch(`${running.url}/trpc/auth.signOut`, {
      method: 'POST',
      headers: { cookie },
      body: form,
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: 'Unsupported Media Type; send application/json' });
    expect((await client.auth.me.query()).email).toBe('multipart@example.com');
  });

  it('unparsable content type is a plain 415', async () => {
    const response = await fetch(`${running.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<signIn/>',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: 'Unsupported Media Type' });
    const logged = running.logs.entries().find((entry) => entry.msg === 'request rejected');
    expect(logged?.status).toBe(415);
  });

  it('internal error returns only an error id', async () => {
    // A table lost under a running server makes the next session insert fail
    // with an error no procedure expects.
    await database.exec('drop table sessions');

    const error = await expectTRPCError(running.client().auth.signIn.mutate(TEST_ADMIN));
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.data?.httpStatus).toBe(500);
    const errorId = error.data?.errorId ?? '';
    expect(errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(error.message).toBe(`Internal server error; report error id ${errorId} to the operator`);
    expect(error.data).not.toHaveProperty('stack');
    expect(JSON.stringify(error.shape)).not.toMatch(/sessions|sqlite|relation|insert/i);

    const logged = running.logs.entries().find((entry) => entry.errorId === errorId);
    expect(logged?.level).toBe(50);
    expect(logged?.procedure).toBe('auth.signIn');
    expect(JSON.stringify(logged?.err)).toMatch(/sessions/);
  });

  it('malformed stored hash is an internal error', async () => {
    await database.exec(`update users set password_hash = 'not-a-phc-string' where email = '${TEST_ADMIN.email}'`);

    const error = await expectTRPCError(running.client().auth.signIn.mutate(TEST_ADMIN));
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    const logged = running.logs.entries().find((entry) => entry.errorId === error.data?.errorId);
    expect(logged?.msg).toBe('procedure failed');
  });

  it('stop lets an in-flight request finish', async () => {
    const body = JSON.stringify({ email: 'late@example.com', name: 'Late', password: 'in flight password' });
    const url = new URL(`${running.url}/trpc/auth.signUp`);
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (incoming) => {
        let text = '';
        incoming.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });

    // Send the headers and half the body, so the request is in flight when
    // the stop begins.
    request.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stopStarted = performance.now();
    const stopped = running.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    request.end(body.slice(10));

    const { status, text } = await response;
    await stopped;
    // The finished request's connection closes at once instead of idling
    // until the client's keep-alive timeout (5 s in Node's agent).
    expect(performance.now() - stopStarted).toBeLessThan(2000);
    expect(status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ result: { data: { user: { email: 'late@example.com' } } } });
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    expect(running.logs.entries().at(-1)?.msg).toBe('server stopped');
  });
});

describe.runIf(databaseTargets().some((target) => target.name === 'postgres'))('PostgreSQL connection loss', () => {
  it('server survives a terminated connection', async () => {
    const target = databaseTargets().find((candidate) => candidate.name === 'postgres')!;
    const database = await target.create();
    // A unique application_name lets the test end this server's connections only.
    const applicationName = `authtoken_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(database.env.AUTHTOKEN_DATABASE_URL ?? '');
    url.searchParams.set('application_name', applicationName);
    const running = await startTestServer(database, { env: { AUTHTOKEN_DATABASE_URL: url.toString() } });
    try {
      const client = running.client();
      await client.auth.signIn.mutate({ ...TEST_ADMIN, session: 'bearer' });

      // An operator's pg_terminate_backend, a database restart or a
      // failover ends idle pooled connections the same way.
      await database.exec(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = '${applicationName}'`,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));

      const signedIn = await client.auth.signIn.mutate({ ...TEST_ADMIN, session: 'bearer' });
      expect(signedIn.user.email).toBe(TEST_ADMIN.email);
      const logged = running.logs
        .entries()
        .find((entry) => entry.msg === 'idle database connection failed; the pool opens a new one when needed');
      expect(logged?.level).toBe(50);
      expect(logged?.error).toEqual({ message: 'terminating connection due to administrator command', code: '57P01' });
    } finally {
      await running.stop();
      await database.drop();
    }
  });
});
