import { parseArgs } from 'node:util';
import { decode, generate, refresh, verify, type JsonValue } from '../index.js';
import { FileCredentialStore } from '../file_store.js';
import { MemoryCredentialStore } from '@authtoken/core';
import { defaultStorePath, parseClaims, parseSeconds, readSecret, readToken, type CliEnvironment } from './inputs.js';
import { UsageError } from './usage.js';

/** What a command prints on success: plain text, and the value printed under --json. */
export interface CommandResult {
  text: string;
  json: unknown;
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
  const aud = values.aud === undefined ? undefined : values.aud.length === 1 ? values.aud[0] : values.aud;

  const token = generate(key, secret, {
    ttl: parseSeconds('--ttl', values.ttl),
    nbf: parseSeconds('--nbf', values.nbf),
    aud,
    sub: values.sub,
    jti: values.jti,
    claims: Object.keys(claims).length > 0 ? (claims as Record<string, JsonValue>) : undefined,
    store: values['no-store'] === true ? false : storeFor(values.store, environment),
  });
  return tokenResult(token);
}

export function runRefresh(args: string[], environment: CliEnvironment): CommandResult {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON, ttl: { type: 'string' } },
  });
  const token = refresh(readToken(positionals[0], environment), {
    ttl: parseSeconds('--ttl', values.ttl),
    store: storeFor(values.store, environment),
  });
  return tokenResult(token);
}

export function runDecode(args: string[], environment: CliEnvironment): CommandResult {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: COMMON });
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
