import {
  createDecode,
  createGenerate,
  createRefresh,
  createVerify,
  type CredentialStore,
  type DecodedToken,
  type GenerateOptions,
  type RefreshOptions,
  type TokenClaims,
  type VerificationSecret,
  type VerifyOptions,
} from '@authtoken/core';
import { webCryptoRuntime } from './runtime.js';

// Each function is bound on its own and marked pure, so a bundle drops the ones it never calls.
const generateToken = /* @__PURE__ */ createGenerate(webCryptoRuntime);
const refreshToken = /* @__PURE__ */ createRefresh(webCryptoRuntime);
const verifyToken = /* @__PURE__ */ createVerify(webCryptoRuntime);
const decodeToken = /* @__PURE__ */ createDecode(webCryptoRuntime);

/**
 * Mints an HS256 token for a credential with WebCrypto and stores the credential so that
 * `refresh` can find it.
 *
 * @param key - The credential key; it becomes the `iss` claim.
 * @param secret - The credential secret; the token is signed with its UTF-8 bytes.
 * @param options - Lifetime (`ttl`, seconds, default 3600), `aud`, `sub`, `nbf`, `jti`, custom
 *   `claims`, a `clock`, and the `store`. The default store is an in-memory store shared by the
 *   page, and `false` stores nothing.
 * @returns A promise of the token in compact form, `header.claims.signature`.
 * @throws {AuthTokenError} `ERR_INVALID_KEY`, `ERR_INVALID_SECRET`, `ERR_INVALID_OPTION`,
 *   `ERR_RESERVED_CLAIM`, `ERR_INVALID_CLAIM_VALUE`, `ERR_TOKEN_TOO_LONG`, or an `ERR_STORE_*`
 *   code, as a rejected promise.
 *
 * @example
 * ```ts
 * import { generate } from '@authtoken/browser';
 * config.authToken = await generate(key, secret, { ttl: 900 });
 * ```
 */
export function generate(key: string, secret: string, options?: GenerateOptions<CredentialStore>): Promise<string> {
  return generateToken(key, secret, options);
}

/**
 * Mints a new token for the credential of `oldToken`, which may have expired. The old token's
 * signature is checked with the stored secret first, so a forged token is never re-signed.
 * The new token keeps every claim but `iat` and `exp`, and by default the old lifetime.
 *
 * @throws {AuthTokenError} `ERR_CREDENTIAL_NOT_FOUND` when the store has no secret for the
 *   token's `iss`, `ERR_SIGNATURE_MISMATCH` for a forged token, a token-shape code, or an
 *   `ERR_STORE_*` code, as a rejected promise.
 *
 * @example
 * ```ts
 * import { refresh } from '@authtoken/browser';
 * config.authToken = await refresh(config.authToken);
 * ```
 */
export function refresh(oldToken: string, options?: RefreshOptions<CredentialStore>): Promise<string> {
  return refreshToken(oldToken, options);
}

/**
 * Checks a token's signature with `secret`, then its `exp` and `nbf` (with `clockTolerance`)
 * and any expected `audience`, `issuer` and `subject`, and resolves to its claims. The secret
 * may be text, bytes, or an HMAC-SHA-256 `CryptoKey` with the `sign` usage.
 *
 * @throws {AuthTokenError} `ERR_SIGNATURE_MISMATCH`, `ERR_TOKEN_EXPIRED`,
 *   `ERR_TOKEN_NOT_YET_VALID`, `ERR_CLAIM_MISSING`, a mismatch code, or a token-shape code.
 *
 * @example
 * ```ts
 * import { verify } from '@authtoken/browser';
 * const claims = await verify(token, secret, { audience: 'telemetry' });
 * ```
 */
export function verify(token: string, secret: VerificationSecret, options?: VerifyOptions): Promise<TokenClaims> {
  return verifyToken(token, secret, options);
}

/**
 * Decodes a token's header and claims without checking the signature, for display and
 * debugging. Never base an access decision on the result. Shape errors reject with the same
 * codes as `verify`.
 *
 * @example
 * ```ts
 * import { decode } from '@authtoken/browser';
 * const { claims } = await decode(token);
 * const expiresAt = new Date(claims.exp! * 1000);
 * ```
 */
export function decode(token: string): Promise<DecodedToken> {
  return decodeToken(token);
}
