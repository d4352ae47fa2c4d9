import { AuthTokenError, type SyncCredentialStore } from '@authtoken/core';
import { storeError } from './store_errors.js';
import type { TokenCache } from './token_cache.js';

/** Name of the Web Storage area that a {@link WebStorageCredentialStore} uses. */
export type WebStorageArea = 'localStorage' | 'sessionStorage';

/** Options of {@link WebStorageCredentialStore}. */
export interface WebStorageStoreOptions {
  /**
   * The storage area: `'sessionStorage'` (default, one tab, kept across reloads),
   * `'localStorage'` (every tab of the origin, kept until cleared) or any `Storage` object.
   */
  storage?: WebStorageArea | Storage;
  /** Prefix of the item names this store writes. Default `'authtoken:'`. */
  prefix?: string;
}

const FORMAT_VERSION = 1;

interface StoredCredential {
  v: typeof FORMAT_VERSION;
  secret: string;
}

/**
 * Credential store on `sessionStorage` or `localStorage`. The secret is stored as text, so
 * any script on the page can read it back: prefer {@link IndexedDbCredentialStore} when an
 * injected script must not be able to take the secret away. The methods are synchronous, so
 * the classic build accepts this store too.
 *
 * Failures are `AuthTokenError`s: `ERR_STORE_UNAVAILABLE` when the browser blocks the storage
 * area, `ERR_STORE_QUOTA_EXCEEDED` when it is full, and `ERR_STORE_CORRUPT` for an item this
 * store cannot read.
 *
 * @example
 * ```ts
 * const store = new WebStorageCredentialStore({ storage: 'sessionStorage' });
 * const token = await generate(key, secret, { store });
 * // After a reload of the tab:
 * const next = await refresh(token, { store });
 * ```
 */
export class WebStorageCredentialStore implements SyncCredentialStore, TokenCache {
  readonly #area: WebStorageArea | Storage;
  readonly #prefix: string;
  readonly #label: string;

  constructor(options: WebStorageStoreOptions = {}) {
    const area = options.storage ?? 'sessionStorage';
    if (area !== 'localStorage' && area !== 'sessionStorage' && !isStorage(area)) {
      throw new AuthTokenError(
        'ERR_INVALID_OPTION',
        'option storage must be "localStorage", "sessionStorage" or a Storage object',
      );
    }
    const prefix = options.prefix ?? 'authtoken:';
    if (typeof prefix !== 'string') {
      throw new AuthTokenError(
        'ERR_INVALID_OPTION',
        `option prefix must be a string, but got a value of type ${typeof prefix}`,
      );
    }
    this.#area = area;
    this.#prefix = prefix;
    this.#label = typeof area === 'string' ? area : 'Web Storage';
  }

  /** Returns the stored secret text for `key`, or `undefined`. */
  get(key: string): string | undefined {
    const item = this.#read(`${this.#prefix}credential:${key}`, `read the credential for key ${JSON.stringify(key)}`);
    if (item === null) return undefined;
    return parseCredential(item, this.#label, key);
  }

  /** Stores `secret` for `key` and removes the latest token, which the old secret signed. */
  set(key: string, secret: string): void {
    const value: StoredCredential = { v: FORMAT_VERSION, secret };
    const action = `write the credential for key ${JSON.stringify(key)}`;
    const storage = this.#storage(action);
    try {
      // A token signed with an earlier secret cannot be refreshed with this one.
      storage.removeItem(`${this.#prefix}token:${key}`);
      storage.setItem(`${this.#prefix}credential:${key}`, JSON.stringify(value));
    } catch (cause) {
      throw storeError(this.#label, action, cause);
    }
  }

  /** Removes the credential and the latest token for `key`. */
  delete(key: string): void {
    const action = `delete the credential for key ${JSON.stringify(key)}`;
    const storage = this.#storage(action);
    try {
      storage.removeItem(`${this.#prefix}credential:${key}`);
      storage.removeItem(`${this.#prefix}token:${key}`);
    } catch (cause) {
      throw storeError(this.#label, action, cause);
    }
  }

  /** Returns the latest token stored for `key`, or `undefined`. */
  getToken(key: string): string | undefined {
    return this.#read(`${this.#prefix}token:${key}`, `read the token for key ${JSON.stringify(key)}`) ?? undefined;
  }

  /** Stores `token` as the latest token for `key`. */
  setToken(key: string, token: string): void {
    const action = `write the token for key ${JSON.stringify(key)}`;
    const storage = this.#storage(action);
    try {
      storage.setItem(`${this.#prefix}token:${key}`, token);
    } catch (cause) {
      throw storeError(this.#label, action, cause);
    }
  }

  #read(name: string, action: string): string | null {
    const storage = this.#storage(action);
    try {
      return storage.getItem(name);
    } catch (cause) {
      throw storeError(this.#label, action, cause);
    }
  }

  /**
   * Resolves the storage area on each call, because reading `window.localStorage` itself
   * throws a `SecurityError` where the browser blocks storage, and the page may unblock it later.
   */
  #storage(action: string): Storage {
    if (typeof this.#area !== 'string') return this.#area;
    let storage: Storage | null | undefined;
    try {
      storage = (globalThis as Partial<Record<WebStorageArea, Storage | null>>)[this.#area];
    } catch (cause) {
      throw storeError(this.#label, action, cause);
    }
    if (storage === undefined || storage === null) {
      throw new AuthTokenError(
        'ERR_STORE_UNAVAILABLE',
        `${this.#label} does not exist in this environment, so the store failed to ${action}; use it in a browser page, or use another store`,
      );
    }
    return storage;
  }
}

function isStorage(value: unknown): value is Storage {
  const candidate = value as Partial<Storage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.getItem === 'function' &&
    typeof candidate.setItem === 'function' &&
    typeof candidate.removeItem === 'function'
  );
}

/** Parses a stored credential item. Error messages never show the item, because it contains the secret. */
function parseCredential(item: string, label: string, key: string): string {
  let value: unknown;
  try {
    value = JSON.parse(item);
  } catch {
    // The SyntaxError quotes the item, which may contain the secret, so it is not kept as cause.
    throw corrupt(label, key, 'is not JSON');
  }
  const record = value as Partial<StoredCredential> | null;
  if (typeof record !== 'object' || record === null || record.v !== FORMAT_VERSION) {
    throw corrupt(label, key, `is not a version ${FORMAT_VERSION} credential record`);
  }
  if (typeof record.secret !== 'string' || record.secret.length === 0) {
    throw corrupt(label, key, 'has no secret');
  }
  return record.secret;
}

function corrupt(label: string, key: string, problem: string): AuthTokenError {
  return new AuthTokenError(
    'ERR_STORE_CORRUPT',
    `${label} item for key ${JSON.stringify(key)} ${problem}; another script changed it, so call generate(key, secret) again to replace it`,
  );
}
