import { AuthTokenError } from '../errors.js';
import type { TokenClaims, VerifyOptions } from '../types.js';
import { quote } from './quote.js';
import { MAX_CLOCK_TOLERANCE } from './limits.js';
import { checkNumber, checkText, checkTextList, readClock } from './validate_input.js';

const DEFAULT_REQUIRED_CLAIMS: readonly string[] = ['exp'];

/** Verification options after their checks, with defaults applied and the clock read. */
export interface ClaimExpectations {
  now: number;
  tolerance: number;
  required: readonly string[];
  audience: string[] | undefined;
  issuers: string[] | undefined;
  subject: string | undefined;
}

/**
 * Checks the options of `verify` and reads the clock. It runs before the signature check so
 * that a bad option is reported for every token, not only for validly signed ones.
 */
export function resolveExpectations(options: VerifyOptions): ClaimExpectations {
  const required = options.requiredClaims ?? DEFAULT_REQUIRED_CLAIMS;
  if (!Array.isArray(required) || required.some((name) => typeof name !== 'string')) {
    throw new AuthTokenError('ERR_INVALID_OPTION', 'option requiredClaims must be an array of claim names');
  }
  return {
    now: readClock(options.clock),
    tolerance: checkNumber('clockTolerance', options.clockTolerance, 0, MAX_CLOCK_TOLERANCE, 0),
    required,
    audience: checkTextList('audience', options.audience),
    issuers: checkTextList('issuer', options.issuer),
    subject: checkText('subject', options.subject),
  };
}

/** Checks the time, audience, issuer and subject claims of a token whose signature is valid. */
export function verifyClaims(claims: TokenClaims, expected: ClaimExpectations): void {
  const { now, tolerance, issuers, subject } = expected;
  for (const name of expected.required) {
    if (claims[name] === undefined) {
      throw new AuthTokenError('ERR_CLAIM_MISSING', `token has no "${name}" claim, which is required`, { claim: name });
    }
  }

  // RFC 7519 section 4.1.4: the token is valid only before `exp`.
  if (claims.exp !== undefined && now - tolerance >= claims.exp) {
    throw new AuthTokenError(
      'ERR_TOKEN_EXPIRED',
      `token expired at ${isoTime(claims.exp)}; call refresh(token) for a new one`,
      { claim: 'exp' },
    );
  }
  if (claims.nbf !== undefined && now + tolerance < claims.nbf) {
    throw new AuthTokenError(
      'ERR_TOKEN_NOT_YET_VALID',
      `token is not valid before ${isoTime(claims.nbf)}; check the clocks of the issuer and this host, or raise clockTolerance`,
      { claim: 'nbf' },
    );
  }

  checkAudience(claims, expected.audience);
  if (issuers !== undefined && (claims.iss === undefined || !issuers.includes(claims.iss))) {
    throw new AuthTokenError(
      'ERR_ISSUER_MISMATCH',
      `token issuer ${claims.iss === undefined ? '(none)' : quote(claims.iss)} is not one of the expected issuers`,
      { claim: 'iss' },
    );
  }
  if (subject !== undefined && claims.sub !== subject) {
    throw new AuthTokenError(
      'ERR_SUBJECT_MISMATCH',
      `token subject ${claims.sub === undefined ? '(none)' : quote(claims.sub)} is not the expected subject ${quote(subject)}`,
      { claim: 'sub' },
    );
  }
}

function checkAudience(claims: TokenClaims, expected: string[] | undefined): void {
  if (expected === undefined) return;
  const actual = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!actual.some((audience) => expected.includes(audience))) {
    throw new AuthTokenError(
      'ERR_AUDIENCE_MISMATCH',
      `token audience ${actual.length === 0 ? '(none)' : actual.map(quote).join(', ')} does not contain any expected audience (${expected.map(quote).join(', ')})`,
      { claim: 'aud' },
    );
  }
}

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
