import { AuthTokenError, type CredentialStore } from '@authtoken/core';
import { importHmacKey, isCryptoKey, isHmacSha256SigningKey } from '../webcrypto_hmac.js';
import { storeError } from './store_errors.js';
import type { TokenCache } from './token_cache.js';

/** Options of {@link IndexedDbCredentialStore}. */
export interface IndexedDbStoreOptions {
  /** Name of the IndexedDB database. Default `'authtoken'`. */
  databaseName?: string;
  /** IndexedDB factory to open the database with. Default `globalThis.indexedDB`. */
  indexedDB?: IDBFactory;
  /**
   * Milliseconds to wait for the database to open before failing with
   * `ERR_STORE_UNAVAILABLE`. Default 10 000.
   */
  openTimeout?: number;
}

/** A `CryptoKey` known to hold a secret key, as core's `SecretKeyHandle` requires. */
export type SecretCryptoKey = CryptoKey & { readonly type: 'secret' };

const BACKEND = 'IndexedDB';
const SCHEMA_VERSION = 1;
const CREDENTIALS = 'credentials';
const TOKENS = 'tokens';
const DEFAULT_OPEN_TIMEOUT = 10_000;

interface CredentialRecord {
  secretKey: CryptoKey;
  /** Milliseconds since the epoch when the credential was stored. */
  storedAt: number;
}

/**
 * Credential store on IndexedDB that keeps each secret only as a non-extractable HMAC-SHA-256
 * `CryptoKey`. Script on the page, including an injected one, can use the key to sign tokens
 * while the page is open, but cannot read the secret back or send it elsewhere. The credential
 * and the latest token survive reloads and are shared by every tab of the origin.
 *
 * Failures are `AuthTokenError`s: `ERR_STORE_UNAVAILABLE` when IndexedDB is missing, blocked
 * or cannot open in time, `ERR_STORE_QUOTA_EXCEEDED` when the origin's quota is full,
 * `ERR_STORE_CORRUPT` for a record that holds no usable key, and `ERR_STORE_FAILED` otherwise.
 *
 * @example
 * ```ts
 * const store = new IndexedDbCredentialStore();
 * await generate(key, secret, { store }); // the secret text can now be dropped
 * // In a later visit:
 * const token = await refresh(savedToken, { store });
 * ```
 */
export class IndexedDbCredentialStore implements CredentialStore, TokenCache {
  readonly #databaseName: string;
  readonly #factory: IDBFactory | undefined;
  readonly #openTimeout: number;
  #connection: Promise<IDBDatabase> | undefined;

  constructor(options: IndexedDbStoreOptions = {}) {
    const { databaseName = 'authtoken', openTimeout = DEFAULT_OPEN_TIMEOUT } = options;
    if (typeof databaseName !== 'string' || databaseName.length === 0) {
      throw new AuthTokenError('ERR_INVALID_OPTION', 'option databaseName must be a non-empty string');
    }
    if (typeof openTimeout !== 'number' || !Number.isFinite(openTimeout) || openTimeout <= 0) {
      throw new AuthTokenError(
        'ERR_INVALID_OPTION',
        `option openTimeout must be a positive number of milliseconds, but got ${String(openTimeout)}`,
      );
    }
    this.#databaseName = databaseName;
    this.#factory = options.indexedDB;
    this.#openTimeout = openTimeout;
  }

