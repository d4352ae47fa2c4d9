import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';

import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

import { READINESS_TIMEOUT_MS, registerHealthRoutes } from '../src/app.js';
import { openDatabase, pingDatabase, POSTGRES_CONNECT_TIMEOUT_MS } from '../src/db/index.js';

describe('silent PostgreSQL server', () => {
  const cleanups: Array<() => Promise<void>> = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('silent database is 503 in time', async () => {
    // A PostgreSQL address that accepts connections and never replies, as a
    // database behind a dropped network link does.
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const { db } = openDatabase({ databaseUrl: `postgres://nobody@127.0.0.1:${port}/none`, dataDir: tmpdir() });
    const app = Fastify();
    registerHealthRoutes(app, db);

    // The sockets go first, because the pool waits for its pending
    // connection to fail before it closes.
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await db.destroy();
      await app.close();
      await new Promise((resolve) => silent.close(resolve));
    });

    const started = performance.now();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'database unreachable' });
    expect(performance.now() - started).toBeLessThan(READINESS_TIMEOUT_MS + 1000);
  });
  it('query fails after the connect timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const { db } = openDatabase({ databaseUrl: `postgres://nobody@127.0.0.1:${port}/none`, dataDir: tmpdir() });
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await db.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    // Without a connect timeout the query would wait until the test times out.
    const started = performance.now();
    await expect(pingDatabase(db)).rejects.toThrow(/timeout/i);
    expect(performance.now() - started).toBeLessThan(POSTGRES_CONNECT_TIMEOUT_MS + 1000);
  });
});
