import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { SQLITE_FILE_NAME } from '../src/db/index.js';
import { createClient } from './helpers/client.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';

// These tests run the real entry point the way `pnpm start` does: compiled
// JavaScript in a child process, configured only through its environment.

const packageDir = path.resolve(import.meta.dirname, '..');
// The build goes inside the package so the compiled files resolve
// dependencies from its node_modules.
const buildDir = path.join(packageDir, '.test-build', `main-${process.pid}`);
const tscPath = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface Started {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts the compiled server and waits for its banner on stderr. */
async function startMain(cwd: string, env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [path.join(buildDir, 'main.js')], {
    cwd,
    // Only PATH and HOME are inherited, so no AUTHTOKEN_* variable of the
    // test run leaks into the server under test.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', AUTHTOKEN_PORT: '0', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // 'close' rather than 'exit', because 'close' waits until stdout and
  // stderr are drained and so the captured output is complete.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s; stderr: ${stderr}`)), 20_000);
    const check = () => {
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match?.[1] !== undefined && stderr.includes('Sign in from a script')) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stderr.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before its banner; stderr: ${stderr}`));
    });
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the compiled server until it exits by itself, as it does when it cannot start. */
async function runMainToExit(
  cwd: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [path.join(buildDir, 'main.js')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', AUTHTOKEN_PORT: '0', ...env },
    timeout: 20_000,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

beforeAll(async () => {
  await promisify(execFile)(process.execPath, [tscPath, '-p', 'tsconfig.build.json', '--outDir', buildDir], {
    cwd: packageDir,
  });
}, 120_000);

afterAll(async () => {
  await rm(buildDir, { recursive: true, force: true });
});

describe('main entry point', () => {
  let workDir: string;
  let running: Started | undefined;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'authtoken-main-'));
  });

  afterEach(async () => {
    if (running !== undefined && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    running = undefined;
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it('starts on SQLite with no configuration', async () => {
    running = await startMain(workDir, {});
    const banner = running.stderr();
    const password = /^ONE-TIME ADMIN PASSWORD: (\S+)$/m.exec(banner)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(banner).toContain('sign in as admin@example.com');
    expect(banner).toContain(`(SQLite: ${path.join(workDir, 'data', SQLITE_FILE_NAME)})`);
    expect(existsSync(path.join(workDir, 'data', SQLITE_FILE_NAME))).toBe(true);
    expect(statSync(path.join(workDir, 'data', SQLITE_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(workDir, 'data')).mode & 0o777).toBe(0o700);

    const { token, user } = await createClient(running.url).auth.signIn.mutate({
      email: 'admin@example.com',
      password: password ?? '',
      session: 'bearer',
    });
    expect(user.role).toBe('admin');
    const { total } = await createClient(running.url, { token: token ?? '' }).users.list.query();
    expect(total).toBe(1);

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const stdoutLines = running.stdout().trim().split('\n');
    const messages = stdoutLines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('server started');
    expect(messages).toContain('stop signal received; finishing in-flight requests');
    expect(messages.at(-1)).toBe('server stopped');
    expect(running.stdout()).not.toContain(password);
    expect(running.stdout()).not.toContain(token);
  });

  it('restart keeps the first admin', async () => {
    running = await startMain(workDir, {});
    expect(running.stderr()).toContain('Sign in with an admin account, such as admin@example.com.');
    expect(running.stderr()).not.toContain('ONE-TIME');
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  });

  it('resolves a relative data dir against its cwd', async () => {
    running = await startMain(workDir, { AUTHTOKEN_DATA_DIR: 'nested/state' });
    expect(existsSync(path.join(workDir, 'nested', 'state', SQLITE_FILE_NAME))).toBe(true);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });

  it('port in use exits 1 with a readable reason', async () => {
    const blocker = createNetServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await promisify(execFile)(process.execPath, [path.join(buildDir, 'main.js')], {
        cwd: workDir,
        env: { PATH: process.env.PATH ?? '', AUTHTOKEN_PORT: String(port) },
      }).then(
        () => ({ code: 0, stderr: '' }),
        (error: { code: number; stderr: string }) => error,
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(result.stderr).toContain('The server did not start.');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('unusable data dir exits 1 naming the variable', async () => {
    // A regular file where the data folder should be.
    const file = path.join(workDir, 'not-a-folder');
    await writeFile(file, '');
    const result = await runMainToExit(workDir, { AUTHTOKEN_DATA_DIR: file });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Opening the SQLite database in ${file} failed`);
    expect(result.stderr).toContain('set AUTHTOKEN_DATA_DIR to a folder this user can write');
    expect(result.stderr).toContain('The server did not start.');
  });

  it('unreachable PostgreSQL exits 1 naming the variable', async () => {
    // A port that was free a moment ago, so the connection is refused.
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    const result = await runMainToExit(workDir, {
      AUTHTOKEN_DATABASE_URL: `postgres://app:hunter2-db@127.0.0.1:${port}/authtoken`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Opening the PostgreSQL database failed');
    expect(result.stderr).toContain('check AUTHTOKEN_DATABASE_URL');
    expect(result.stderr).toContain('The server did not start.');
    expect(result.stderr).not.toContain('hunter2-db');
    expect(result.stdout).not.toContain('hunter2-db');
  });

  it('invalid configuration exits 1 naming the variable', async () => {
    const result = await promisify(execFile)(process.execPath, [path.join(buildDir, 'main.js')], {
      cwd: workDir,
      env: { PATH: process.env.PATH ?? '', AUTHTOKEN_PORT: 'eighty', AUTHTOKEN_COOKIE_SECURE: 'sometimes' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AUTHTOKEN_PORT must be an integer from 0 to 65535, got "eighty"');
    expect(result.stderr).toContain('AUTHTOKEN_COOKIE_SECURE must be "true" or "false", got "sometimes"');
    expect(result.stderr).toContain('The server did not start.');
  });
});

describe.each(databaseTargets())('main entry point on $name with configured admin', (target) => {
  let database: TestDatabase;
  let workDir: string;

  beforeAll(async () => {
    database = await target.create();
    workDir = await mkdtemp(path.join(tmpdir(), 'authtoken-main-'));
  });

  afterAll(async () => {
    await database?.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('configured admin signs in through a typed client', async () => {
    const env: Record<string, string> = {
      AUTHTOKEN_DATA_DIR: database.env.AUTHTOKEN_DATA_DIR,
      AUTHTOKEN_ADMIN_EMAIL: 'ops@example.com',
      AUTHTOKEN_ADMIN_PASSWORD: 'configured admin password',
    };
    if (database.env.AUTHTOKEN_DATABASE_URL !== undefined) {
      env.AUTHTOKEN_DATABASE_URL = database.env.AUTHTOKEN_DATABASE_URL;
    }
    const running = await startMain(workDir, env);
    try {
      expect(running.stderr()).toContain(target.name === 'postgres' ? '(PostgreSQL: ' : '(SQLite: ');
      expect(running.stderr()).toContain('sign in as ops@example.com with the password in AUTHTOKEN_ADMIN_PASSWORD');
      const signedIn = await createClient(running.url).auth.signIn.mutate({
        email: 'ops@example.com',
        password: 'configured admin password',
        session: 'bearer',
      });
      expect(signedIn.user.role).toBe('admin');
    } finally {
      running.child.kill('SIGTERM');
      expect(await running.exited).toBe(0);
    }
    expect(running.stdout()).not.toContain('configured admin password');
    expect(running.stderr()).not.toContain('configured admin password');
  });
});
