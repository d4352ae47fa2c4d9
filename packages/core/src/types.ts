import type { CredentialStore } from './runtime.js';

/** JSON value allowed in a custom claim. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** JOSE header of a token. Tokens minted here always have exactly `{"alg":"HS256","typ":"JWT"}`. */
export interface TokenHeader {
  alg: 'HS256';
  typ?: string;
  [parameter: string]: unknown;
}

/**
 * Claims set of a token. Times are NumericDate values: whole seconds since the Unix epoch,
 * not milliseconds.
 */
export interface TokenClaims {
  /** Issuer: the credential key. */
  iss?: string;
  /** Issued-at time, seconds since the epoch. */
  iat?: number;
  /** Expiry time, seconds since the epoch. */
  exp?: number;
  /** Not-before time, seconds since the epoch. */
  nbf?: number;
  aud?: string | string[];
  sub?: string;
  jti?: string;
  [claim: string]: unknown;
}

/** Decoded parts of a token, as returned by `decode`. Nothing here has been verified. */
export interface DecodedToken {
  header: TokenHeader;
  claims: TokenClaims;
}

/** Clock returning milliseconds since the Unix epoch, like `Date.now`. */
export type Clock = () => number;

/** Options of `generate`. */
export interface GenerateOptions<Store = CredentialStore> {
  /** Lifetime in seconds, a whole number from 1 to 31 536 000 (one year). Default 3600. */
  ttl?: number;
  /** Audience claim `aud`. */
  aud?: string | string[];
  /** Subject claim `sub`. */
  sub?: string;
  /** Not-before claim `nbf`, whole seconds since the epoch. */
  nbf?: number;
  /** Token id claim `jti`. */
  jti?: string;
  /**
   * Custom claims, merged into the claims set. Registered names (`iss`, `iat`, `exp`, `nbf`,
   * `aud`, `sub`, `jti`) are rejected here so that a stray key cannot replace them; use the
   * dedicated options instead.
   */
  claims?: Record<string, JsonValue>;
  /** Clock used for `iat` and `exp`. Default `Date.now`. */
  clock?: Clock;
  /**
   * Store that keeps the credential so `refresh` can find the secret later. Default: the
   * binding's shared in-memory store. Pass `false` to store nothing.
   */
  store?: Store | false;
}

/** Options of `refresh`. */
export interface RefreshOptions<Store = CredentialStore> {
  /** Lifetime of the new token in seconds. Default: the old token's `exp - iat`, else 3600. */
  ttl?: number;
  /** Clock used for the new `iat` and `exp`. Default `Date.now`. */
  clock?: Clock;
  /** Store to look the credential up in. Default: the binding's shared in-memory store. */
  store?: Store;
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** Clock used for the time checks. Default `Date.now`. */
  clock?: Clock;
  /** Seconds of clock difference tolerated for `exp`, `nbf` and `iat`, 0 to 3600. Default 0. */
  clockTolerance?: number;
  /** Expected audience: the token's `aud` must contain one of these. */
  audience?: string | string[];
  /** Expected issuer (credential key): the token's `iss` must equal one of these. */
  issuer?: string | string[];
  /** Expected subject: the token's `sub` must equal this. */
  subject?: string;
  /**
   * Claims that must be present. Default `['exp']`, because tokens of this suite are
   * short-lived; pass `[]` to accept tokens without an expiry.
   */
  requiredClaims?: string[];
}
