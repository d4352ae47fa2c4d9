import type { AsyncTokenApi, SyncTokenApi } from './api_types.js';
import type { AsyncRuntime, SyncRuntime } from './runtime.js';
import type { DecodedToken } from './types.js';
import { exposeFor } from './lib/bind_runtime.js';
import { parseToken } from './lib/parse.js';

/**
 * Binds `decode` alone to a platform's primitives.
 *
 * @example
 * ```ts
 * import { createDecode } from '@authtoken/core';
 * export const decode = createDecode(myRuntime);
 * ```
 */
export function createDecode(runtime: SyncRuntime): SyncTokenApi['decode'];
export function createDecode(runtime: AsyncRuntime): AsyncTokenApi['decode'];
export function createDecode(runtime: SyncRuntime | AsyncRuntime): SyncTokenApi['decode'] | AsyncTokenApi['decode'] {
  const { text } = runtime;

  const decode = (token: string): DecodedToken => {
    const { header, claims } = parseToken(token, text);
    return { header: { ...header }, claims };
  };

  return exposeFor(runtime, decode) as SyncTokenApi['decode'] | AsyncTokenApi['decode'];
}
