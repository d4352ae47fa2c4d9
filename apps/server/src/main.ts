#!/usr/bin/env node
// Entry point: loads the configuration, starts the server, prints how to
// sign in, and stops gracefully on SIGTERM or SIGINT.
import { formatStartupBanner } from './banner.js';
import { FirstAdminError } from './auth/first-admin.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { createServer } from './server.js';

/** Time allowed for in-flight requests to finish after a stop signal, in milliseconds. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nThe server did not start.\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    process.exit(1);
  });

  let server;
  try {
    server = await createServer({ config, logger });
  } catch (error) {
    logger.fatal({ err: error }, 'server failed to start');
    process.stderr.write(`${describeStartError(error, config)}\nThe server did not start.\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second stop signal; exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stop signal received; finishing in-flight requests');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  try {
    const url = await server.start();
    process.stderr.write(formatStartupBanner(url, server.database, server.firstAdmin));
  } catch (error) {
    logger.fatal({ err: error }, 'server failed to listen');
    process.stderr.write(`${describeListenError(error, config.host, config.port)}\nThe server did not start.\n`);
    await server.stop();
    process.exit(1);
  }
}

/**
 * Explains a failed start in one line for the person who started the server.
 * Everything createServer does before listening opens, migrates or seeds the
 * database, so the line names the variable that selects it. Driver messages
 * name the host and port but not the password.
 */
function describeStartError(error: unknown, config: Config): string {
  if (error instanceof FirstAdminError) return error.message;
  let reason = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.cause instanceof Error) reason += `: ${error.cause.message}`;
  if (config.databaseUrl !== undefined) {
    return `Opening the PostgreSQL database failed: ${reason}; check AUTHTOKEN_DATABASE_URL and that the database accepts connections.`;
  }
  return `Opening the SQLite database in ${config.dataDir} failed: ${reason}; set AUTHTOKEN_DATA_DIR to a folder this user can write.`;
}

/** Explains a failed listen in one line for the person who started the server. */
function describeListenError(error: unknown, host: string, port: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return `Port ${port} on ${host} is already in use; stop the other process or set AUTHTOKEN_PORT to a free port (0 picks one).`;
  }
  if (code === 'EACCES') {
    return `Listening on ${host}:${port} is not permitted for this user; set AUTHTOKEN_PORT to 1024 or above.`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `Address ${host} is not an address of this machine; set AUTHTOKEN_HOST to one of its addresses, such as 127.0.0.1.`;
  }
  return `Listening on ${host}:${port} failed: ${error instanceof Error ? error.message : String(error)}`;
}

await main();
