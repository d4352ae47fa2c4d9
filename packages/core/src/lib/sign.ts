import { AuthTokenError } from '../errors.js';
import type { StoredSecret, VerificationSecret } from '../runtime.js';
import type { TokenClaims } from '../types.js';
import type { BoundRuntime } from './bind_runtime.js';
import { MAX_TOKEN_LENGTH } from './limits.js';
import { STANDARD_HEADER_SEGMENT } from './parse.js';

/** Encodes `claims` under the standard header and signs them, checking the final length first. */
export function signClaims(
  runtime: BoundRuntime,
  claims: TokenClaims,
  secret: VerificationSecret | StoredSecret,
): string {
  const signingInput = `${STANDARD_HEADER_SEGMENT}.${runtime.text.encode(JSON.stringify(claims))}`;
  // A signature adds 44 characters: the dot and 43 base64url characters for 32 bytes.
  if (signingInput.length + 44 > MAX_TOKEN_LENGTH) {
    throw new AuthTokenError(
      'ERR_TOKEN_TOO_LONG',
      `token would be ${signingInput.length + 44} characters long; the maximum is ${MAX_TOKEN_LENGTH}, so make the custom claims smaller`,
    );
  }
  return runtime.step(runtime.hmac(secret, signingInput), (signature) => `${signingInput}.${signature}`);
}
