import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../src/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/authtoken');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('defaults need no variables', () => {
    const config = loadConfig({}, '/srv/authtoken');
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 3000,
      dataDir: path.resolve('/srv/authtoken', 'data'),
      databaseUrl: undefined,
      logLevel: 'info',
      adminEmail: undefined,
      adminPassword: undefined,
      sessionTtlSeconds: 604_800,
      sessionIdleTimeoutSeconds: 86_400,
      cookieSecure: false,
      trustProxy: false,
      signInMaxAttemptsPerAccount: 10,
      signInMaxAttemptsPerIp: 100,
      signInWindowSeconds: 900,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      {
        AUTHTOKEN_HOST: '0.0.0.0',
        AUTHTOKEN_PORT: '8080',
        AUTHTOKEN_DATA_DIR: '/var/lib/authtoken',
        AUTHTOKEN_DATABASE_URL: 'postgresql://app@db.internal/authtoken',
        AUTHTOKEN_LOG_LEVEL: 'warn',
        AUTHTOKEN_ADMIN_EMAIL: ' Ops@Example.com ',
        AUTHTOKEN_ADMIN_PASSWORD: 'operator password',
        AUTHTOKEN_SESSION_TTL: '3600',
        AUTHTOKEN_SESSION_IDLE_TIMEOUT: '600',
        AUTHTOKEN_COOKIE_SECURE: 'true',
        AUTHTOKEN_TRUST_PROXY: '1',
        AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: '4',
        AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_IP: '40',
        AUTHTOKEN_SIGNIN_WINDOW: '120',
      },
      '/srv/authtoken',
    );
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 8080,
      dataDir: '/var/lib/authtoken',
      databaseUrl: 'postgresql://app@db.internal/authtoken',
      logLevel: 'warn',
      adminEmail: 'ops@example.com',
      adminPassword: 'operator password',
      sessionTtlSeconds: 3600,
      sessionIdleTimeoutSeconds: 600,
      cookieSecure: true,
      trustProxy: true,
      signInMaxAttemptsPerAccount: 4,
      signInMaxAttemptsPerIp: 40,
      signInWindowSeconds: 120,
    });
  });

  it('relative data dir resolves against cwd', () => {
    expect(loadConfig({ AUTHTOKEN_DATA_DIR: 'var/db' }, '/work/repo').dataDir).toBe('/work/repo/var/db');
  });

  it('empty values count as unset', () => {
    const config = loadConfig({ AUTHTOKEN_DATABASE_URL: '', AUTHTOKEN_PORT: '' }, '/srv');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.port).toBe(3000);
  });

  it('ignores variables without the prefix', () => {
    expect(loadConfig({ PORT: 'not a number', HOST: '' }, '/srv').port).toBe(3000);
  });

  it.each([
    ['AUTHTOKEN_PORT', 'http', 'AUTHTOKEN_PORT must be an integer from 0 to 65535, got "http"'],
    ['AUTHTOKEN_PORT', '70000', 'AUTHTOKEN_PORT must be an integer from 0 to 65535, got "70000"'],
    ['AUTHTOKEN_PORT', '-1', 'AUTHTOKEN_PORT must be an integer from 0 to 65535, got "-1"'],
    ['AUTHTOKEN_SESSION_TTL', '0', 'AUTHTOKEN_SESSION_TTL (seconds) must be an integer from 1 to 31536000, got "0"'],
    [
      'AUTHTOKEN_SESSION_IDLE_TIMEOUT',
      '1.5',
      'AUTHTOKEN_SESSION_IDLE_TIMEOUT (seconds) must be an integer from 1 to 31536000, got "1.5"',
    ],
    ['AUTHTOKEN_COOKIE_SECURE', 'yes', 'AUTHTOKEN_COOKIE_SECURE must be "true" or "false", got "yes"'],
    ['AUTHTOKEN_TRUST_PROXY', 'maybe', 'AUTHTOKEN_TRUST_PROXY must be "true" or "false", got "maybe"'],
    [
      'AUTHTOKEN_LOG_LEVEL',
      'verbose',
      'AUTHTOKEN_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    ],
    ['AUTHTOKEN_ADMIN_EMAIL', 'root', 'AUTHTOKEN_ADMIN_EMAIL must be an email address such as admin@example.com'],
    [
      'AUTHTOKEN_SIGNIN_WINDOW',
      '100000',
      'AUTHTOKEN_SIGNIN_WINDOW (seconds) must be an integer from 1 to 86400, got "100000"',
    ],
  ])('%s=%s is rejected', (name, value, message) => {
    const error = configError({ [name]: value });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toEqual([message]);
    expect(error.message).toContain(message);
  });

  it('lists every invalid variable at once', () => {
    const error = configError({ AUTHTOKEN_PORT: 'x', AUTHTOKEN_LOG_LEVEL: 'loud' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/AUTHTOKEN_PORT/);
    expect(error.message).toMatch(/AUTHTOKEN_LOG_LEVEL/);
  });

  it('database URL error hides the URL', () => {
    const error = configError({ AUTHTOKEN_DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(error.problems).toEqual([
      'AUTHTOKEN_DATABASE_URL must be a postgres:// or postgresql:// URL; unset it to use SQLite under AUTHTOKEN_DATA_DIR',
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('unparsable database URL is rejected unechoed', () => {
    // The port is not a number, so the URL parser rejects it. Node's error
    // would carry the whole URL, password included.
    const error = configError({ AUTHTOKEN_DATABASE_URL: 'postgres://app:hunter2@db.internal:54x2/app' });
    expect(error.problems).toEqual([
      'AUTHTOKEN_DATABASE_URL is not a valid URL; percent-encode reserved characters such as @ : / % in the user name and password, and check the host and port',
    ]);
    expect(error.message).not.toContain('hunter2');
  });

  it('admin password needs an admin email', () => {
    const error = configError({ AUTHTOKEN_ADMIN_PASSWORD: 'long enough password' });
    expect(error.problems).toEqual([
      'AUTHTOKEN_ADMIN_PASSWORD is set without AUTHTOKEN_ADMIN_EMAIL; set both, or neither',
    ]);
    expect(error.message).not.toContain('long enough password');
  });

  it('blank admin password is rejected', () => {
    const error = configError({ AUTHTOKEN_ADMIN_EMAIL: 'a@example.com', AUTHTOKEN_ADMIN_PASSWORD: ' '.repeat(16) });
    expect(error.problems).toEqual([
      'AUTHTOKEN_ADMIN_PASSWORD must not be only white space; choose a password with other characters',
    ]);
  });

  it('short admin password is rejected unechoed', () => {
    const error = configError({ AUTHTOKEN_ADMIN_EMAIL: 'a@example.com', AUTHTOKEN_ADMIN_PASSWORD: 'tiny-pw' });
    expect(error.problems).toEqual([
      'AUTHTOKEN_ADMIN_PASSWORD must have 12 to 256 characters; choose a password of that length',
    ]);
    expect(error.message).not.toContain('tiny-pw');
  });
});
