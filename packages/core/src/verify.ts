import type { AsyncTokenApi, SyncTokenApi } from './api_types.js';
import { AuthTokenError } from './errors.js';
import type { AsyncRuntime, SyncRuntime, VerificationSecret } from './runtime.js';
import type { TokenClaims, VerifyOptions } from './types.js';
import { bindRuntime, exposeFor } from './lib/bind_runtime.js';
import { parseToken } from './lib/parse.js';
import { timingSafeEqual } from './lib/timing_safe_equal.js';
import { checkVerificationSecret } from './lib/validate_input.js';
import { resolveExpectations, verifyClaims } from './lib/verify_claims.js';

/**
 * Binds `verify` alone to a platform's primitives.
 *
 * @example
 * ```ts
 * import { createVerify } from '@authtoken/core';
 * export const verify = createVerify(myRuntime);
 * ```
 */
export function createVerify(runtime: SyncRuntime): SyncTokenApi['verify'];
export function createVerify(runtime: AsyncRuntime): AsyncTokenApi['verify'];
export function createVerify(runtime: SyncRuntime | AsyncRuntime): SyncTokenApi['verify'] | AsyncTokenApi['verify'] {
  const bound = bindRuntime(runtime);

  const verify = (token: string, secret: VerificationSecret, options: VerifyOptions = {}): TokenClaims => {
    const checkedSecret = checkVerificationSecret(secret);
    const expected = resolveExpectations(options);
    const parsed = parseToken(token, bound.text);

    return bound.step(bound.hmac(checkedSecret, parsed.signingInput), (signature) => {
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

  return exposeFor(runtime, verify) as SyncTokenApi['verify'] | AsyncTokenApi['verify'];
}
