import { describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { generate, IndexedDbCredentialStore, refresh } from '../src/index.js';
import { KEY, NOW_MS, SECRET, verifyWithJose, writeRaw } from './helpers.js';

const clock = () => NOW_MS;

describe('IndexedDbCredentialStore', () => {
  it('returns a non-extractable signing key', async () => {
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    await store.set(KEY, SECRET);
    const key = await store.get(KEY);

    expect(key?.type).toBe('secret');
    expect(key?.extractable).toBe(false);
    expect(key?.usages).toEqual(['sign']);
    await expect(crypto.subtle.exportKey('raw', key!)).rejects.toThrow();
    store.close();
  });

  it('returns undefined for an unknown key', async () => {
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    await expect(store.get('unknown')).resolves.toBeUndefined();
    await expect(store.getToken('unknown')).resolves.toBeUndefined();
    store.close();
  });

  it('keeps credentials across connections', async () => {
    const factory = new IDBFactory();
    const first = new IndexedDbCredentialStore({ indexedDB: factory });
    const token = await generate(KEY, SECRET, { clock, store: first });
    await first.setToken(KEY, token);
    first.close();

    const second = new IndexedDbCredentialStore({ indexedDB: factory });
    await expect(second.getToken(KEY)).resolves.toBe(token);
    const later = NOW_MS + 86_400_000;
    const next = await refresh(token, { store: second, clock: () => later });
    await expect(verifyWithJose(next, SECRET, later)).resolves.toMatchObject({ iss: KEY });
    second.close();
  });

  it('drops the token when the secret changes', async () => {
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    await store.set(KEY, SECRET);
    await store.setToken(KEY, 'token-1');
    await store.set(KEY, 'new-secret');
    await expect(store.getToken(KEY)).resolves.toBeUndefined();
    store.close();
  });

  it('signs with the replaced secret', async () => {
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    await generate(KEY, SECRET, { clock, store });
    const token = await generate(KEY, 'rotated-secret', { clock, store });
    const next = await refresh(token, { store, clock });
    await expect(verifyWithJose(next, 'rotated-secret')).resolves.toMatchObject({ iss: KEY });
    store.close();
  });

  it('deletes the credential and token', async () => {
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    await store.set(KEY, SECRET);
    await store.setToken(KEY, 'token-1');
    await store.delete(KEY);
    await expect(store.get(KEY)).resolves.toBeUndefined();
    await expect(store.getToken(KEY)).resolves.toBeUndefined();
    store.close();
  });

  it('lets another tab delete the database', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await store.set(KEY, SECRET);

    // Deleting waits for every open connection to close, so this resolves only if the store
    // closes its connection on versionchange.
    await new Promise<void>((resolve, reject) => {
      const request = factory.deleteDatabase('authtoken');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });

    await expect(store.get(KEY)).resolves.toBeUndefined();
    await store.set(KEY, SECRET);
    await expect(store.get(KEY)).resolves.toMatchObject({ type: 'secret' });
    store.close();
  });

  it('reopens after close', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await store.set(KEY, SECRET);
    const open = vi.spyOn(factory, 'open');

    store.close();
    await expect(store.get(KEY)).resolves.toMatchObject({ type: 'secret' });
    expect(open).toHaveBeenCalledTimes(1);
    store.close();
  });

  it('reports a record without a key as corrupt', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await store.set(KEY, SECRET);
    await writeRaw(factory, 'credentials', KEY, { secretKey: SECRET, storedAt: 0 });

    const error = await store.get(KEY).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    expect((error as Error).message).not.toContain(SECRET);
    store.close();
  });

  it('reports a key of another algorithm as corrupt', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await store.set(KEY, SECRET);
    const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
    await writeRaw(factory, 'credentials', KEY, { secretKey: aesKey, storedAt: 0 });
    await expect(store.get(KEY)).rejects.toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    store.close();
  });

  it('reports a token that is not text as corrupt', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await store.set(KEY, SECRET);
    await writeRaw(factory, 'tokens', KEY, 42);
    await expect(store.getToken(KEY)).rejects.toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    store.close();
  });

  it('reports missing IndexedDB as unavailable', async () => {
    const store = new IndexedDbCredentialStore();
    const error = await store.get(KEY).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect((error as Error).message).toContain('IndexedDB');
  });

  it('reports a foreign database as failed', async () => {
    // A database of the same name created by other code lacks this store's object stores.
    const factory = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const request = factory.open('authtoken', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('unrelated');
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await expect(store.get(KEY)).rejects.toMatchObject({ code: 'ERR_STORE_FAILED' });
    store.close();
  });

  it('reports an open that never completes as unavailable', async () => {
    // A factory whose open request never fires stands for browsers whose IndexedDB hangs.
    const stalled = { open: () => ({}) } as unknown as IDBFactory;
    const store = new IndexedDbCredentialStore({ indexedDB: stalled, openTimeout: 50 });
    const error = await store.get(KEY).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect((error as Error).message).toContain('50 ms');
  });

  it('reports blocked site data as unavailable', async () => {
    // Chromium fails the open request with this error where the user blocks site data.
    const denied = new DOMException('The user denied permission to access the database.', 'UnknownError');
    const request = { error: denied } as { error: DOMException; onerror?: () => void };
    const blocked = {
      open: () => {
        setTimeout(() => request.onerror?.(), 0);
        return request;
      },
    } as unknown as IDBFactory;
    const store = new IndexedDbCredentialStore({ indexedDB: blocked });

    const error = (await store.get(KEY).catch((caught: unknown) => caught)) as Error;
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(error.cause).toBe(denied);
    expect(error.message).toContain('site data');
  });

  it('reports a newer database version as unavailable', async () => {
    // A newer release may upgrade the database while a tab with this release stays open.
    const factory = new IDBFactory();
    await new Promise<void>((resolve, reject) => {
      const request = factory.open('authtoken', 2);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
      request.onerror = () => reject(request.error);
    });
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    const error = await store.get(KEY).catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect((error as Error).message).toContain('reload the page');
  });

  it('rejects invalid options', () => {
    expect(() => new IndexedDbCredentialStore({ databaseName: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => new IndexedDbCredentialStore({ openTimeout: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});
