import { MemoryCredentialStore, type AsyncRuntime, type SyncRuntime } from '@authtoken/core';
import { hmacSha256 } from './hmac.js';
import { textCodec } from './text_codec.js';

/** Store used by calls that name none, shared by the synchronous and asynchronous entry points. */
export const defaultStore = new MemoryCredentialStore();

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
