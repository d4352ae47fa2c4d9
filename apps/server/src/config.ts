import path from 'node:path';

import { z } from 'zod';

import { normalizeEmail } from './auth/email.js';

/**
 * Server configuration, read once at start from `AUTHTOKEN_*` environment
 * variables. This module is the only place that reads `process.env`, and the rest
 * of the server receives a `Config` value.
 */
export interface Config {
  host: string;
  port: number;
  /** Absolute path of the folder that contains the SQLite file. */
  dataDir: string;
  /** `postgres://` URL. When set, PostgreSQL is used instead of SQLite. */
  databaseUrl: string | undefined;
  logLevel: LogLevel;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  /** Maximum session lifetime, in seconds. */
  sessionTtlSeconds: number;
  /** A session unused for this many seconds expires. */
  sessionIdleTimeoutSeconds: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  signInMaxAttemptsPerAccount: number;
  signInMaxAttemptsPerIp: number;
  /** Length of the rate-limit window, in seconds. */
  signInWindowSeconds: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Raised when environment variables have invalid values. The message names each one and the fix. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(name: string, min: number, max: number, fallback: number) {
  const hint = `${name} must be an integer from ${min} to ${max}`;
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
        ctx.addIssue({ code: 'custom', message: `${hint}, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });
}

function boolean(name: string, fallback: boolean) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined) return fallback;
      const value = raw.trim().toLowerCase();
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      ctx.addIssue({ code: 'custom', message: `${name} must be "true" or "false", got "${raw}"` });
      return z.NEVER;
    });
}

// Each schema writes its own message because the values of secret variables
// (AUTHTOKEN_ADMIN_PASSWORD, AUTHTOKEN_DATABASE_URL) must not be echoed.
const envSchema = z.object({
  AUTHTOKEN_HOST: z.string().min(1, 'AUTHTOKEN_HOST must not be empty').default('127.0.0.1'),
  AUTHTOKEN_PORT: integer('AUTHTOKEN_PORT', 0, 65535, 3000),
  AUTHTOKEN_DATA_DIR: z.string().min(1, 'AUTHTOKEN_DATA_DIR must not be empty').default('./data'),
  AUTHTOKEN_DATABASE_URL: z
    .string()
    .superRefine((url, ctx) => {
      if (!/^postgres(ql)?:\/\/./.test(url)) {
        ctx.addIssue({
          code: 'custom',
          message:
            'AUTHTOKEN_DATABASE_URL must be a postgres:// or postgresql:// URL; unset it to use SQLite under AUTHTOKEN_DATA_DIR',
        });
      } else if (!URL.canParse(url)) {
        // Checked here because Node's URL error carries the whole input,
        // password included, into any log line that records the error.
        ctx.addIssue({
          code: 'custom',
          message:
            'AUTHTOKEN_DATABASE_URL is not a valid URL; percent-encode reserved characters such as @ : / % in the user name and password, and check the host and port',
        });
      }
    })
    .optional(),
  AUTHTOKEN_LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `AUTHTOKEN_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  AUTHTOKEN_ADMIN_EMAIL: z
    .string()
    .transform(normalizeEmail)
    .pipe(z.email({ message: 'AUTHTOKEN_ADMIN_EMAIL must be an email address such as admin@example.com' }))
    .optional(),
  AUTHTOKEN_ADMIN_PASSWORD: z.string().optional(),
  AUTHTOKEN_SESSION_TTL: integer('AUTHTOKEN_SESSION_TTL (seconds)', 1, 31_536_000, 604_800),
  AUTHTOKEN_SESSION_IDLE_TIMEOUT: integer('AUTHTOKEN_SESSION_IDLE_TIMEOUT (seconds)', 1, 31_536_000, 86_400),
  AUTHTOKEN_COOKIE_SECURE: boolean('AUTHTOKEN_COOKIE_SECURE', false),
  AUTHTOKEN_TRUST_PROXY: boolean('AUTHTOKEN_TRUST_PROXY', false),
  AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: integer('AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT', 1, 1_000_000, 10),
  AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_IP: integer('AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_IP', 1, 1_000_000, 100),
  AUTHTOKEN_SIGNIN_WINDOW: integer('AUTHTOKEN_SIGNIN_WINDOW (seconds)', 1, 86_400, 900),
});

/** Passwords shorter than this are rejected at sign-up and in AUTHTOKEN_ADMIN_PASSWORD. */
export const MIN_PASSWORD_LENGTH = 12;
/** Upper bound that keeps one Argon2 hash cheap to compute. */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Parses and validates the `AUTHTOKEN_*` variables.
 *
 * Empty strings count as unset, so `AUTHTOKEN_DATABASE_URL=` selects SQLite.
 * A relative `AUTHTOKEN_DATA_DIR` is resolved against `cwd`.
 *
 * @throws {ConfigError} listing every invalid variable and how to fix it.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key.startsWith('AUTHTOKEN_') && value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }

  const values = parsed.data;
  const problems: string[] = [];
  const password = values.AUTHTOKEN_ADMIN_PASSWORD;
  if (password !== undefined && values.AUTHTOKEN_ADMIN_EMAIL === undefined) {
    problems.push('AUTHTOKEN_ADMIN_PASSWORD is set without AUTHTOKEN_ADMIN_EMAIL; set both, or neither');
  }
  if (password !== undefined && (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)) {
    problems.push(
      `AUTHTOKEN_ADMIN_PASSWORD must have ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters; choose a password of that length`,
    );
  }
  // The same rule as newPasswordInput applies to passwords chosen at sign-up.
  if (password !== undefined && password.trim().length === 0) {
    problems.push('AUTHTOKEN_ADMIN_PASSWORD must not be only white space; choose a password with other characters');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    host: values.AUTHTOKEN_HOST,
    port: values.AUTHTOKEN_PORT,
    dataDir: path.resolve(cwd, values.AUTHTOKEN_DATA_DIR),
    databaseUrl: values.AUTHTOKEN_DATABASE_URL,
    logLevel: values.AUTHTOKEN_LOG_LEVEL,
    adminEmail: values.AUTHTOKEN_ADMIN_EMAIL,
    adminPassword: password,
    sessionTtlSeconds: values.AUTHTOKEN_SESSION_TTL,
    sessionIdleTimeoutSeconds: values.AUTHTOKEN_SESSION_IDLE_TIMEOUT,
    cookieSecure: values.AUTHTOKEN_COOKIE_SECURE,
    trustProxy: values.AUTHTOKEN_TRUST_PROXY,
    signInMaxAttemptsPerAccount: values.AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT,
    signInMaxAttemptsPerIp: values.AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_IP,
    signInWindowSeconds: values.AUTHTOKEN_SIGNIN_WINDOW,
  };
}
