import type { AsyncTokenApi, SyncTokenApi } from './api_types.js';
import { AuthTokenError } from './errors.js';
import type { AsyncRuntime, StoredSecret, SyncRuntime } from './runtime.js';
import type { RefreshOptions, TokenClaims } from './types.js';
import { bindRuntime, exposeFor } from './lib/bind_runtime.js';
import { DEFAULT_TTL, MAX_TTL } from './lib/limits.js';
import { parseToken } from './lib/parse.js';
import { quote } from './lib/quote.js';
import { signClaims } from './lib/sign.js';
import { checkStore, readSecret } from './lib/store_calls.js';
import { timingSafeEqual } from './lib/timing_safe_equal.js';
import { checkInteger, readClock } from './lib/validate_input.js';

/**
 * Binds `refresh` alone to a platform's primitives, so that a bundle which refreshes tokens
 * does not carry the claim checks of `verify`.
 *
 * @example
 * ```ts
 * import { createRefresh } from '@authtoken/core';
 * export const refresh = createRefresh(myRuntime);
 * ```
 */
export function createRefresh(runtime: SyncRuntime): SyncTokenApi['refresh'];
export function createRefresh(runtime: AsyncRuntime): AsyncTokenApi['refresh'];
export function createRefresh(runtime: SyncRuntime | AsyncRuntime): SyncTokenApi['refresh'] | AsyncTokenApi['refresh'] {
  const bound = bindRuntime(runtime);
  const { step } = bound;

  const refresh = (oldToken: string, options: RefreshOptions = {}): string => {
    const store = checkStore(options.store ?? bound.defaultStore);
    const parsed = parseToken(oldToken, bound.text);
    const ttl = checkInteger('ttl', options.ttl, 1, MAX_TTL, previousLifetime(parsed.claims));
    const now = readClock(options.clock);
    const key = parsed.claims.iss;
    if (key === undefined) {
      throw new AuthTokenError(
        'ERR_CLAIM_MISSING',
        'token has no "iss" claim, so its credential is unknown; call generate(key, secret) for a new token',
        { claim: 'iss' },
      );
    }

    return step(readSecret(store, key), (secret: StoredSecret | undefined) => {
      if (secret === undefined) {
        throw new AuthTokenError(
          'ERR_CREDENTIAL_NOT_FOUND',
          `no credential is stored for key ${quote(key)}; call generate(key, secret) with this store first, or use a persistent store`,
        );
      }
      return step(bound.hmac(secret, parsed.signingInput), (expected) => {
        if (!timingSafeEqual(expected, parsed.signature)) {
          throw new AuthTokenError(
            'ERR_SIGNATURE_MISMATCH',
            `token signature does not match the stored secret for key ${quote(key)}; the token was forged or signed with another secret`,
          );
        }
        return signClaims(bound, { ...parsed.claims, iat: now, exp: now + ttl }, secret);
      });
    });
  };

  return exposeFor(runtime, refresh) as SyncTokenApi['refresh'] | AsyncTokenApi['refresh'];
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
