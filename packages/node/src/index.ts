import { createTokenApi } from '@authtoken/core';
import { syncRuntime } from './runtime.js';

const api = createTokenApi(syncRuntime);

/**
 * Mints an HS256 token for a credential and stores the credential so `refresh` can find it.
 *
 * @param key - The credential key; it becomes the `iss` claim.
 * @param secret - The credential secret; the token is signed with its UTF-8 bytes.
 * @param options - Lifetime (`ttl`, seconds, default 3600), `aud`, `sub`, `nbf`, `jti`, custom
 *   `claims`, a `clock`, and the `store` (default: an in-memory store shared by this process).
 * @returns The token in compact form, `header.claims.signature`.
 * @throws {AuthTokenError} `ERR_INVALID_KEY`, `ERR_INVALID_SECRET`, `ERR_INVALID_OPTION`,
 *   `ERR_RESERVED_CLAIM`, `ERR_INVALID_CLAIM_VALUE`, `ERR_TOKEN_TOO_LONG`, or an `ERR_STORE_*` code.
 *
 * @example
 * ```ts
 * import { generate } from '@authtoken/node';
 * const token = generate(process.env.API_KEY!, process.env.API_SECRET!, { ttl: 900 });
 * ```
 */
export const generate = api.generate;

/**
 * Mints a new token for the credential of `oldToken`, which may have expired. The old token's
 * signature is checked with the stored secret first, so a forged token is never re-signed.
 * The new token keeps every claim but `iat` and `exp`, and by default the old lifetime.
 *
 * @throws {AuthTokenError} `ERR_CREDENTIAL_NOT_FOUND` when the store has no secret for the
 *   token's `iss`, `ERR_SIGNATURE_MISMATCH` for a forged token, or a token-shape code.
 *
 * @example
 * ```ts
 * import { refresh } from '@authtoken/node';
 * config.authToken = refresh(config.authToken);
 * ```
 */
export const refresh = api.refresh;

/**
 * Checks a token's signature with `secret`, then its `exp` and `nbf` (with `clockTolerance`)
 * and any expected `audience`, `issuer` and `subject`, and returns its claims.
 *
 * @throws {AuthTokenError} `ERR_SIGNATURE_MISMATCH`, `ERR_TOKEN_EXPIRED`,
 *   `ERR_TOKEN_NOT_YET_VALID`, `ERR_CLAIM_MISSING`, a mismatch code, or a token-shape code.
 *
 * @example
 * ```ts
 * import { verify } from '@authtoken/node';
 * const claims = verify(token, secret, { audience: 'telemetry', clockTolerance: 30 });
 * ```
 */
export const verify = api.verify;

/**
 * Decodes a token's header and claims without checking the signature, for display and
 * debugging. Shape errors throw the same codes as `verify`.
 *
 * @example
 * ```ts
 * import { decode } from '@authtoken/node';
 * const { claims } = decode(token);
 * console.log(new Date(claims.exp! * 1000));
 * ```
 */
export const decode = api.decode;

export { defaultStore } from './runtime.js';
export { FileCredentialStore } from './file_store.js';
export type { FileCredentialStoreOptions } from './file_store.js';
export type { LockOptions } from './file_lock.js';
export { hmacSha256 } from './hmac.js';
export {
  AuthTokenError,
  ERROR_CODES,
  isAuthTokenError,
  MemoryCredentialStore,
  MAX_KEY_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_TOKEN_LENGTH,
  MAX_TTL,
  DEFAULT_TTL,
} from '@authtoken/core';
export type {
  AuthTokenErrorCode,
  CredentialStore,
  DecodedToken,
  GenerateOptions,
  JsonValue,
  RefreshOptions,
  StoredSecret,
  SyncCredentialStore,
  TokenClaims,
  TokenHeader,
  VerificationSecret,
  VerifyOptions,
} from '@authtoken/core';
