import { MemoryCredentialStore, type AsyncRuntime, type SyncRuntime } from '@authtoken/core';
import { hmacSha256 } from './hmac.js';
import { textCodec } from './text_codec.js';

const DEFAULT_STORE_KEY = Symbol.for('@authtoken/node.defaultStore');

/**
 * Store used by calls that name none. It lives on `globalThis` under a registered symbol, so
 * the ESM and CommonJS builds and both entry points share one store even when a process loads
 * several copies of this package.
 */
export const defaultStore: MemoryCredentialStore = ((globalThis as Record<symbol, unknown>)[DEFAULT_STORE_KEY] ??=
  new MemoryCredentialStore()) as MemoryCredentialStore;

/** Node primitives for the synchronous API. */
export const syncRuntime: SyncRuntime = {
  mode: 'sync',
  text: textCodec,
  hmacSha256,
  defaultStore,
};

/** Node primitives for the asynchronous API, with the browser package's signatures. */
export const asyncRuntime: AsyncRuntime = {
  mode: 'async',
  text: textCodec,
  hmacSha256: async (secret, data) => hmacSha256(secret, data),
  defaultStore,
};
