import type { StoredSecret, SyncCredentialStore } from './runtime.js';

/**
 * Credential store that keeps secrets in a `Map` for the life of the process or page. It is
 * the default store of both runtime packages.
 *
 * @example
 * ```ts
 * const store = new MemoryCredentialStore();
 * const token = generate(key, secret, { store });
 * const next = refresh(token, { store });
 * ```
 */
export class MemoryCredentialStore implements SyncCredentialStore {
  readonly #secrets = new Map<string, StoredSecret>();

  get(key: string): StoredSecret | undefined {
    return this.#secrets.get(key);
  }

  set(key: string, secret: string): void {
    this.#secrets.set(key, secret);
  }

  delete(key: string): void {
    this.#secrets.delete(key);
  }

  /** Number of stored credentials. */
  get size(): number {
    return this.#secrets.size;
  }

  /** Removes every stored credential. */
  clear(): void {
    this.#secrets.clear();
  }
}
