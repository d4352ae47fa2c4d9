import type { GenerateOptions } from './types.js';
import { buildClaims } from './lib/claims.js';
import { checkKey } from './lib/validate_input.js';

/**
 * Checks a key and the claim options of `generate` (`ttl`, `aud`, `sub`, `nbf`, `jti`, custom
 * `claims`) without minting, and throws the same `AuthTokenError` that `generate` would. Token
 * clients call it when they are created, so a bad option fails there and not at the first
 * renewal.
 *
 * @example
 * ```ts
 * validateGenerateInput(key, { ttl: 900, aud: 'telemetry' }); // throws on bad input
 * ```
 */
export function validateGenerateInput(
  key: string,
  options: Omit<GenerateOptions<unknown>, 'store' | 'clock'> = {},
): void {
  buildClaims(checkKey(key), options, 0);
}
