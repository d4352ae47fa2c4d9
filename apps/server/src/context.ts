import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';

import type { UnknownAccountVerifier } from './auth/password.js';
import type { RateLimiter } from './auth/rate-limit.js';
import { SESSION_COOKIE_NAME } from './auth/sessions.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { DatabaseKind } from './db/index.js';
import type { Database } from './db/schema.js';

/** Long-lived parts that every procedure may use, built once per server. */
export interface Services {
  db: Kysely<Database>;
  databaseKind: DatabaseKind;
  config: Config;
  clock: Clock;
  rateLimiter: RateLimiter;
  unknownAccountVerifier: UnknownAccountVerifier;
}

/**
 * Reads the session token from `Authorization: Bearer …` (scripts) or else
 * from the session cookie (browsers). A malformed Authorization header
 * yields no token rather than falling back to the cookie, so a script never
 * acts with a browser's session by accident.
 */
export function readSessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  const cookie = request.cookies[SESSION_COOKIE_NAME];
  return cookie === undefined || cookie === '' ? undefined : cookie;
}

/** Returns the function the tRPC adapter calls to build each request's context. */
export function createContextFactory(services: Services) {
  return ({ req, res }: CreateFastifyContextOptions) => ({
    ...services,
    req,
    res,
    log: req.log,
    sessionToken: readSessionToken(req),
  });
}

export type Context = Awaited<ReturnType<ReturnType<typeof createContextFactory>>>;
