import type { AsyncTokenApi, SyncTokenApi } from './api_types.js';
import { createDecode } from './decode.js';
import { createGenerate } from './generate.js';
import { createRefresh } from './refresh.js';
import type { AsyncRuntime, SyncRuntime } from './runtime.js';
import { createVerify } from './verify.js';

/**
 * Binds all four token functions to a platform's primitives. Runtime packages call this once;
 * applications use the functions those packages export. A binding that should stay small in
 * a bundle calls {@link createGenerate} and the other per-function factories instead.
 *
 * @example
 * ```ts
 * import { createTokenApi } from '@authtoken/core';
 * export const { generate, refresh, verify, decode } = createTokenApi(myRuntime);
 * ```
 */
export function createTokenApi(runtime: SyncRuntime): SyncTokenApi;
export function createTokenApi(runtime: AsyncRuntime): AsyncTokenApi;
export function createTokenApi(runtime: SyncRuntime | AsyncRuntime): SyncTokenApi | AsyncTokenApi {
  // The two branches are the same calls; each narrows `runtime` to one overload.
  if (runtime.mode === 'sync') {
    return {
      generate: createGenerate(runtime),
      refresh: createRefresh(runtime),
      verify: createVerify(runtime),
      decode: createDecode(runtime),
    };
  }
  return {
    generate: createGenerate(runtime),
    refresh: createRefresh(runtime),
    verify: createVerify(runtime),
    decode: createDecode(runtime),
  };
}
