import { pino, type DestinationStream, type Logger } from 'pino';

import type { LogLevel } from './config.js';

/**
 * Paths pino replaces with "[redacted]". Fastify's default request
 * serializer does not include headers, but errors and custom log calls may
 * carry them, so headers, cookies and every field named like a credential
 * are covered too.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.sessionToken',
  '*.secret',
  '*.adminPassword',
  '*.databaseUrl',
  'password',
  'token',
  'secret',
];

/**
 * Creates the JSON logger used by Fastify and the server.
 *
 * @param destination where the JSON lines go, stdout when omitted. Tests pass
 *   a stream to capture every line.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      // tRPC GET queries carry their input in the query string, so only the
      // path is logged.
      req(request: { method?: string; url?: string; ip?: string; id?: string }) {
        return {
          id: request.id,
          method: request.method,
          path: request.url?.split('?')[0],
          remoteAddress: request.ip,
        };
      },
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}
