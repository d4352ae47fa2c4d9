import type { AsyncTokenApi, SyncTokenApi } from './api_types.js';
import type { AsyncRuntime, SyncRuntime } from './runtime.js';
import type { GenerateOptions } from './types.js';
import { bindRuntime, exposeFor } from './lib/bind_runtime.js';
import { buildClaims } from './lib/claims.js';
import { signClaims } from './lib/sign.js';
import { checkStore, writeSecret } from './lib/store_calls.js';
import { checkKey, checkSecretText, readClock } from './lib/validate_input.js';

/**
 * Binds `generate` alone to a platform's primitives, so that a bundle which mints tokens
 * does not carry the code of `verify` or `decode`.
 *
 * @example
 * ```ts
 * import { createGenerate } from '@authtoken/core';
 * export const generate = createGenerate(myRuntime);
 * ```
 */
export function createGenerate(runtime: SyncRuntime): SyncTokenApi['generate'];
export function createGenerate(runtime: AsyncRuntime): AsyncTokenApi['generate'];
export function createGenerate(
  runtime: SyncRuntime | AsyncRuntime,
): SyncTokenApi['generate'] | AsyncTokenApi['generate'] {
  const bound = bindRuntime(runtime);

  const generate = (key: string, secret: string, options: GenerateOptions = {}): string => {
    const checkedKey = checkKey(key);
    const checkedSecret = checkSecretText(secret);
    const store = options.store === false ? undefined : checkStore(options.store ?? bound.defaultStore);
    const claims = buildClaims(checkedKey, options, readClock(options.clock));

    return bound.step(signClaims(bound, claims, checkedSecret), (token) =>
      store === undefined ? token : bound.step(writeSecret(store, checkedKey, checkedSecret), () => token),
    );
  };

  return exposeFor(runtime, generate) as SyncTokenApi['generate'] | AsyncTokenApi['generate'];
}
