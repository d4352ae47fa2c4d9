import { MemoryCredentialStore, type AsyncRuntime } from '@authtoken/core';
import { textCodec } from './text_codec.js';
import { hmacSha256 } from './webcrypto_hmac.js';

/**
 * Credential store that `generate` and `refresh` use when a call names none: an in-memory
 * store shared by the page, emptied when the page unloads.
 */
export const defaultStore = /* @__PURE__ */ new MemoryCredentialStore();

/** The WebCrypto primitives that bind core's token functions in the browser. */
export const webCryptoRuntime: AsyncRuntime = {
  mode: 'async',
  text: textCodec,
  hmacSha256,
  defaultStore,
};
