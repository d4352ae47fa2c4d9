import { describe, expect, it } from 'vitest';
import { generate, refresh, type CredentialStore, type StoredSecret } from '../src/index.js';
import * as asyncApi from '../src/async.js';

/** A store backed by a Map whose methods resolve later, like a database client. */
class AsyncMapStore implements CredentialStore {
  readonly secrets = new Map<string, string>();

  async get(key: string): Promise<StoredSecret | undefined> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return this.secrets.get(key);
  }

  async set(key: string, secret: string): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.secrets.set(key, secret);
  }

  async delete(key: string): Promise<void> {
    this.secrets.delete(key);
  }
}

const failingStore: CredentialStore = {
  get: () => {
    throw new Error('connection reset by peer');
  },
  set: () => Promise.reject(new Error('disk full')),
  delete: () => undefined,
};

describe('custom credential stores', () => {
  it('asynchronous store works with the async API', async () => {
    const store = new AsyncMapStore();
    const token = await asyncApi.generate('async-store-key', 'async-store-secret', { store });
    expect(store.secrets.get('async-store-key')).toBe('async-store-secret');
    await expect(asyncApi.refresh(token, { store })).resolves.toMatch(/^eyJ/);
  });

  it('asynchronous store is rejected by the sync API', () => {
    const store = new AsyncMapStore();
    expect(() => generate('k', 's', { store: store as never })).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_ASYNC', message: expect.stringContaining('@authtoken/node/async') }),
    );
  });

  it('store exception becomes ERR_STORE_FAILED with its cause', () => {
    const token = generate('failing-key', 's', { store: false });
    let caught: unknown;
    try {
      refresh(token, { store: failingStore as never });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'ERR_STORE_FAILED' });
    expect((caught as Error).message).toContain('failed to read the credential for key "failing-key"');
    expect(((caught as Error).cause as Error).message).toBe('connection reset by peer');
  });

  it('store rejection becomes ERR_STORE_FAILED in the async API', async () => {
    await expect(asyncApi.generate('failing-key', 'secret', { store: failingStore })).rejects.toMatchObject({
      code: 'ERR_STORE_FAILED',
    });
  });

  it('object without store methods is an invalid option', () => {
    expect(() => generate('k', 's', { store: {} as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });

  it('store false stores nothing', () => {
    const token = generate('unstored-key', 's', { store: false });
    expect(() => refresh(token)).toThrow(expect.objectContaining({ code: 'ERR_CREDENTIAL_NOT_FOUND' }));
  });
});
