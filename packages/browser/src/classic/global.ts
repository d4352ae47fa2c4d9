/**
 * Entry of the classic-script build, `auth-token-generator.min.js`. Loaded with a plain
 * `<script>` tag, it defines the global `AuthTokenGenerate` whose `generate(key, secret)` and
 * `refresh(oldAuthToken)` return the token synchronously, like the library it replaces. Tokens
 * are byte-identical to those of the ESM build for the same key, secret, clock and claims.
 *
 * @example
 * ```html
 * <script src="auth-token-generator.min.js"></script>
 * <script>
 *   config.authToken = AuthTokenGenerate.generate(key, secret);
 *   config.authToken = AuthTokenGenerate.refresh(config.authToken);
 * </script>
 * ```
 */
import { createTokenApi, MemoryCredentialStore, type SyncRuntime } from '@authtoken/core';
import { textCodec } from '../text_codec.js';
import { hmacSha256Sync } from './noble_hmac.js';

const runtime: SyncRuntime = {
  mode: 'sync',
  text: textCodec,
  hmacSha256: hmacSha256Sync,
  defaultStore: new MemoryCredentialStore(),
};

const api = createTokenApi(runtime);

/** Mints a token synchronously; see `generate` of `@authtoken/browser`. */
export const generate = api.generate;
/** Re-mints a token synchronously after checking it against the stored secret; see `refresh`. */
export const refresh = api.refresh;
/** Checks a token's signature and claims synchronously and returns its claims; see `verify`. */
export const verify = api.verify;
/** Decodes a token without checking its signature; see `decode`. */
export const decode = api.decode;
/** The in-memory store that `generate` and `refresh` use when a call names none. */
export const defaultStore = runtime.defaultStore;

export { AuthTokenError, isAuthTokenError, MemoryCredentialStore } from '@authtoken/core';
export { WebStorageCredentialStore } from '../stores/web_storage_store.js';
