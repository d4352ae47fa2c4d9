/**
 * Bad inputs and the error code each must produce, shared by the test suites of every runtime
 * package so that Node and the browser report the same code for the same mistake.
 *
 * Signed tokens below are real HS256 tokens for key "table-key" and secret
 * {@link TABLE_SECRET}, made once with `node:crypto`; their times are relative to
 * {@link TABLE_NOW_MS}.
 */
import { encodeBase64Url } from '../src/lib/base64url.js';
import type { AuthTokenErrorCode } from '../src/errors.js';

/** 2026-01-01T00:00:00Z, the clock every case runs at. */
export const TABLE_NOW_MS = 1_767_225_600_000;
export const TABLE_KEY = 'table-key';
export const TABLE_SECRET = 'table-secret-0123456789abcdef';

const HEADER = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9';
const SIGNATURE = 'U_5ftV9Y4ohxAHxFm45i9AxhSR8zxBUVDaI5IzL7avc';
const CLAIMS = 'eyJpc3MiOiJ0YWJsZS1rZXkiLCJpYXQiOjE3NjcyMjU1NDAsImV4cCI6MTc2NzIyOTE0MCwiYXVkIjoidGVsZW1ldHJ5In0';

/** Valid until 2026-01-01T00:59:00Z, audience "telemetry". */
export const VALID_TOKEN = `${HEADER}.${CLAIMS}.${SIGNATURE}`;
const EXPIRED_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0YWJsZS1rZXkiLCJpYXQiOjE3NjcyMTg0MDAsImV4cCI6MTc2NzIyMjAwMH0.NbB19VHnPwP7XVTnxq8Q6Jnf-JUylGKBJL-QtVGQ8ps';
const NOT_YET_VALID_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0YWJsZS1rZXkiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIzMjgwMCwibmJmIjoxNzY3MjI5MjAwfQ.xFBSuUYDG4uOwpCu6JphNMZ9bdESCxrA00fvp0zWwDQ';
const NO_EXP_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0YWJsZS1rZXkiLCJpYXQiOjE3NjcyMjU2MDB9.tJPYpTJIwVuTbB9rMQ-SnnEOA6VnUPIQA19xtKU6170';
const NO_ISS_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMH0._fG56RZRDmhNk91k4z951iH533hX8G1tM7eFJtpx9sY';
const UNKNOWN_ISS_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ1bmtub3duLWtleSIsImlhdCI6MTc2NzIyNTYwMCwiZXhwIjoxNzY3MjI5MjAwfQ.pqeRxrBFKBb3bseVPsnyMDggut2TpY4oMAjHH8YeOfI';
/** Claims of key "table-key", signed with "attacker-secret" instead of the stored secret. */
const FORGED_TOKEN =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ0YWJsZS1rZXkiLCJpYXQiOjE3NjcyMjU2MDAsImV4cCI6MTc2NzIyOTIwMH0.HN3YY4zUiUG3PuhsLdT88i7mxAoYdhIkLz4Ic0enFfQ';

/** Encodes a JSON value, or raw text, as a token segment. */
function segment(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return encodeBase64Url(new TextEncoder().encode(text));
}

/** Builds a token with the given header and claims and a well-formed but wrong signature. */
function tokenWith(header: unknown, claims: unknown): string {
  return `${segment(header)}.${segment(claims)}.${SIGNATURE}`;
}

const GOOD_CLAIMS = { iss: TABLE_KEY, iat: 1_767_225_600, exp: 1_767_229_200 };
const withClaims = (claims: Record<string, unknown>): string =>
  tokenWith({ alg: 'HS256', typ: 'JWT' }, { ...GOOD_CLAIMS, ...claims });

/** One bad call and the code it must fail with. */
export interface BadInputCase {
  name: string;
  fn: 'generate' | 'refresh' | 'verify' | 'decode';
  /**
   * Positional arguments. Runners add `clock: () => TABLE_NOW_MS` and, for generate and
   * refresh, a fresh store seeded with {@link BadInputCase.seed} to the options argument.
   */
  args: unknown[];
  /** Credentials to put into the fresh store before the call, by key. */
  seed?: Record<string, string>;
  code: AuthTokenErrorCode;
}