  /** Resolves to the stored non-extractable `CryptoKey` for `key`, or `undefined`. */
  async get(key: string): Promise<SecretCryptoKey | undefined> {
    const action = `read the credential for key ${JSON.stringify(key)}`;
    const record = await this.#run<unknown>('readonly', action, (transaction) =>
      transaction.objectStore(CREDENTIALS).get(key),
    );
    if (record === undefined) return undefined;
    return checkRecord(record, key);
  }

  /**
   * Imports `secret` as a non-extractable signing key and stores the key, never the text. The
   * latest token for `key` is removed, because the old secret signed it.
   */
  async set(key: string, secret: string): Promise<void> {
    const action = `write the credential for key ${JSON.stringify(key)}`;
    let secretKey: CryptoKey;
    try {
      secretKey = await importHmacKey(secret);
    } catch (cause) {
      // A missing WebCrypto keeps its own code, ERR_CRYPTO_UNAVAILABLE.
      if (cause instanceof AuthTokenError) throw cause;
      throw new AuthTokenError(
        'ERR_STORE_UNAVAILABLE',
        `${BACKEND} store failed to ${action}: WebCrypto could not import the secret as a key`,
        {
          cause,
        },
      );
    }
    const record: CredentialRecord = { secretKey, storedAt: Date.now() };
    await this.#run('readwrite', action, (transaction) => {
      transaction.objectStore(CREDENTIALS).put(record, key);
      // A token signed with an earlier secret cannot be refreshed with this one.
      transaction.objectStore(TOKENS).delete(key);
    });
  }

  /** Removes the credential and the latest token for `key`. */
  async delete(key: string): Promise<void> {
    await this.#run('readwrite', `delete the credential for key ${JSON.stringify(key)}`, (transaction) => {
      transaction.objectStore(CREDENTIALS).delete(key);
      transaction.objectStore(TOKENS).delete(key);
    });
  }

  /** Resolves to the latest token stored for `key`, or `undefined`. */
  async getToken(key: string): Promise<string | undefined> {
    const token = await this.#run<unknown>('readonly', `read the token for key ${JSON.stringify(key)}`, (transaction) =>
      transaction.objectStore(TOKENS).get(key),
    );
    if (token === undefined || typeof token === 'string') return token;
    throw new AuthTokenError(
      'ERR_STORE_CORRUPT',
      `${BACKEND} token record for key ${JSON.stringify(key)} is not a string; another script changed it, so call generate(key, secret) again`,
    );
  }

  /** Stores `token` as the latest token for `key`. */
  async setToken(key: string, token: string): Promise<void> {
    await this.#run('readwrite', `write the token for key ${JSON.stringify(key)}`, (transaction) => {
      transaction.objectStore(TOKENS).put(token, key);
    });
  }

  /** Closes the database connection. A later call opens it again. */
  close(): void {
    const connection = this.#connection;
    this.#connection = undefined;
    void connection?.then(
      (database) => database.close(),
      () => undefined,
    );
  }

  /**
   * Runs `body` in one transaction over both object stores and resolves, once the transaction
   * has committed, to the result of the request `body` returns.
   */
  async #run<T>(
    mode: IDBTransactionMode,
    action: string,
    body: (transaction: IDBTransaction) => IDBRequest | void,
  ): Promise<T> {
    let transaction: IDBTransaction;
    try {
      transaction = (await this.#database(action)).transaction([CREDENTIALS, TOKENS], mode);
    } catch (cause) {
      if ((cause as { name?: unknown } | null)?.name !== 'InvalidStateError') throw storeError(BACKEND, action, cause);
      // The connection closed after it opened, for example because another tab deleted the
      // database. One retry on a new connection covers that.
      this.#connection = undefined;
      try {
        transaction = (await this.#database(action)).transaction([CREDENTIALS, TOKENS], mode);
      } catch (retryCause) {
        throw storeError(BACKEND, action, retryCause);
      }
    }

    return new Promise<T>((resolve, reject) => {
      let request: IDBRequest | void;
      transaction.oncomplete = () => resolve(request?.result as T);
      transaction.onabort = () => reject(storeError(BACKEND, action, transaction.error ?? request?.error));
      try {
        request = body(transaction);
      } catch (cause) {
        // put() throws DataCloneError synchronously where the browser cannot store a CryptoKey.
        transaction.onabort = null;
        transaction.abort();
        reject(cloneError(action, cause));
      }
    });
  }

  #database(action: string): Promise<IDBDatabase> {
    if (this.#connection === undefined) {
      const connection = this.#open(action);
      this.#connection = connection;
      // Forget a failed open, so that the next call tries again.
      connection.catch(() => {
        if (this.#connection === connection) this.#connection = undefined;
      });
    }
    return this.#connection;
  }

  #open(action: string): Promise<IDBDatabase> {
    const factory = this.#factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    if (factory === undefined) {
      return Promise.reject(
        new AuthTokenError(
          'ERR_STORE_UNAVAILABLE',
          `${BACKEND} does not exist in this environment, so the store failed to ${action}; use it in a browser page, or pass the indexedDB option`,
        ),
      );
    }

    return new Promise<IDBDatabase>((resolve, reject) => {
      let settled = false;
      const fail = (error: AuthTokenError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(
          new AuthTokenError(
            'ERR_STORE_UNAVAILABLE',
            `${BACKEND} database ${JSON.stringify(this.#databaseName)} did not open within ${this.#openTimeout} ms, so the store failed to ${action}`,
          ),
        );
      }, this.#openTimeout);

      let request: IDBOpenDBRequest;
      try {
        request = factory.open(this.#databaseName, SCHEMA_VERSION);
      } catch (cause) {
        // Browsers throw SecurityError here for opaque origins such as sandboxed iframes.
        fail(storeError(BACKEND, action, cause));
        return;
      }

      request.onupgradeneeded = () => {
        const database = request.result;
        if (!database.objectStoreNames.contains(CREDENTIALS)) database.createObjectStore(CREDENTIALS);
        if (!database.objectStoreNames.contains(TOKENS)) database.createObjectStore(TOKENS);
      };
      request.onblocked = () => {
        fail(
          new AuthTokenError(
            'ERR_STORE_UNAVAILABLE',
            `${BACKEND} database ${JSON.stringify(this.#databaseName)} is blocked by a connection in another tab that does not close, so the store failed to ${action}; close the other tabs of this site`,
          ),
        );
      };
      request.onerror = () => {
        const cause = request.error;
        if (cause?.name === 'VersionError') {
          fail(
            new AuthTokenError(
              'ERR_STORE_UNAVAILABLE',
              `${BACKEND} database ${JSON.stringify(this.#databaseName)} has a newer version than ${SCHEMA_VERSION}, which a newer release of this package created, so the store failed to ${action}; reload the page to load that release`,
              { cause },
            ),
          );
          return;
        }
        fail(storeError(BACKEND, action, cause));
      };
      request.onsuccess = () => {
        const database = request.result;
        if (settled) {
          // The open timed out or was blocked and the caller already has an error.
          database.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        // Let another tab upgrade or delete the database instead of blocking it.
        database.onversionchange = () => {
          database.close();
          this.#connection = undefined;
        };
        database.onclose = () => {
          this.#connection = undefined;
        };
        resolve(database);
      };
    });
  }
}

function checkRecord(record: unknown, key: string): SecretCryptoKey {
  const secretKey = (record as Partial<CredentialRecord> | null)?.secretKey;
  if (typeof record !== 'object' || record === null || !isCryptoKey(secretKey) || !isHmacSha256SigningKey(secretKey)) {
    throw new AuthTokenError(
      'ERR_STORE_CORRUPT',
      `${BACKEND} record for key ${JSON.stringify(key)} holds no HMAC-SHA-256 signing key; another script changed it, so call generate(key, secret) again to replace it`,
    );
  }
  return secretKey as SecretCryptoKey;
}

function cloneError(action: string, cause: unknown): AuthTokenError {
  if ((cause as { name?: unknown } | null)?.name === 'DataCloneError') {
    return new AuthTokenError(
      'ERR_STORE_UNAVAILABLE',
      `this browser cannot store a CryptoKey in ${BACKEND}, so the store failed to ${action}; use WebStorageCredentialStore instead`,
      { cause },
    );
  }
  return storeError(BACKEND, action, cause);
}
