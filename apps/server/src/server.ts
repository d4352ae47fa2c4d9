import { randomUUID } from 'node:crypto';

import fastifyCookie from '@fastify/cookie';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { ensureFirstAdmin, type FirstAdminResult } from './auth/first-admin.js';
import { UnknownAccountVerifier } from './auth/password.js';
import { RateLimiter } from './auth/rate-limit.js';
import { deleteDeadSessions } from './auth/sessions.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createContextFactory, type Services } from './context.js';
import { errorIdOf } from './errors.js';
import { openDatabase, pingDatabase, type DatabaseHandle } from './db/index.js';
import { migrateToLatest } from './db/migrations.js';
import { createLogger } from './logger.js';
import { appRouter, type AppRouter } from './routers/index.js';

/** How often expired sessions and rate-limit windows are deleted, in milliseconds. */
const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

/**
 * Most procedure calls one batched request may carry. Each sign-in call
 * costs an Argon2 hash, so an unbounded batch would let one request take a
 * lot of CPU. Clients using httpBatchLink should set `maxItems` to this or less.
 */
export const MAX_BATCH_SIZE = 20;

export interface ServerOptions {
  config: Config;
  /** JSON logger. When omitted, one writing to stdout at `config.logLevel` is created. */
  logger?: Logger;
  clock?: Clock;
}

export interface AuthTokenServer {
  app: FastifyInstance;
  database: DatabaseHandle;
  /** Outcome of the first-admin check at start, with the one-time password when one was generated. */
  firstAdmin: FirstAdminResult;
  /** Starts listening on the configured host and port, and resolves to the base URL. */
  start(): Promise<string>;
  /** Stops accepting connections, waits for in-flight requests, then closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Builds the server: opens the database, runs pending migrations, creates
 * the first admin when none exists, and registers the routes. Nothing
 * listens until `start()`.
 */
export async function createServer(options: ServerOptions): Promise<AuthTokenServer> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.logLevel);

  const database = openDatabase(config);
  let firstAdmin: FirstAdminResult;
  try {
    const applied = await migrateToLatest(database);
    logger.info({ database: database.kind, location: database.location, applied }, 'database ready');
    firstAdmin = await ensureFirstAdmin(database.db, {
      email: config.adminEmail,
      password: config.adminPassword,
      now: clock.now(),
    });
    if (firstAdmin.status === 'created') {
      logger.info({ email: firstAdmin.email, generated: firstAdmin.generatedPassword !== null }, 'first admin created');
    }
  } catch (error) {
    await database.db.destroy();
    throw error;
  }

  const services: Services = {
    db: database.db,
    databaseKind: database.kind,
    config,
    clock,
    rateLimiter: new RateLimiter(database.db, clock),
    unknownAccountVerifier: new UnknownAccountVerifier(),
  };
  const lifecycle = { closing: false };
  const app = buildApp(services, logger, lifecycle);
  let stopped: Promise<void> | undefined;

  app.get('/healthz', async () => ({ status: 'ok' }));
  // While closing, Fastify itself replies 503 to requests on open
  // connections (`return503OnClosing`), so load balancers stop sending traffic.
  app.get('/readyz', async (request, reply) => {
    try {
      await pingDatabase(database.db);
      return { status: 'ready' };
    } catch (error) {
      request.log.error({ err: error }, 'readiness check failed: database unreachable');
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });

  const cleanupTimer = setInterval(() => void runCleanup(services, logger), CLEANUP_INTERVAL_MS);
  cleanupTimer.unref();

  async function stop(): Promise<void> {
    stopped ??= (async () => {
      lifecycle.closing = true;
      clearInterval(cleanupTimer);
      await app.close();
      await database.db.destroy();
      logger.info('server stopped');
    })();
    return stopped;
  }

  return {
    app,
    database,
    firstAdmin,
    async start() {
      const url = await app.listen({ host: config.host, port: config.port });
      logger.info({ url, database: database.kind }, 'server started');
      return url;
    },
    stop,
  };
}

function buildApp(services: Services, logger: Logger, lifecycle: { closing: boolean }): FastifyInstance {
  // Typed as Fastify's base logger so the app has the default FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    trustProxy: services.config.trustProxy,
    // Keep-alive connections with no request in flight are closed on stop,
    // so close() does not wait for clients to hang up.
    forceCloseConnections: 'idle',
    genReqId: () => randomUUID(),
    // A batched tRPC call joins every procedure path into one URL segment,
    // which Fastify's default limit of 100 characters would reject with 414.
    routerOptions: { maxParamLength: 2000 },
  });

  void app.register(fastifyCookie);

  // Responses finished during shutdown close their connection. Without this
  // a keep-alive client would hold close() open until its idle timeout,
  // because Fastify closes only the connections idle when close() starts.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (lifecycle.closing) void reply.header('connection', 'close');
    return payload;
  });

  // Errors outside tRPC (unknown routes, malformed requests, bugs in the
  // plain routes) get the same treatment: 5xx carry only an error id.
  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) {
      const errorId = errorIdOf(error);
      request.log.error({ err: error, errorId }, 'request failed');
      return reply.status(500).send({ error: 'Internal server error', errorId });
    }
    request.log.info({ status, reason: error.message }, 'request rejected');
    return reply.status(status).send({ error: error.message });
  });

  void app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory(services),
      maxBatchSize: MAX_BATCH_SIZE,
      onError({ error, path, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error({ err: error.cause ?? error, errorId: errorIdOf(error), procedure: path }, 'procedure failed');
        } else {
          req.log.info({ code: error.code, procedure: path }, 'procedure rejected request');
        }
      },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  return app;
}

async function runCleanup(services: Services, logger: Logger): Promise<void> {
  try {
    const sessions = await deleteDeadSessions(services.db, services.clock.now(), {
      ttlSeconds: services.config.sessionTtlSeconds,
      idleTimeoutSeconds: services.config.sessionIdleTimeoutSeconds,
    });
    const windows = await services.rateLimiter.deleteExpired(services.config.signInWindowSeconds);
    logger.debug({ sessions, rateLimitWindows: windows }, 'expired rows deleted');
  } catch (error) {
    logger.error({ err: error }, 'cleanup of expired rows failed; retrying at the next interval');
  }
}
