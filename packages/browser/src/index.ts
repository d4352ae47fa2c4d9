/**
 * `@authtoken/browser`: HS256 auth tokens in the browser, signed with WebCrypto.
 *
 * @example
 * ```ts
 * import { generate, refresh } from '@authtoken/browser';
 * let token = await generate(key, secret);
 * token = await refresh(token);
 * ```
 */
export { decode, generate, refresh, verify } from './token_api.js';
export { defaultStore } from './runtime.js';
export { hmacSha256 } from './webcrypto_hmac.js';
export { IndexedDbCredentialStore } from './stores/indexeddb_store.js';
export type { IndexedDbStoreOptions, SecretCryptoKey } from './stores/indexeddb_store.js';
export { WebStorageCredentialStore } from './stores/web_storage_store.js';
export type { WebStorageArea, WebStorageStoreOptions } from './stores/web_storage_store.js';
export type { TokenCache } from './stores/token_cache.js';
export { TokenClient } from './token_client.js';
export type { ErrorListener, TokenClientOptions, TokenListener } from './token_client.js';
export {
  AuthTokenError,
  DEFAULT_TTL,
  ERROR_CODES,
  isAuthTokenError,
  MAX_KEY_LENGTH,
  MAX_SECRET_LENGTH,
  MAX_TOKEN_LENGTH,
  MAX_TTL,
  MemoryCredentialStore,
} from '@authtoken/core';
export type {
  AuthTokenErrorCode,
  Clock,
  CredentialStore,
  DecodedToken,
  GenerateOptions,
  JsonValue,
  RefreshOptions,
  SecretKeyHandle,
  StoredSecret,
  TokenClaims,
  TokenHeader,
  VerificationSecret,
  VerifyOptions,
} from '@authtoken/core';
