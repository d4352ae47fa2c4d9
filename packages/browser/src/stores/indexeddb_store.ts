import { AuthTokenError, type AuthTokenErrorCode, type CredentialStore } from '@authtoken/core';
import { importHmacKey, isCryptoKey, isHmacSha256SigningKey } from '../webcrypto_hmac.js';
import { storeError, storeFailure } from './store_errors.js';
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
const CHANGED_BY_OTHER_SCRIPT = 'another script changed it, so call generate(key, secret) again';

interface CredentialRecord {
  secretKey: CryptoKey;
  /** Milliseconds since the epoch when the credential was stored. */
  storedAt: number;
}

/** Completes "failed to …" for the record of `key`, such as `read the token for key "k"`. */
function actionFor(verb: string, key: string): string {
  return `${verb} for key ${JSON.stringify(key)}`;
}

function failure(code: AuthTokenErrorCode, action: string, problem: string, cause?: unknown): AuthTokenError {
  return storeFailure(code, BACKEND, action, problem, cause);
}

/**
 * Credential store on IndexedDB that keeps each secret only as a non-extractable HMAC-SHA-256
 * `CryptoKey`. Script on the page, including an injected one, can use the key to sign tokens
 * while the page is open, but cannot read the secret back or send it elsewhere. The credential
 * and the latest token survive reloads and are shared by every tab of the origin.
 *
 * Failures are `AuthTokenError`s: `ERR_STORE_UNAVAILABLE` when IndexedDB is missing, blocked
 * or cannot open in time, `ERR_STORE_QUOTA_EXCEEDED` when the origin's quota is full,
 * `ERR_STORE_CORRUPT` for a record that holds no usable key, `ERR_CRYPTO_UNAVAILABLE` when
 * `set` finds no WebCrypto, and `ERR_STORE_FAILED` otherwise.
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
      throw new AuthTokenError(
        'ERR_INVALID_OPTION',
        `option databaseName must be a non-empty string, but got ${typeof databaseName === 'string' ? 'an empty string' : `a value of type ${typeof databaseName}`}`,
      );
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
    const action = actionFor('read the credential', key);
    const record = await this.#run<Partial<CredentialRecord> | undefined>('readonly', action, (transaction) =>
      transaction.objectStore(CREDENTIALS).get(key),
    );
    if (record === undefined) return undefined;
    const secretKey = record?.secretKey;
    if (!isCryptoKey(secretKey) || !isHmacSha256SigningKey(secretKey)) {
      throw failure(
        'ERR_STORE_CORRUPT',
        action,
        `the record holds no HMAC-SHA-256 signing key; ${CHANGED_BY_OTHER_SCRIPT}`,
      );
    }
    return secretKey as SecretCryptoKey;
  }

  /**
   * Imports `secret` as a non-extractable signing key and stores the key, never the text. The
   * latest token for `key` is removed, because the old secret signed it.
   */
  async set(key: string, secret: string): Promise<void> {
    const action = actionFor('write the credential', key);
    let secretKey: CryptoKey;
    try {
      secretKey = await importHmacKey(secret);
    } catch (cause) {
      // A missing WebCrypto keeps its own code, ERR_CRYPTO_UNAVAILABLE.
      if (cause instanceof AuthTokenError) throw cause;
      throw failure('ERR_STORE_UNAVAILABLE', action, 'WebCrypto could not import the secret as a key', cause);
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
    await this.#run('readwrite', actionFor('delete the credential', key), (transaction) => {
      transaction.objectStore(CREDENTIALS).delete(key);
      transaction.objectStore(TOKENS).delete(key);
    });
  }

  /** Resolves to the latest token stored for `key`, or `undefined`. */
  async getToken(key: string): Promise<string | undefined> {
    const action = actionFor('read the token', key);
    const token = await this.#run<unknown>('readonly', action, (transaction) =>
      transaction.objectStore(TOKENS).get(key),
    );
    if (token === undefined || typeof token === 'string') return token;
    throw failure('ERR_STORE_CORRUPT', action, `the record is not a string; ${CHANGED_BY_OTHER_SCRIPT}`);
  }

  /** Stores `token` as the latest token for `key`. */
  async setToken(key: string, token: string): Promise<void> {
    await this.#run('readwrite', actionFor('write the token', key), (transaction) => {
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
    const begin = async (): Promise<IDBTransaction> =>
      (await this.#database(action)).transaction([CREDENTIALS, TOKENS], mode);
    let transaction: IDBTransaction;
    try {
      try {
        transaction = await begin();
      } catch (cause) {
        if ((cause as { name?: unknown } | null)?.name !== 'InvalidStateError') throw cause;
        // The connection closed after it opened, for example because another tab deleted the
        // database. One retry on a new connection covers that.
        this.#connection = undefined;
        transaction = await begin();
      }
    } catch (cause) {
      throw storeError(BACKEND, action, cause);
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
        reject(
          (cause as { name?: unknown } | null)?.name === 'DataCloneError'
            ? failure(
                'ERR_STORE_UNAVAILABLE',
                action,
                'this browser cannot store a CryptoKey there; use WebStorageCredentialStore instead',
                cause,
              )
            : storeError(BACKEND, action, cause),
        );
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
    const database = `database ${JSON.stringify(this.#databaseName)}`;

    return new Promise<IDBDatabase>((resolve, reject) => {
      let settled = false;
      const fail = (error: AuthTokenError): void => {
        settled = true;
        clearTimeout(timer);
        reject(error);
      };
      const unavailable = (problem: string, cause?: unknown): void =>
        fail(failure('ERR_STORE_UNAVAILABLE', action, problem, cause));

      const timer = setTimeout(
        () => unavailable(`${database} did not open within ${this.#openTimeout} ms`),
        this.#openTimeout,
      );

      if (factory === undefined) {
        unavailable('it does not exist here; use the store in a browser page or pass the indexedDB option');
        return;
      }
      let request: IDBOpenDBRequest;
      try {
        request = factory.open(this.#databaseName, SCHEMA_VERSION);
      } catch (cause) {
        // Browsers throw SecurityError here for opaque origins such as sandboxed iframes.
        fail(storeError(BACKEND, action, cause));
        return;
      }

      request.onupgradeneeded = () => {
        const opened = request.result;
        if (!opened.objectStoreNames.contains(CREDENTIALS)) opened.createObjectStore(CREDENTIALS);
        if (!opened.objectStoreNames.contains(TOKENS)) opened.createObjectStore(TOKENS);
      };
      request.onblocked = () =>
        unavailable(`${database} is blocked by an open connection in another tab; close the other tabs of this site`);
      request.onerror = () => {
        const cause = request.error;
        if (cause?.name === 'VersionError') {
          unavailable(
            `${database} has a version newer than ${SCHEMA_VERSION} from a newer release of this package; reload the page to load it`,
            cause,
          );
        } else if (cause?.name === 'UnknownError') {
          // Chromium fails the open this way when the user blocks site data for the site.
          unavailable(
            `the browser did not open ${database} (UnknownError), as happens when site data is blocked for this site; allow site data or use another store`,
            cause,
          );
        } else {
          fail(storeError(BACKEND, action, cause));
        }
      };
      request.onsuccess = () => {
        const opened = request.result;
        if (settled) {
          // The open timed out or was blocked and the caller already has an error.
          opened.close();
          return;
        }
        settled = true;
        clearTimeout(timer);
        // Let another tab upgrade or delete the database instead of blocking it.
        opened.onversionchange = () => {
          opened.close();
          this.#connection = undefined;
        };
        opened.onclose = () => {
          this.#connection = undefined;
        };
        resolve(opened);
      };
    });
  }
}
