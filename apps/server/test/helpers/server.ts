import { Writable } from 'node:stream';

import type { Clock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createServer, type AuthTokenServer } from '../../src/server.js';
import { createClient, type ClientOptions } from './client.js';
import type { TestDatabase } from './databases.js';

/** Every JSON line the server logged, kept in memory. */
export class LogCapture {
  readonly lines: string[] = [];

  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line !== ''),
      );
      done();
    },
  });

  get text(): string {
    return this.lines.join('\n');
  }

  entries(): Array<Record<string, unknown>> {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface RunningServer {
  url: string;
  server: AuthTokenServer;
  logs: LogCapture;
  client(options?: ClientOptions): ReturnType<typeof createClient>;
  stop(): Promise<void>;
}

/** Password of the admin every test server is started with. */
export const TEST_ADMIN = { email: 'root@example.com', password: 'admin-password-for-tests' };

/**
 * Starts a server on 127.0.0.1 with an OS-chosen port over `database`,
 * capturing its logs. `env` adds or overrides AUTHTOKEN_* variables, and the
 * first admin is TEST_ADMIN unless `env` sets other admin variables.
 */
export async function startTestServer(
  database: TestDatabase,
  options: { env?: Record<string, string | undefined>; clock?: Clock } = {},
): Promise<RunningServer> {
  const config = loadConfig({
    AUTHTOKEN_HOST: '127.0.0.1',
    AUTHTOKEN_PORT: '0',
    AUTHTOKEN_LOG_LEVEL: 'debug',
    AUTHTOKEN_ADMIN_EMAIL: TEST_ADMIN.email,
    AUTHTOKEN_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...database.env,
    ...options.env,
  });
  const logs = new LogCapture();
  const logger = createLogger(config.logLevel, logs.stream);
  const server = await createServer({
    config,
    logger,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const url = await server.start();
  return {
    url,
    server,
    logs,
    client: (clientOptions) => createClient(url, clientOptions),
    stop: () => server.stop(),
  };
}
