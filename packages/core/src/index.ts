export { createTokenApi } from './create_api.js';
export { createGenerate } from './generate.js';
export { createRefresh } from './refresh.js';
export { createVerify } from './verify.js';
export { createDecode } from './decode.js';
export type { AsyncTokenApi, SyncTokenApi } from './api_types.js';
export { AuthTokenError, ERROR_CODES, isAuthTokenError } from './errors.js';
export type { AuthTokenErrorCode, AuthTokenErrorOptions } from './errors.js';
export { MemoryCredentialStore } from './memory_store.js';
export { validateGenerateInput } from './validate_generate.js';
export { checkStore as checkCredentialStore } from './lib/store_calls.js';
export type {
  AsyncRuntime,
  CredentialStore,
  MaybePromise,
  SecretKeyHandle,
  StoredSecret,
  SyncCredentialStore,
  SyncRuntime,
  TextCodec,
  VerificationSecret,
} from './runtime.js';
export type {
  Clock,
  DecodedToken,
  GenerateOptions,
  JsonValue,
  RefreshOptions,
  TokenClaims,
  TokenHeader,
  VerifyOptions,
} from './types.js';
export { decodeBase64Url, encodeBase64Url } from './lib/base64url.js';
export {
  DEFAULT_TTL,
  MAX_CLOCK_TOLERANCE,
  MAX_KEY_LENGTH,
  MAX_NUMERIC_DATE,
  MAX_SECRET_LENGTH,
  MAX_TOKEN_LENGTH,
  MAX_TTL,
} from './lib/limits.js';