const OK_KEY = 'sample-key';
const OK_SECRET = 'sample-secret';

export const BAD_INPUT_CASES: readonly BadInputCase[] = [
  // Keys.
  { name: 'key of type number', fn: 'generate', args: [123, OK_SECRET, {}], code: 'ERR_INVALID_KEY' },
  { name: 'key null', fn: 'generate', args: [null, OK_SECRET, {}], code: 'ERR_INVALID_KEY' },
  { name: 'key undefined', fn: 'generate', args: [undefined, OK_SECRET, {}], code: 'ERR_INVALID_KEY' },
  { name: 'key empty', fn: 'generate', args: ['', OK_SECRET, {}], code: 'ERR_INVALID_KEY' },
  { name: 'key over 256 characters', fn: 'generate', args: ['k'.repeat(257), OK_SECRET, {}], code: 'ERR_INVALID_KEY' },
  { name: 'key with trailing space', fn: 'generate', args: ['sample-key ', OK_SECRET, {}], code: 'ERR_INVALID_KEY' },
  { name: 'key with newline', fn: 'generate', args: ['sample\nkey', OK_SECRET, {}], code: 'ERR_INVALID_KEY' },

  // Secrets.
  { name: 'secret of type number', fn: 'generate', args: [OK_KEY, 42, {}], code: 'ERR_INVALID_SECRET' },
  { name: 'secret undefined', fn: 'generate', args: [OK_KEY, undefined, {}], code: 'ERR_INVALID_SECRET' },
  { name: 'secret empty', fn: 'generate', args: [OK_KEY, '', {}], code: 'ERR_INVALID_SECRET' },
  {
    name: 'secret over 4096 characters',
    fn: 'generate',
    args: [OK_KEY, 's'.repeat(4097), {}],
    code: 'ERR_INVALID_SECRET',
  },
  { name: 'verify secret empty', fn: 'verify', args: [VALID_TOKEN, '', {}], code: 'ERR_INVALID_SECRET' },
  { name: 'verify secret of type number', fn: 'verify', args: [VALID_TOKEN, 7, {}], code: 'ERR_INVALID_SECRET' },

  // Options.
  { name: 'ttl zero', fn: 'generate', args: [OK_KEY, OK_SECRET, { ttl: 0 }], code: 'ERR_INVALID_OPTION' },
  { name: 'ttl negative', fn: 'generate', args: [OK_KEY, OK_SECRET, { ttl: -5 }], code: 'ERR_INVALID_OPTION' },
  { name: 'ttl fractional', fn: 'generate', args: [OK_KEY, OK_SECRET, { ttl: 1.5 }], code: 'ERR_INVALID_OPTION' },
  { name: 'ttl as string', fn: 'generate', args: [OK_KEY, OK_SECRET, { ttl: '60' }], code: 'ERR_INVALID_OPTION' },
  {
    name: 'ttl over one year',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { ttl: 31_536_001 }],
    code: 'ERR_INVALID_OPTION',
  },
  {
    name: 'nbf in milliseconds',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { nbf: 1_767_225_600_000 }],
    code: 'ERR_INVALID_OPTION',
  },
  { name: 'aud empty array', fn: 'generate', args: [OK_KEY, OK_SECRET, { aud: [] }], code: 'ERR_INVALID_OPTION' },
  { name: 'sub empty', fn: 'generate', args: [OK_KEY, OK_SECRET, { sub: '' }], code: 'ERR_INVALID_OPTION' },
  { name: 'claims as array', fn: 'generate', args: [OK_KEY, OK_SECRET, { claims: ['x'] }], code: 'ERR_INVALID_OPTION' },
  {
    name: 'clockTolerance negative',
    fn: 'verify',
    args: [VALID_TOKEN, TABLE_SECRET, { clockTolerance: -1 }],
    code: 'ERR_INVALID_OPTION',
  },
  {
    name: 'audience empty string',
    fn: 'verify',
    args: [VALID_TOKEN, TABLE_SECRET, { audience: '' }],
    code: 'ERR_INVALID_OPTION',
  },

  // Custom claims.
  {
    name: 'custom claim exp',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { exp: 1 } }],
    code: 'ERR_RESERVED_CLAIM',
  },
  {
    name: 'custom claim iss',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { iss: 'x' } }],
    code: 'ERR_RESERVED_CLAIM',
  },
  {
    name: 'custom claim aud',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { aud: 'x' } }],
    code: 'ERR_RESERVED_CLAIM',
  },
  {
    name: 'custom claim NaN',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { n: Number.NaN } }],
    code: 'ERR_INVALID_CLAIM_VALUE',
  },
  {
    name: 'custom claim undefined',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { u: undefined } }],
    code: 'ERR_INVALID_CLAIM_VALUE',
  },
  {
    name: 'custom claim Date',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { d: new Date(0) } }],
    code: 'ERR_INVALID_CLAIM_VALUE',
  },
  {
    name: 'custom claims too large',
    fn: 'generate',
    args: [OK_KEY, OK_SECRET, { claims: { blob: 'x'.repeat(9000) } }],
    code: 'ERR_TOKEN_TOO_LONG',
  },

  // Token shape, through decode.
  { name: 'token of type number', fn: 'decode', args: [42], code: 'ERR_TOKEN_NOT_STRING' },
  { name: 'token undefined', fn: 'decode', args: [undefined], code: 'ERR_TOKEN_NOT_STRING' },
  {
    name: 'token over 8192 characters',
    fn: 'decode',
    args: [`${HEADER}.${'A'.repeat(8200)}.${SIGNATURE}`],
    code: 'ERR_TOKEN_TOO_LONG',
  },
  { name: 'token empty', fn: 'decode', args: [''], code: 'ERR_TOKEN_SEGMENTS' },
  { name: 'token with one segment', fn: 'decode', args: [HEADER], code: 'ERR_TOKEN_SEGMENTS' },
  { name: 'token with two segments', fn: 'decode', args: [`${HEADER}.${CLAIMS}`], code: 'ERR_TOKEN_SEGMENTS' },
  { name: 'token with four segments', fn: 'decode', args: [`${VALID_TOKEN}.x`], code: 'ERR_TOKEN_SEGMENTS' },
  { name: 'token with five segments (JWE)', fn: 'decode', args: ['a.b.c.d.e'], code: 'ERR_TOKEN_SEGMENTS' },
  {
    name: 'header with padding',
    fn: 'decode',
    args: [`${segment('{"alg":"HS256"}')}=.${CLAIMS}.${SIGNATURE}`],
    code: 'ERR_TOKEN_PADDING',
  },
  {
    name: 'signature with padding',
    fn: 'decode',
    args: [`${HEADER}.${CLAIMS}.${SIGNATURE}=`],
    code: 'ERR_TOKEN_PADDING',
  },
  {
    name: 'claims in standard base64',
    fn: 'decode',
    args: [`${HEADER}.${CLAIMS}+/.${SIGNATURE}`],
    code: 'ERR_TOKEN_BASE64URL',
  },
  {
    name: 'claims with a space',
    fn: 'decode',
    args: [`${HEADER}.${CLAIMS} .${SIGNATURE}`],
    code: 'ERR_TOKEN_BASE64URL',
  },
  {
    name: 'header of impossible length',
    fn: 'decode',
    args: [`${HEADER}A.${CLAIMS}.${SIGNATURE}`],
    code: 'ERR_TOKEN_BASE64URL',
  },
  {
    name: 'signature not canonical',
    fn: 'decode',
    args: [`${HEADER}.${CLAIMS}.${SIGNATURE.slice(0, -1)}d`],
    code: 'ERR_TOKEN_BASE64URL',
  },
  {
    name: 'header not JSON',
    fn: 'decode',
    args: [`${segment('not json')}.${CLAIMS}.${SIGNATURE}`],
    code: 'ERR_TOKEN_JSON',
  },
  {
    name: 'claims not JSON',
    fn: 'decode',
    args: [`${HEADER}.${segment('{"iss":')}.${SIGNATURE}`],
    code: 'ERR_TOKEN_JSON',
  },
  {
    name: 'header not UTF-8',
    fn: 'decode',
    args: [`${encodeBase64Url(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))}.${CLAIMS}.${SIGNATURE}`],
    code: 'ERR_TOKEN_JSON',
  },
  { name: 'header JSON array', fn: 'decode', args: [tokenWith([], GOOD_CLAIMS)], code: 'ERR_TOKEN_NOT_OBJECT' },
  { name: 'header JSON null', fn: 'decode', args: [tokenWith(null, GOOD_CLAIMS)], code: 'ERR_TOKEN_NOT_OBJECT' },
  { name: 'claims JSON number', fn: 'decode', args: [tokenWith({ alg: 'HS256' }, 42)], code: 'ERR_TOKEN_NOT_OBJECT' },
  {
    name: 'claims JSON string',
    fn: 'decode',
    args: [tokenWith({ alg: 'HS256' }, '"claims"')],
    code: 'ERR_TOKEN_NOT_OBJECT',
  },

  // Algorithms and header parameters.
  {
    name: 'alg none',
    fn: 'decode',
    args: [`${segment({ alg: 'none', typ: 'JWT' })}.${CLAIMS}.`],
    code: 'ERR_ALG_UNSUPPORTED',
  },
  {
    name: 'alg none through verify',
    fn: 'verify',
    args: [`${segment({ alg: 'none' })}.${CLAIMS}.`, TABLE_SECRET, {}],
    code: 'ERR_ALG_UNSUPPORTED',
  },
  { name: 'alg RS256', fn: 'decode', args: [tokenWith({ alg: 'RS256' }, GOOD_CLAIMS)], code: 'ERR_ALG_UNSUPPORTED' },
  {
    name: 'alg in lower case',
    fn: 'decode',
    args: [tokenWith({ alg: 'hs256' }, GOOD_CLAIMS)],
    code: 'ERR_ALG_UNSUPPORTED',
  },
  { name: 'alg missing', fn: 'decode', args: [tokenWith({ typ: 'JWT' }, GOOD_CLAIMS)], code: 'ERR_ALG_UNSUPPORTED' },
  {
    name: 'typ not JWT',
    fn: 'decode',
    args: [tokenWith({ alg: 'HS256', typ: 'JWE' }, GOOD_CLAIMS)],
    code: 'ERR_TOKEN_HEADER',
  },
  {
    name: 'crit header',
    fn: 'decode',
    args: [tokenWith({ alg: 'HS256', crit: ['b64'], b64: false }, GOOD_CLAIMS)],
    code: 'ERR_TOKEN_HEADER',
  },

  // Registered claim types.
  { name: 'exp as string', fn: 'decode', args: [withClaims({ exp: '1767229200' })], code: 'ERR_CLAIM_TYPE' },
  { name: 'iat as string', fn: 'decode', args: [withClaims({ iat: 'now' })], code: 'ERR_CLAIM_TYPE' },
  { name: 'nbf as boolean', fn: 'decode', args: [withClaims({ nbf: true })], code: 'ERR_CLAIM_TYPE' },
  { name: 'exp negative', fn: 'decode', args: [withClaims({ exp: -5 })], code: 'ERR_CLAIM_TYPE' },
  { name: 'iss as number', fn: 'decode', args: [withClaims({ iss: 5 })], code: 'ERR_CLAIM_TYPE' },
  { name: 'aud with a number', fn: 'decode', args: [withClaims({ aud: ['a', 1] })], code: 'ERR_CLAIM_TYPE' },
  {
    name: 'exp in milliseconds',
    fn: 'decode',
    args: [withClaims({ exp: 1_767_229_200_000 })],
    code: 'ERR_CLAIM_MILLISECONDS',
  },
  {
    name: 'iat in milliseconds',
    fn: 'verify',
    args: [withClaims({ iat: 1_767_225_600_000 }), TABLE_SECRET, {}],
    code: 'ERR_CLAIM_MILLISECONDS',
  },

  // Verification.
  {
    name: 'verify with wrong secret',
    fn: 'verify',
    args: [VALID_TOKEN, 'wrong-secret', {}],
    code: 'ERR_SIGNATURE_MISMATCH',
  },
  {
    name: 'verify tampered claims',
    fn: 'verify',
    args: [withClaims({ exp: 1_767_229_140 }), TABLE_SECRET, {}],
    code: 'ERR_SIGNATURE_MISMATCH',
  },
  {
    name: 'verify empty signature',
    fn: 'verify',
    args: [`${HEADER}.${CLAIMS}.`, TABLE_SECRET, {}],
    code: 'ERR_SIGNATURE_MISMATCH',
  },
  { name: 'verify expired token', fn: 'verify', args: [EXPIRED_TOKEN, TABLE_SECRET, {}], code: 'ERR_TOKEN_EXPIRED' },
  {
    name: 'verify token before nbf',
    fn: 'verify',
    args: [NOT_YET_VALID_TOKEN, TABLE_SECRET, {}],
    code: 'ERR_TOKEN_NOT_YET_VALID',
  },
  { name: 'verify token without exp', fn: 'verify', args: [NO_EXP_TOKEN, TABLE_SECRET, {}], code: 'ERR_CLAIM_MISSING' },
  {
    name: 'verify wrong audience',
    fn: 'verify',
    args: [VALID_TOKEN, TABLE_SECRET, { audience: 'content' }],
    code: 'ERR_AUDIENCE_MISMATCH',
  },
  {
    name: 'verify wrong issuer',
    fn: 'verify',
    args: [VALID_TOKEN, TABLE_SECRET, { issuer: 'other-key' }],
    code: 'ERR_ISSUER_MISMATCH',
  },
  {
    name: 'verify wrong subject',
    fn: 'verify',
    args: [VALID_TOKEN, TABLE_SECRET, { subject: 'someone' }],
    code: 'ERR_SUBJECT_MISMATCH',
  },

  // Refresh.
  {
    name: 'refresh without iss',
    fn: 'refresh',
    args: [NO_ISS_TOKEN, {}],
    seed: { [TABLE_KEY]: TABLE_SECRET },
    code: 'ERR_CLAIM_MISSING',
  },
  {
    name: 'refresh with no stored credential',
    fn: 'refresh',
    args: [UNKNOWN_ISS_TOKEN, {}],
    seed: { [TABLE_KEY]: TABLE_SECRET },
    code: 'ERR_CREDENTIAL_NOT_FOUND',
  },
  {
    name: 'refresh forged signature',
    fn: 'refresh',
    args: [FORGED_TOKEN, {}],
    seed: { [TABLE_KEY]: TABLE_SECRET },
    code: 'ERR_SIGNATURE_MISMATCH',
  },
  {
    name: 'refresh malformed token',
    fn: 'refresh',
    args: ['not-a-token', {}],
    seed: { [TABLE_KEY]: TABLE_SECRET },
    code: 'ERR_TOKEN_SEGMENTS',
  },
  {
    name: 'refresh alg none',
    fn: 'refresh',
    args: [`${segment({ alg: 'none' })}.${CLAIMS}.`, {}],
    seed: { [TABLE_KEY]: TABLE_SECRET },
    code: 'ERR_ALG_UNSUPPORTED',
  },
  {
    name: 'refresh ttl zero',
    fn: 'refresh',
    args: [EXPIRED_TOKEN, { ttl: 0 }],
    seed: { [TABLE_KEY]: TABLE_SECRET },
    code: 'ERR_INVALID_OPTION',
  },
];

/** The expired token of the table, which refresh must accept. */
export const EXPIRED_TABLE_TOKEN = EXPIRED_TOKEN;

/**
 * Returns the arguments of `testCase` with the table clock, and for generate and refresh the
 * given store, added to its options argument.
 */
export function argumentsFor(testCase: BadInputCase, store: unknown): unknown[] {
  const optionsIndex = { generate: 2, refresh: 1, verify: 2, decode: -1 }[testCase.fn];
  const args = [...testCase.args];
  if (optionsIndex < 0) return args;
  const options = { clock: () => TABLE_NOW_MS, ...(args[optionsIndex] as object | undefined) } as Record<
    string,
    unknown
  >;
  if (testCase.fn === 'generate' || testCase.fn === 'refresh') options['store'] = store;
  args[optionsIndex] = options;
  return args;
}
