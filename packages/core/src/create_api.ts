import { AuthTokenError } from './errors.js';
import type {
  AsyncRuntime,
  CredentialStore,
  StoredSecret,
  SyncCredentialStore,
  SyncRuntime,
  TextCodec,
  VerificationSecret,
} from './runtime.js';
import type { DecodedToken, GenerateOptions, RefreshOptions, TokenClaims, VerifyOptions } from './types.js';
import { buildClaims } from './lib/claims.js';
import { DEFAULT_TTL, MAX_TOKEN_LENGTH, MAX_TTL } from './lib/limits.js';
import { asyncStep, syncStep, type Step } from './lib/maybe_promise.js';
import { parseToken, STANDARD_HEADER_SEGMENT } from './lib/parse.js';
import { quote } from './lib/quote.js';
import { checkStore, readSecret, writeSecret } from './lib/store_calls.js';
import { timingSafeEqual } from './lib/timing_safe_equal.js';
import { checkInteger, checkKey, checkSecretText, checkVerificationSecret, readClock } from './lib/validate_input.js';
import { resolveExpectations, verifyClaims } from './lib/verify_claims.js';

/** The token functions bound to a synchronous runtime, such as `@authtoken/node`'s. */
export interface SyncTokenApi {
  /** Mints a token for the credential and stores the credential for later refreshes. */
  generate(key: string, secret: string, options?: GenerateOptions<SyncCredentialStore>): string;
  /** Re-mints a token, also an expired one, after checking its signature with the stored secret. */
  refresh(oldToken: string, options?: RefreshOptions<SyncCredentialStore>): string;
  /** Checks the signature and claims of a token and returns its claims. */
  verify(token: string, secret: VerificationSecret, options?: VerifyOptions): TokenClaims;
  /** Decodes a token without checking its signature. Never trust the result for access decisions. */
  decode(token: string): DecodedToken;
}

/** The token functions bound to an asynchronous runtime, such as `@authtoken/browser`'s. */
export interface AsyncTokenApi {
  /** Mints a token for the credential and stores the credential for later refreshes. */
  generate(key: string, secret: string, options?: GenerateOptions): Promise<string>;
  /** Re-mints a token, also an expired one, after checking its signature with the stored secret. */
  refresh(oldToken: string, options?: RefreshOptions): Promise<string>;
  /** Checks the signature and claims of a token and resolves to its claims. */
  verify(token: string, secret: VerificationSecret, options?: VerifyOptions): Promise<TokenClaims>;
  /** Decodes a token without checking its signature. Never trust the result for access decisions. */
  decode(token: string): Promise<DecodedToken>;
}

type Hmac = (secret: VerificationSecret, data: string) => string | Promise<string>;

/**
 * Binds the token functions to a platform's primitives. Runtime packages call this once;
 * applications use the functions those packages export.
 *
 * @example
 * ```ts
 * import { createTokenApi } from '@authtoken/core';
 * export const { generate, refresh, verify, decode } = createTokenApi(myRuntime);
 * ```
 */
export function createTokenApi(runtime: SyncRuntime): SyncTokenApi;
export function createTokenApi(runtime: AsyncRuntime): AsyncTokenApi;
export function createTokenApi(runtime: SyncRuntime | AsyncRuntime): SyncTokenApi | AsyncTokenApi {
  const step = runtime.mode === 'sync' ? syncStep : asyncStep;
  const flows = createFlows(runtime.text, runtime.hmacSha256.bind(runtime) as Hmac, runtime.defaultStore, step);
  if (runtime.mode === 'sync') {
    return flows as unknown as SyncTokenApi;
  }
  const api: AsyncTokenApi = {
    generate: async (key, secret, options) => flows.generate(key, secret, options),
    refresh: async (oldToken, options) => flows.refresh(oldToken, options),
    verify: async (token, secret, options) => flows.verify(token, secret, options),
    decode: async (token) => flows.decode(token),
  };
  return api;
}

