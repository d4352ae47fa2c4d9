import { SignJWT, jwtVerify } from 'jose';
import type { TokenClaims } from '@authtoken/core';

/** 2026-03-01T12:00:00Z in milliseconds, the clock of most tests. */
export const NOW_MS = 1_772_366_400_000;
export const NOW_SECONDS = NOW_MS / 1000;

export const KEY = '398e54e888da42f8d089je28c298o42b';
export const SECRET = 'browser-test-secret-ÄÖü-🔑';

/** Signs `claims` with jose, the independent reference implementation, in the claim order given. */
export function signWithJose(claims: TokenClaims, secret: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** Verifies `token` with jose at `nowMs` and returns its claims. */
export async function verifyWithJose(token: string, secret: string, nowMs = NOW_MS): Promise<TokenClaims> {
  const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
    algorithms: ['HS256'],
    currentDate: new Date(nowMs),
  });
  return payload as TokenClaims;
}

/**
 * In-memory `Storage` that follows the Web Storage standard where the store depends on it:
 * string values, `null` for a missing item, and a `QuotaExceededError` DOMException when the
 * names and values together would exceed `quota` UTF-16 code units. Node has no Web Storage;
 * the Chromium suite runs the same store against the browser's own.
 */
export class QuotaStorage implements Storage {
  readonly #items = new Map<string, string>();
  readonly #quota: number;

  constructor(quota = 5_000_000) {
    this.#quota = quota;
  }

  get length(): number {
    return this.#items.size;
  }

  key(index: number): string | null {
    return [...this.#items.keys()][index] ?? null;
  }

  getItem(name: string): string | null {
    return this.#items.get(String(name)) ?? null;
  }

  setItem(name: string, value: string): void {
    const used = [...this.#items].reduce((total, [itemName, item]) => total + itemName.length + item.length, 0);
    const previous = this.#items.get(name);
    const growth =
      String(name).length + String(value).length - (previous === undefined ? 0 : name.length + previous.length);
    if (used + growth > this.#quota) {
      throw new DOMException(`Setting the value of '${name}' exceeded the quota.`, 'QuotaExceededError');
    }
    this.#items.set(String(name), String(value));
  }

  removeItem(name: string): void {
    this.#items.delete(String(name));
  }

  clear(): void {
    this.#items.clear();
  }

  [name: string]: unknown;
}

/** Writes `value` under `key` straight into a table of the IndexedDB store's database, as other script could. */
export async function writeRaw(
  factory: IDBFactory,
  table: 'credentials' | 'tokens',
  key: string,
  value: unknown,
): Promise<void> {
  const database = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open('authtoken', 1);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const transaction = database.transaction(table, 'readwrite');
    transaction.objectStore(table).put(value, key);
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
  });
  database.close();
}
