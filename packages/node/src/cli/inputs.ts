import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './usage.js';

/** Sources of a command's inputs besides its arguments: the environment and standard input. */
export interface CliEnvironment {
  env: NodeJS.ProcessEnv;
  /** Returns all of standard input as text. */
  readStdin: () => string;
}

export const processEnvironment: CliEnvironment = {
  env: process.env,
  readStdin: () => readFileSync(0, 'utf8'),
};

/** Returns the token argument, reading standard input for "-". */
export function readToken(argument: string | undefined, environment: CliEnvironment): string {
  if (argument === undefined) {
    throw new UsageError('missing TOKEN argument; pass the token, or "-" to read it from standard input');
  }
  return argument === '-' ? environment.readStdin().trim() : argument;
}

/** Returns the secret from --secret-stdin, --secret or AUTHTOKEN_SECRET, in that order. */
export function readSecret(
  values: { secret?: string | undefined; 'secret-stdin'?: boolean | undefined },
  environment: CliEnvironment,
): string {
  if (values['secret-stdin'] === true) {
    // Only the line ending is removed: a secret may legitimately contain spaces.
    const firstLine = environment.readStdin().split(/\r?\n/u)[0] ?? '';
    if (firstLine.length === 0) {
      throw new UsageError('--secret-stdin was given, but standard input is empty; pipe the secret in');
    }
    return firstLine;
  }
  if (values.secret !== undefined) return values.secret;
  const fromEnv = environment.env['AUTHTOKEN_SECRET'];
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  throw new UsageError('missing secret; set AUTHTOKEN_SECRET, pass --secret-stdin, or pass --secret');
}

/** Returns the credential file used when --store is not given. */
export function defaultStorePath(env: NodeJS.ProcessEnv): string {
  const explicit = env['AUTHTOKEN_STORE'];
  if (explicit !== undefined && explicit.length > 0) return explicit;
  const configHome = env['XDG_CONFIG_HOME'];
  const base = configHome !== undefined && configHome.length > 0 ? configHome : join(homedir(), '.config');
  return join(base, 'authtoken', 'credentials.json');
}

/** Parses a whole number of seconds given on the command line. */
export function parseSeconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/u.test(text)) {
    throw new UsageError(`${flag} must be a whole number of seconds, but got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Parses repeated NAME=VALUE claims; with `json`, each VALUE is parsed as JSON. */
export function parseClaims(texts: string[], json: boolean): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  const flag = json ? '--claim-json' : '--claim';
  for (const text of texts) {
    const separator = text.indexOf('=');
    if (separator <= 0) {
      throw new UsageError(`${flag} ${JSON.stringify(text)} must have the form NAME=VALUE`);
    }
    const name = text.slice(0, separator);
    const raw = text.slice(separator + 1);
    if (!json) {
      claims[name] = raw;
      continue;
    }
    try {
      claims[name] = JSON.parse(raw);
    } catch {
      throw new UsageError(`${flag} ${name}: ${JSON.stringify(raw)} is not valid JSON; quote strings as '"text"'`);
    }
  }
  return claims;
}
