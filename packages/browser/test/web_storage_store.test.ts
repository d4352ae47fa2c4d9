import { afterEach, describe, expect, it, vi } from 'vitest';
import { generate, refresh, WebStorageCredentialStore } from '../src/index.js';
import * as classic from '../src/classic/global.js';
import { KEY, NOW_MS, QuotaStorage, SECRET, verifyWithJose } from './helpers.js';

const clock = () => NOW_MS;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('WebStorageCredentialStore', () => {
  it('stores and returns the secret', () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage() });
    store.set(KEY, SECRET);
    expect(store.get(KEY)).toBe(SECRET);
    expect(store.get('other-key')).toBeUndefined();
  });

  it('writes items under its prefix', () => {
    const storage = new QuotaStorage();
    const first = new WebStorageCredentialStore({ storage, prefix: 'app-a:' });
    const second = new WebStorageCredentialStore({ storage, prefix: 'app-b:' });
    first.set(KEY, SECRET);
    expect(second.get(KEY)).toBeUndefined();
    expect(storage.getItem(`app-a:credential:${KEY}`)).not.toBeNull();
  });

  it('drops the token when the secret changes', () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage() });
    store.set(KEY, SECRET);
    store.setToken(KEY, 'token-1');
    expect(store.getToken(KEY)).toBe('token-1');
    store.set(KEY, 'new-secret');
    expect(store.getToken(KEY)).toBeUndefined();
  });

  it('deletes the credential and token', () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage() });
    store.set(KEY, SECRET);
    store.setToken(KEY, 'token-1');
    store.delete(KEY);
    expect(store.get(KEY)).toBeUndefined();
    expect(store.getToken(KEY)).toBeUndefined();
  });

  it('refreshes through the async and classic APIs', async () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage() });
    const token = await generate(KEY, SECRET, { clock, store });
    const later = NOW_MS + 7_200_000;

    const fromAsync = await refresh(token, { store, clock: () => later });
    const fromClassic = classic.refresh(token, { store, clock: () => later });
    expect(fromClassic).toBe(fromAsync);
    await expect(verifyWithJose(fromAsync, SECRET, later)).resolves.toMatchObject({ iss: KEY });
  });

  it('reports a full storage as quota exceeded', () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage(100) });
    const error = captureError(() => store.set(KEY, 'x'.repeat(200)));
    expect(error).toMatchObject({ code: 'ERR_STORE_QUOTA_EXCEEDED' });
    expect(error.message).toContain(JSON.stringify(KEY));
    expect(error.message).not.toContain('x'.repeat(20));
  });

  it('reports a quota error through generate', async () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage(10) });
    await expect(generate(KEY, SECRET, { clock, store })).rejects.toMatchObject({ code: 'ERR_STORE_QUOTA_EXCEEDED' });
  });

  it('reports an item that is not JSON as corrupt', () => {
    const storage = new QuotaStorage();
    storage.setItem(`authtoken:credential:${KEY}`, `{${SECRET}`);
    const error = captureError(() => new WebStorageCredentialStore({ storage }).get(KEY));
    expect(error).toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    expect(error.message).not.toContain(SECRET);
    expect(error.cause).toBeUndefined();
  });

  it('reports a record of another version as corrupt', () => {
    const storage = new QuotaStorage();
    storage.setItem(`authtoken:credential:${KEY}`, JSON.stringify({ v: 2, secret: SECRET }));
    expect(captureError(() => new WebStorageCredentialStore({ storage }).get(KEY))).toMatchObject({
      code: 'ERR_STORE_CORRUPT',
    });
  });

  it('reports a record without secret as corrupt', () => {
    const storage = new QuotaStorage();
    storage.setItem(`authtoken:credential:${KEY}`, JSON.stringify({ v: 1, secret: '' }));
    expect(captureError(() => new WebStorageCredentialStore({ storage }).get(KEY))).toMatchObject({
      code: 'ERR_STORE_CORRUPT',
    });
  });

  it('reports a missing storage area as unavailable', () => {
    const store = new WebStorageCredentialStore({ storage: 'localStorage' });
    const error = captureError(() => store.get(KEY));
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(error.message).toContain('localStorage');
  });

  it('reports a blocked storage area as unavailable', () => {
    // Browsers throw a SecurityError from the window.sessionStorage getter when site data is blocked.
    const blocked = new DOMException('Access is denied for this document.', 'SecurityError');
    Object.defineProperty(globalThis, 'sessionStorage', {
      configurable: true,
      get() {
        throw blocked;
      },
    });
    try {
      const error = captureError(() => new WebStorageCredentialStore().set(KEY, SECRET));
      expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
      expect(error.cause).toBe(blocked);
    } finally {
      Reflect.deleteProperty(globalThis, 'sessionStorage');
    }
  });

  it('uses the global area when it appears', () => {
    const storage = new QuotaStorage();
    vi.stubGlobal('localStorage', storage);
    new WebStorageCredentialStore({ storage: 'localStorage' }).set(KEY, SECRET);
    expect(storage.getItem(`authtoken:credential:${KEY}`)).toContain(SECRET);
  });

  it('rejects invalid options', () => {
    expect(captureError(() => new WebStorageCredentialStore({ storage: 'indexedDB' as 'localStorage' }))).toMatchObject(
      {
        code: 'ERR_INVALID_OPTION',
      },
    );
    expect(captureError(() => new WebStorageCredentialStore({ prefix: 5 as unknown as string }))).toMatchObject({
      code: 'ERR_INVALID_OPTION',
    });
  });
});

function captureError(run: () => unknown): Error & { code?: string } {
  try {
    run();
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the call to throw');
}
