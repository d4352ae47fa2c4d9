import { randomUUID } from 'node:crypto';

import fastifyCookie from '@fastify/cookie';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';

import { createContextFactory, type Services } from './context.js';
import { pingDatabase } from './db/index.js';
import type { Database } from './db/schema.js';
import { errorIdOf } from './errors.js';
import { appRouter, type AppRouter } from './routers/index.js';

/**
 * Most procedure calls one batched request may carry. Each sign-in call
 * costs an Argon2 hash, so an unbounded batch would let one request take a
 * lot of CPU. Clients using httpBatchLink should set `maxItems` to this or less.
 */
export const MAX_BATCH_SIZE = 20;

/** Creates the Fastify app with cookies, the error handler and the tRPC API under `/trpc`. */
export function buildApp(services: Services, logger: Logger, lifecycle: { closing: boolean }): FastifyInstance {
  // Typed as Fastify's base logger so the app has the default FastifyInstance type.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // Only the connecting peer is trusted as a proxy, so the client IP is the
    // last X-Forwarded-For entry, the one that proxy appended. With `true`,
    // Fastify would take the first entry, which the client writes itself, and
    // a client could dodge the per-IP rate limit by sending a new address with
    // each attempt. Fastify 5 ignores a numeric hop count, hence the function.
    trustProxy: services.config.trustProxy ? (_address: string, hop: number) => hop === 0 : false,
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
  app.addHook('onSend', async (request, reply, payload) => {
    if (lifecycle.closing) void reply.header('connection', 'close');
    // API responses can carry session tokens and account data, which no shared or browser
    // cache may keep.
    if (request.url.startsWith('/trpc/')) void reply.header('cache-control', 'no-store');
    return payload;
  });

  // tRPC accepts multipart/form-data, which an HTML form on another origin
  // can post without a CORS preflight. With a cookie session that would let
  // such a form call procedures that take no input, such as auth.signOut.
  // Procedures here take JSON only.
  app.addHook('onRequest', async (request, reply) => {
    const contentType = request.headers['content-type'] ?? '';
    if (request.url.startsWith('/trpc/') && /^\s*multipart\/form-data/i.test(contentType)) {
      request.log.info({ status: 415, contentType: 'multipart/form-data' }, 'request rejected');
      return reply.status(415).send({ error: 'Unsupported Media Type; send application/json' });
    }
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

  // Fastify's default 404 handler logs and echoes the full URL. A query
  // string may carry tRPC input such as a password, so only the path is used.
  app.setNotFoundHandler((request, reply) => {
    const requestPath = request.url.split('?')[0];
    request.log.info({ path: requestPath }, 'route not found');
    return reply.status(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `Route ${request.method}:${requestPath} not found`,
    });
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

/** Time `GET /readyz` waits for the database before it reports 503, in milliseconds. */
export const READINESS_TIMEOUT_MS = 2000;

/** Pings the database, and rejects when it fails or takes longer than `timeoutMs`. */
async function pingWithin(db: Kysely<Database>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`database query timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([pingDatabase(db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Adds `GET /healthz` (the process is up) and `GET /readyz` (a database query succeeds). */
export function registerHealthRoutes(app: FastifyInstance, db: Kysely<Database>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  // While closing, Fastify itself replies 503 to requests on open
  // connections (`return503OnClosing`), so load balancers stop sending traffic.
  app.get('/readyz', async (request, reply) => {
    try {
      // A PostgreSQL connection attempt may take up to 5 seconds, and a query
      // on an open connection has no time limit, so the check sets its own.
      await pingWithin(db, READINESS_TIMEOUT_MS);
      return { status: 'ready' };
    } catch (error) {
      request.log.error({ err: error }, 'readiness check failed: database unreachable');
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });
}
