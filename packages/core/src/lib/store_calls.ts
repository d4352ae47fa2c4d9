import { AuthTokenError, isAuthTokenError } from '../errors.js';
import type { CredentialStore, MaybePromise, StoredSecret } from '../runtime.js';
import { mustBe } from './messages.js';
import { describe, quote } from './quote.js';

/**
 * Checks that `store` has the three methods of a credential store and returns it, or throws
 * `ERR_INVALID_OPTION`. Exported as `checkCredentialStore` for runtime packages.
 */
export function checkStore<S extends CredentialStore>(store: unknown): S {
  const candidate = store as Partial<CredentialStore> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.get !== 'function' ||
    typeof candidate.set !== 'function' ||
    typeof candidate.delete !== 'function'
  ) {
    throw mustBe('ERR_INVALID_OPTION', 'option store', 'an object with get, set and delete methods', describe(store));
  }
  return candidate as S;
}

/** Reads a secret, reporting a store's own exceptions as `ERR_STORE_FAILED`. */
export function readSecret(store: CredentialStore, key: string): MaybePromise<StoredSecret | undefined> {
  return guard(() => store.get(key), 'read', key);
}

/** Writes a secret, reporting a store's own exceptions as `ERR_STORE_FAILED`. */
export function writeSecret(store: CredentialStore, key: string, secret: string): MaybePromise<void> {
  return guard(() => store.set(key, secret), 'write', key);
}

function guard<T>(call: () => MaybePromise<T>, action: string, key: string): MaybePromise<T> {
  const wrap = (cause: unknown): never => {
    if (isAuthTokenError(cause)) throw cause;
    throw new AuthTokenError(
      'ERR_STORE_FAILED',
      `credential store failed to ${action} the credential for key ${quote(key)}`,
      {
        cause,
      },
    );
  };
  try {
    const result = call();
    if (result instanceof Promise) return result.catch(wrap);
    return result;
  } catch (cause) {
    return wrap(cause);
  }
}
