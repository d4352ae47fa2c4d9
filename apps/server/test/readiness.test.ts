import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';

import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { READINESS_TIMEOUT_MS, registerHealthRoutes } from '../src/app.js';
import { openDatabase, pingDatabase, POSTGRES_CONNECT_TIMEOUT_MS } from '../src/db/index.js';

/**
 * Starts a PostgreSQL address on 127.0.0.1 that accepts connections and
 * never replies, as a database behind a dropped network link does.
 */
async function startSilentServer() {
  const sockets = new Set<Socket>();
  const silent = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  return {
    url: `postgres://nobody@127.0.0.1:${port}/none`,
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    close: () => new Promise((resolve) => silent.close(resolve)),
  };
}

describe('silent PostgreSQL server', () => {
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('silent database is 503 in time', async () => {
    const silent = await startSilentServer();
    const { db } = openDatabase({ databaseUrl: silent.url, dataDir: tmpdir() });
    const app = Fastify();
    registerHealthRoutes(app, db);

    // The connections go first, because the pool waits for its pending
    // connection to fail before it closes.
    cleanups.push(async () => {
      silent.dropConnections();
      await db.destroy();
      await app.close();
      await silent.close();
    });

    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'database unreachable' });
    expect(performance.now() - started).toBeLessThan(READINESS_TIMEOUT_MS + 1000);
  });

  it('query fails after the connect timeout', async () => {
    const silent = await startSilentServer();
    const { db } = openDatabase({ databaseUrl: silent.url, dataDir: tmpdir() });
    cleanups.push(async () => {
      silent.dropConnections();
      await db.destroy();
      await silent.close();
    });

    // Without a connect timeout the query would wait until the test times out.
    const started = performance.now();
    await expect(pingDatabase(db)).rejects.toThrow(/timeout/i);
    expect(performance.now() - started).toBeLessThan(POSTGRES_CONNECT_TIMEOUT_MS + 1000);
  });
});
