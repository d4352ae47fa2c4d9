import { parseArgs } from 'node:util';
import { decode, generate, refresh, verify, type JsonValue } from '../index.js';
import { FileCredentialStore } from '../file_store.js';
import { AuthTokenError, isAuthTokenError, MemoryCredentialStore } from '@authtoken/core';
import { defaultStorePath, parseClaims, parseSeconds, readSecret, readToken, type CliEnvironment } from './inputs.js';
import { UsageError } from './usage.js';

/** Output of a successful command: plain text, and the value printed under --json. */
export interface CommandResult {
  text: string;
  json: unknown;
  /** One line for stderr, such as where a secret was saved. */
  notice?: string;
}

const COMMON = {
  json: { type: 'boolean' },
  store: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const SECRET = {
  secret: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
} as const;

function rejectExtraArguments(command: string, positionals: string[]): void {
  if (positionals.length > 1) {
    throw new UsageError(`${command} takes one TOKEN, but got ${positionals.length} arguments`);
  }
}

function tokenResult(token: string): CommandResult {
  const { header, claims } = decode(token);
  return { text: token, json: { token, header, claims } };
}

function storeFor(path: string | undefined, environment: CliEnvironment): FileCredentialStore {
  return new FileCredentialStore(path ?? defaultStorePath(environment.env));
}

export function runGenerate(args: string[], environment: CliEnvironment): CommandResult {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      ...SECRET,
      key: { type: 'string' },
      ttl: { type: 'string' },
      aud: { type: 'string', multiple: true },
      sub: { type: 'string' },
      jti: { type: 'string' },
      nbf: { type: 'string' },
      claim: { type: 'string', multiple: true },
      'claim-json': { type: 'string', multiple: true },
      'no-store': { type: 'boolean' },
    },
  });
  if (positionals.length > 0) {
    throw new UsageError(
      `generate takes no arguments, but got ${JSON.stringify(positionals[0])}; pass the key with --key`,
    );
  }
  const key = values.key ?? environment.env['AUTHTOKEN_KEY'];
  if (key === undefined) {
    throw new UsageError('missing key; pass --key KEY or set AUTHTOKEN_KEY');
  }
  const secret = readSecret(values, environment);
  const claims = { ...parseClaims(values.claim ?? [], false), ...parseClaims(values['claim-json'] ?? [], true) };
  // One --aud gives a string claim, as most issuers write it; several give an array.
  let aud: string | string[] | undefined = values.aud;
  if (aud?.length === 1) aud = aud[0];

  const store = values['no-store'] === true ? undefined : storeFor(values.store, environment);
  const alreadyStored = store?.get(key) === secret;
  const token = generate(key, secret, {
    ttl: parseSeconds('--ttl', values.ttl),
    nbf: parseSeconds('--nbf', values.nbf),
    aud,
    sub: values.sub,
    jti: values.jti,
    claims: Object.keys(claims).length > 0 ? (claims as Record<string, JsonValue>) : undefined,
    store: store ?? false,
  });
  const result = tokenResult(token);
  if (store !== undefined && !alreadyStored) {
    result.notice = `saved the secret of key ${JSON.stringify(key)} to ${store.path} (mode 0600) so refresh can find it; pass --no-store to skip`;
  }
  return result;
}

export function runRefresh(args: string[], environment: CliEnvironment): CommandResult {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON, ttl: { type: 'string' } },
  });
  rejectExtraArguments('refresh', positionals);
  const oldToken = readToken(positionals[0], environment);
  const store = storeFor(values.store, environment);
  try {
    return tokenResult(refresh(oldToken, { ttl: parseSeconds('--ttl', values.ttl), store }));
  } catch (error) {
    if (!isAuthTokenError(error) || error.code !== 'ERR_CREDENTIAL_NOT_FOUND') throw error;
    const key = decode(oldToken).claims.iss ?? '';
    throw new AuthTokenError(
      'ERR_CREDENTIAL_NOT_FOUND',
      `no credential for key ${JSON.stringify(key)} in ${store.path}; run "authtoken generate --key ${key}" without --no-store first, or pass --store with the file that generate used`,
    );
  }
}

export function runDecode(args: string[], environment: CliEnvironment): CommandResult {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
  rejectExtraArguments('decode', positionals);
  const decoded = decode(readToken(positionals[0], environment));
  return { text: JSON.stringify(decoded, null, 2), json: decoded };
}

export function runVerify(args: string[], environment: CliEnvironment): CommandResult {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...COMMON,
      ...SECRET,
      audience: { type: 'string', multiple: true },
      issuer: { type: 'string', multiple: true },
      subject: { type: 'string' },
      'clock-tolerance': { type: 'string' },
    },
  });
  rejectExtraArguments('verify', positionals);
  if (positionals[0] === '-' && values['secret-stdin'] === true) {
    throw new UsageError(
      'the token and the secret cannot both come from standard input; pass the token as an argument or the secret in AUTHTOKEN_SECRET',
    );
  }
  const token = readToken(positionals[0], environment);
  const claims = verify(token, readSecret(values, environment), {
    audience: values.audience,
    issuer: values.issuer,
    subject: values.subject,
    clockTolerance: parseSeconds('--clock-tolerance', values['clock-tolerance']),
  });
  return { text: `valid\n${JSON.stringify(claims, null, 2)}`, json: { valid: true, claims } };
}

/** Sample credential of the demo command; it signs nothing real. */
const DEMO_KEY = '398e54e888da42f8d089je28c298o42b';
const DEMO_SECRET = 'demo-secret-not-for-production-use';

export function runDemo(args: string[]): CommandResult {
  parseArgs({ args, options: COMMON });
  const token = generate(DEMO_KEY, DEMO_SECRET, { ttl: 3600, store: new MemoryCredentialStore() });
  const { header, claims } = decode(token);
  const text = [
    `Sample key:  ${DEMO_KEY}`,
    '',
    'Token:',
    token,
    '',
    'Header:',
    JSON.stringify(header, null, 2),
    '',
    'Claims:',
    JSON.stringify(claims, null, 2),
    '',
    `Expires at ${new Date((claims.exp ?? 0) * 1000).toISOString()}. Mint your own with:`,
    '  AUTHTOKEN_SECRET=… authtoken generate --key YOUR_KEY',
  ].join('\n');
  return { text, json: { key: DEMO_KEY, token, header, claims } };
}
