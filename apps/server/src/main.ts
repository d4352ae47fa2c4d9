#!/usr/bin/env node
// Entry point: loads the configuration, starts the server, prints how to
// sign in, and stops gracefully on SIGTERM or SIGINT.
import { formatStartupBanner } from './banner.js';
import { ConfigError, loadConfig } from './config.js';
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
    await server.stop();
    process.exit(1);
  }
}

await main();
