/**
 * The asynchronous API of `@authtoken/node`. Its functions have the same signatures as
 * `@authtoken/browser`'s, so code written against them runs in both, and they accept
 * credential stores whose methods return promises.
 *
 * @example
 * ```ts
 * import { generate, refresh } from '@authtoken/node/async';
 * const token = await generate(key, secret);
 * ```
 */
import { createTokenApi } from '@authtoken/core';
import { asyncRuntime } from './runtime.js';

const api = createTokenApi(asyncRuntime);

/** Mints an HS256 token for a credential and stores the credential; see the synchronous `generate`. */
export const generate = api.generate;
/** Mints a new token for the credential of `oldToken`; see the synchronous `refresh`. */
export const refresh = api.refresh;
/** Checks a token's signature and claims and resolves to its claims; see the synchronous `verify`. */
export const verify = api.verify;
/** Decodes a token without checking its signature; see the synchronous `decode`. */
export const decode = api.decode;

export { defaultStore } from './runtime.js';
export { FileCredentialStore } from './file_store.js';
export { AuthTokenError, isAuthTokenError, MemoryCredentialStore } from '@authtoken/core';
export type {
  AuthTokenErrorCode,
  CredentialStore,
  DecodedToken,
  GenerateOptions,
  RefreshOptions,
  TokenClaims,
  VerifyOptions,
} from '@authtoken/core';
