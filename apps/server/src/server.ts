import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

import { buildApp, registerHealthRoutes } from './app.js';
import { ensureFirstAdmin, type FirstAdminResult } from './auth/first-admin.js';
import { UnknownAccountVerifier } from './auth/password.js';
import { RateLimiter } from './auth/rate-limit.js';
import { deleteDeadSessions } from './auth/sessions.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import type { Services } from './context.js';
import { openDatabase, type DatabaseHandle } from './db/index.js';
import { migrateToLatest } from './db/migrations.js';
import { createLogger } from './logger.js';

/** How often expired sessions and rate-limit windows are deleted, in milliseconds. */
const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;

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

  const database = openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onIdleConnectionError: (error) =>
      logger.error({ error }, 'idle database connection failed; the pool opens a new one when needed'),
  });
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

  registerHealthRoutes(app, database.db);

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
