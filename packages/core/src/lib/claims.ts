import { AuthTokenError } from '../errors.js';
import type { GenerateOptions, JsonValue, TokenClaims } from '../types.js';
import { describe, quote } from './quote.js';
import { DEFAULT_TTL, MAX_CLAIM_DEPTH, MAX_NUMERIC_DATE, MAX_TTL } from './limits.js';
import { mustBe } from './messages.js';
import { checkEpochSeconds, checkInteger, checkText, checkTextList } from './validate_input.js';

/** Claim names registered by RFC 7519 section 4.1 that this suite sets itself. */
export const REGISTERED_CLAIMS: ReadonlySet<string> = new Set(['iss', 'iat', 'exp', 'nbf', 'aud', 'sub', 'jti']);

const TIME_CLAIMS = ['iat', 'exp', 'nbf'] as const;
const TEXT_CLAIMS = ['iss', 'sub', 'jti'] as const;

/** Builds the claims set of a new token for `key` at `now` (seconds since the epoch). */
export function buildClaims(key: string, options: GenerateOptions<unknown>, now: number): TokenClaims {
  const ttl = checkInteger('ttl', options.ttl, 1, MAX_TTL, DEFAULT_TTL);
  const claims: TokenClaims = { iss: key, iat: now, exp: now + ttl };

  const nbf = checkEpochSeconds('nbf', options.nbf);
  if (nbf !== undefined) claims.nbf = nbf;
  const aud = checkTextList('aud', options.aud);
  if (aud !== undefined) claims.aud = Array.isArray(options.aud) ? aud : aud[0]!;
  const sub = checkText('sub', options.sub);
  if (sub !== undefined) claims.sub = sub;
  const jti = checkText('jti', options.jti);
  if (jti !== undefined) claims.jti = jti;

  if (options.claims !== undefined) {
    addCustomClaims(claims, options.claims);
  }
  return claims;
}

function addCustomClaims(claims: TokenClaims, custom: unknown): void {
  if (typeof custom !== 'object' || custom === null || Array.isArray(custom)) {
    throw mustBe('ERR_INVALID_OPTION', 'option claims', 'a plain object', describe(custom));
  }
  for (const [name, value] of Object.entries(custom)) {
    if (REGISTERED_CLAIMS.has(name)) {
      throw new AuthTokenError(
        'ERR_RESERVED_CLAIM',
        `custom claim ${quote(name)} is a registered claim; set it with the ${name === 'iss' || name === 'iat' || name === 'exp' ? 'key and ttl arguments' : `${name} option`} instead`,
        { claim: name },
      );
    }
    checkJsonValue(name, value, 0);
    claims[name] = value as JsonValue;
  }
}

const JSON_RULE = 'JSON: a string, a finite number, a boolean, null, an array or a plain object';

/** Rejects values that `JSON.stringify` would drop or change silently. */
function checkJsonValue(path: string, value: unknown, depth: number): void {
  if (depth > MAX_CLAIM_DEPTH) {
    throw new AuthTokenError(
      'ERR_INVALID_CLAIM_VALUE',
      `custom claim ${quote(path)} nests deeper than ${MAX_CLAIM_DEPTH} levels; flatten it`,
      { claim: path },
    );
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number' && Number.isFinite(value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkJsonValue(`${path}[${index}]`, item, depth + 1));
    return;
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    for (const [name, item] of Object.entries(value)) checkJsonValue(`${path}.${name}`, item, depth + 1);
    return;
  }
  throw mustBe('ERR_INVALID_CLAIM_VALUE', `custom claim ${quote(path)}`, JSON_RULE, describe(value), path);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Checks the JSON types of the registered claims of a decoded claims set. */
export function checkClaimTypes(claims: TokenClaims): void {
  for (const name of TIME_CLAIMS) {
    const value = claims[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw mustBe('ERR_CLAIM_TYPE', `claim "${name}"`, 'a number of seconds since the epoch', describe(value), name);
    }
    if (value > MAX_NUMERIC_DATE) {
      throw new AuthTokenError(
        'ERR_CLAIM_MILLISECONDS',
        `claim "${name}" is ${value}, which looks like milliseconds since the epoch; the issuer must divide it by 1000`,
        { claim: name },
      );
    }
  }
  for (const name of TEXT_CLAIMS) {
    const value = claims[name];
    if (value !== undefined && typeof value !== 'string') {
      throw mustBe('ERR_CLAIM_TYPE', `claim "${name}"`, 'a string', describe(value), name);
    }
  }
  const aud = claims.aud;
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((item) => typeof item === 'string'))
  ) {
    throw mustBe('ERR_CLAIM_TYPE', 'claim "aud"', 'a string or an array of strings', describe(aud), 'aud');
  }
}