function createFlows(text: TextCodec, hmac: Hmac, defaultStore: CredentialStore, step: Step) {
  const sign = (claims: TokenClaims, secret: VerificationSecret): string => {
    const signingInput = `${STANDARD_HEADER_SEGMENT}.${text.encode(JSON.stringify(claims))}`;
    // A signature adds 44 characters: the dot and 43 base64url characters for 32 bytes.
    if (signingInput.length + 44 > MAX_TOKEN_LENGTH) {
      throw new AuthTokenError(
        'ERR_TOKEN_TOO_LONG',
        `the token would be ${signingInput.length + 44} characters long; the maximum is ${MAX_TOKEN_LENGTH}, so make the custom claims smaller`,
      );
    }
    return step(hmac(secret, signingInput), (signature) => `${signingInput}.${signature}`);
  };

  const generate = (key: string, secret: string, options: GenerateOptions = {}): string => {
    const checkedKey = checkKey(key);
    const checkedSecret = checkSecretText(secret);
    const store = options.store === false ? undefined : checkStore(options.store ?? defaultStore);
    const claims = buildClaims(checkedKey, options, readClock(options.clock));

    return step(sign(claims, checkedSecret), (token) =>
      store === undefined ? token : step(writeSecret(store, checkedKey, checkedSecret), () => token),
    );
  };

  const refresh = (oldToken: string, options: RefreshOptions = {}): string => {
    const store = checkStore(options.store ?? defaultStore);
    const parsed = parseToken(oldToken, text);
    const ttl = checkInteger('ttl', options.ttl, 1, MAX_TTL, previousLifetime(parsed.claims));
    const now = readClock(options.clock);
    const key = parsed.claims.iss;
    if (key === undefined) {
      throw new AuthTokenError(
        'ERR_CLAIM_MISSING',
        'token has no "iss" claim, so the credential to refresh it with is unknown',
        {
          claim: 'iss',
        },
      );
    }

    return step(readSecret(store, key), (secret: StoredSecret | undefined) => {
      if (secret === undefined) {
        throw new AuthTokenError(
          'ERR_CREDENTIAL_NOT_FOUND',
          `no credential is stored for key ${quote(key)}; call generate(key, secret) with this store first, or use a persistent store`,
        );
      }
      return step(hmac(secret, parsed.signingInput), (expected) => {
        if (!timingSafeEqual(expected, parsed.signature)) {
          throw new AuthTokenError(
            'ERR_SIGNATURE_MISMATCH',
            `token signature does not match the stored secret for key ${quote(key)}; the token was forged or signed with another secret`,
          );
        }
        return sign({ ...parsed.claims, iat: now, exp: now + ttl }, secret);
      });
    });
  };

  const verify = (token: string, secret: VerificationSecret, options: VerifyOptions = {}): TokenClaims => {
    const checkedSecret = checkVerificationSecret(secret);
    const expected = resolveExpectations(options);
    const parsed = parseToken(token, text);

    return step(hmac(checkedSecret, parsed.signingInput), (signature) => {
      if (!timingSafeEqual(signature, parsed.signature)) {
        throw new AuthTokenError(
          'ERR_SIGNATURE_MISMATCH',
          'token signature does not match the secret; the token was forged, altered, or signed with another secret',
        );
      }
      verifyClaims(parsed.claims, expected);
      return parsed.claims;
    });
  };

  const decode = (token: string): DecodedToken => {
    const { header, claims } = parseToken(token, text);
    return { header: { ...header }, claims };
  };

  return { generate, refresh, verify, decode };
}

/** Lifetime of the token being refreshed, so a refresh keeps the lifetime the issuer chose. */
function previousLifetime(claims: TokenClaims): number {
  const { iat, exp } = claims;
  if (typeof iat === 'number' && typeof exp === 'number') {
    const lifetime = exp - iat;
    if (Number.isInteger(lifetime) && lifetime >= 1 && lifetime <= MAX_TTL) return lifetime;
  }
  return DEFAULT_TTL;
}
