import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import {
  decode,
  generate,
  IndexedDbCredentialStore,
  MemoryCredentialStore,
  TokenClient,
  WebStorageCredentialStore,
  type TokenClientOptions,
} from '../src/index.js';
import { KEY, NOW_MS, NOW_SECONDS, QuotaStorage, SECRET, signWithJose, verifyWithJose, writeRaw } from './helpers.js';

/** Creates a clock that the test moves forward by hand. */
function manualClock(start = NOW_MS) {
  let now = start;
  return {
    read: () => now,
    advance(milliseconds: number) {
      now += milliseconds;
    },
  };
}

const clients: TokenClient[] = [];

/** Creates a client that the test's cleanup closes. */
function createClient(options: TokenClientOptions): TokenClient {
  const client = new TokenClient({ backgroundRefresh: false, crossTab: false, ...options });
  clients.push(client);
  return client;
}

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Resolves with the next token `client` announces. */
function nextToken(client: TokenClient): Promise<string> {
  return new Promise((resolve) => {
    const unsubscribe = client.onTokenChange((token) => {
      unsubscribe();
      resolve(token);
    });
  });
}

describe('TokenClient.getToken', () => {
  it('mints a token with the secret', async () => {
    const clock = manualClock();
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: clock.read,
      aud: 'telemetry',
    });
    const token = await client.getToken();
    const expected = await signWithJose(
      { iss: KEY, iat: NOW_SECONDS, exp: NOW_SECONDS + 3600, aud: 'telemetry' },
      SECRET,
    );
    expect(token).toBe(expected);
  });

  it('returns the same token while it is fresh', async () => {
    const clock = manualClock();
    const store = new MemoryCredentialStore();
    const set = vi.spyOn(store, 'set');
    const client = createClient({ key: KEY, secret: SECRET, store, clock: clock.read });
    const first = await client.getToken();
    clock.advance(3_500_000);
    expect(await client.getToken()).toBe(first);
    expect(set).toHaveBeenCalledTimes(1);
  });

  it('shares one renewal between concurrent calls', async () => {
    const store = new MemoryCredentialStore();
    const set = vi.spyOn(store, 'set');
    const client = createClient({ key: KEY, secret: SECRET, store, clock: manualClock().read });
    const tokens = await Promise.all([client.getToken(), client.getToken(), client.getToken(), client.getToken()]);
    expect(new Set(tokens).size).toBe(1);
    expect(set).toHaveBeenCalledTimes(1);
  });

  it('renews within the leeway before expiry', async () => {
    const clock = manualClock();
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: clock.read,
      leeway: 120,
    });
    const first = await client.getToken();
    clock.advance((3600 - 121) * 1000);
    expect(await client.getToken()).toBe(first);
    clock.advance(1000);
    const second = await client.getToken();
    expect(second).not.toBe(first);
    expect((await decode(second)).claims.iat).toBe(NOW_SECONDS + 3600 - 120);
  });

  it('halves the leeway for short tokens', async () => {
    const clock = manualClock();
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: clock.read,
      ttl: 60,
    });
    const first = await client.getToken();
    clock.advance(29_000);
    expect(await client.getToken()).toBe(first);
    clock.advance(1000);
    expect(await client.getToken()).not.toBe(first);
  });

  it('refreshes without the secret after a reload', async () => {
    const factory = new IDBFactory();
    const clock = manualClock();
    const beforeReload = createClient({
      key: KEY,
      secret: SECRET,
      store: new IndexedDbCredentialStore({ indexedDB: factory }),
      clock: clock.read,
    });
    const first = await beforeReload.getToken();
    beforeReload.close();

    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    const afterReload = createClient({ key: KEY, store, clock: clock.read });
    expect(await afterReload.getToken()).toBe(first);

    clock.advance(3_600_000);
    const renewed = await afterReload.getToken();
    expect(renewed).not.toBe(first);
    await expect(verifyWithJose(renewed, SECRET, clock.read())).resolves.toMatchObject({
      iss: KEY,
      iat: NOW_SECONDS + 3600,
    });
    await expect(store.getToken(KEY)).resolves.toBe(renewed);
    store.close();
  });

  it('renews a stored token issued after expiry', async () => {
    // Such a token never comes from generate or refresh, but other script can store one.
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage() });
    store.set(KEY, SECRET);
    const stored = await signWithJose({ iss: KEY, iat: NOW_SECONDS + 100, exp: NOW_SECONDS + 10 }, SECRET);
    store.setToken(KEY, stored);
    const clock = manualClock(NOW_MS + 20_000);
    const client = createClient({ key: KEY, store, clock: clock.read });

    const token = await client.getToken();
    expect(token).not.toBe(stored);
    await expect(verifyWithJose(token, SECRET, clock.read())).resolves.toMatchObject({ iat: NOW_SECONDS + 20 });
  });

  it('rejects without secret or stored token', async () => {
    const client = createClient({ key: KEY, store: new MemoryCredentialStore() });
    const error = await client.getToken().catch((caught: unknown) => caught as Error);
    expect(error).toMatchObject({ code: 'ERR_CREDENTIAL_NOT_FOUND' });
    expect((error as Error).message).toContain('secret option');
  });

  it('skips a stored token of a replaced secret', async () => {
    const storage = new QuotaStorage();
    const store = new WebStorageCredentialStore({ storage });
    const clock = manualClock();
    store.set(KEY, 'old-secret');
    store.setToken(KEY, await generate(KEY, 'old-secret', { clock: clock.read, store: false }));

    const client = createClient({ key: KEY, secret: SECRET, store, clock: clock.read });
    const token = await client.getToken();
    await expect(verifyWithJose(token, SECRET)).resolves.toMatchObject({ iss: KEY });
    expect(store.get(KEY)).toBe(SECRET);
  });

  it('skips a stored token with other claims', async () => {
    // Both clients share the store's one token for the key, but each needs its own claims.
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    const clock = manualClock();
    const telemetry = createClient({ key: KEY, secret: SECRET, store, clock: clock.read, aud: 'telemetry' });
    const content = createClient({ key: KEY, secret: SECRET, store, clock: clock.read, aud: 'content' });
    const tiered = createClient({ key: KEY, secret: SECRET, store, clock: clock.read, claims: { tier: 2 } });
    const shortLived = createClient({ key: KEY, secret: SECRET, store, clock: clock.read, ttl: 600 });

    await telemetry.getToken();
    expect((await decode(await content.getToken())).claims.aud).toBe('content');
    const tieredClaims = (await decode(await tiered.getToken())).claims;
    expect(tieredClaims.tier).toBe(2);
    expect(tieredClaims.aud).toBeUndefined();
    expect((await decode(await shortLived.getToken())).claims.exp).toBe(NOW_SECONDS + 600);
    store.close();
  });

  it('replaces a corrupt stored token', async () => {
    const factory = new IDBFactory();
    const store = new IndexedDbCredentialStore({ indexedDB: factory });
    await store.set(KEY, SECRET);
    await writeRaw(factory, 'tokens', KEY, 42);
    const client = createClient({ key: KEY, secret: SECRET, store, clock: manualClock().read });
    const errors: unknown[] = [];
    client.onError((error) => errors.push(error));

    const token = await client.getToken();
    await expect(verifyWithJose(token, SECRET)).resolves.toMatchObject({ iss: KEY });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_STORE_CORRUPT' });
    await expect(store.getToken(KEY)).resolves.toBe(token);
    store.close();
  });

  it('passes on an unavailable token store', async () => {
    // Only a corrupt record is skipped. A store that cannot work fails the call, with no fallback.
    const stalled = { open: () => ({}) } as unknown as IDBFactory;
    const store = new IndexedDbCredentialStore({ indexedDB: stalled, openTimeout: 20 });
    const client = createClient({ key: KEY, secret: SECRET, store, clock: manualClock().read });
    await expect(client.getToken()).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('adopts a fresh stored token', async () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage() });
    const clock = manualClock();
    const stored = await generate(KEY, SECRET, { clock: clock.read, store });
    store.setToken(KEY, stored);
    const set = vi.spyOn(store, 'set');

    const client = createClient({ key: KEY, secret: SECRET, store, clock: clock.read });
    expect(await client.getToken()).toBe(stored);
    expect(set).not.toHaveBeenCalled();
  });

  it('returns the token when caching it fails', async () => {
    const store = new WebStorageCredentialStore({ storage: new QuotaStorage(300) });
    const client = createClient({ key: KEY, secret: 's', store, clock: manualClock().read });
    const errors: unknown[] = [];
    client.onError((error) => errors.push(error));

    const token = await client.getToken();
    await expect(verifyWithJose(token, 's')).resolves.toMatchObject({ iss: KEY });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_STORE_QUOTA_EXCEEDED' });
  });
});

describe('TokenClient listeners', () => {
  it('announces each new token', async () => {
    const clock = manualClock();
    const client = createClient({ key: KEY, secret: SECRET, store: new MemoryCredentialStore(), clock: clock.read });
    const seen: string[] = [];
    const unsubscribe = client.onTokenChange((token) => seen.push(token));

    const first = await client.getToken();
    await client.getToken();
    clock.advance(3_600_000);
    const second = await client.getToken();
    unsubscribe();
    clock.advance(3_600_000);
    await client.getToken();

    expect(seen).toEqual([first, second]);
  });

  it('skips listeners added during a call', async () => {
    const clock = manualClock();
    const client = createClient({ key: KEY, secret: SECRET, store: new MemoryCredentialStore(), clock: clock.read });
    const lateTokens: string[] = [];
    client.onTokenChange(() => {
      client.onTokenChange((token) => lateTokens.push(token));
    });

    await client.getToken();
    expect(lateTokens).toEqual([]);
    clock.advance(3_600_000);
    const second = await client.getToken();
    expect(lateTokens).toEqual([second]);
  });

  it('skips listeners removed during a call', async () => {
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: manualClock().read,
    });
    const seen: string[] = [];
    let unsubscribeSecond = (): void => undefined;
    client.onTokenChange(() => unsubscribeSecond());
    unsubscribeSecond = client.onTokenChange((token) => seen.push(token));

    await client.getToken();
    expect(seen).toEqual([]);
  });

  it('reports a throwing listener to onError', async () => {
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: manualClock().read,
    });
    const failure = new Error('listener failed');
    const errors: unknown[] = [];
    client.onTokenChange(() => {
      throw failure;
    });
    client.onError((error) => errors.push(error));

    await client.getToken();
    expect(errors).toEqual([failure]);
  });

  it('rejects a listener that is no function', () => {
    const client = createClient({ key: KEY, secret: SECRET });
    expect(() => client.onTokenChange('x' as unknown as () => void)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});

describe('TokenClient background refresh', () => {
  it('renews when the token falls due', async () => {
    vi.useFakeTimers({ now: NOW_MS, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      ttl: 600,
      backgroundRefresh: true,
    });
    const first = await client.getToken();
    const renewed = nextToken(client);

    await vi.advanceTimersByTimeAsync(539_000);
    await vi.advanceTimersByTimeAsync(1_000);
    const second = await renewed;
    expect(second).not.toBe(first);
    expect((await decode(second)).claims.iat).toBe(NOW_SECONDS + 540);
  });

  it('reports a failed renewal and retries', async () => {
    vi.useFakeTimers({ now: NOW_MS, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new MemoryCredentialStore();
    const token = await generate(KEY, SECRET, { store, ttl: 600 });
    const resumeStore = {
      get: vi.fn((key: string) => store.get(key)),
      set: (key: string, secret: string) => store.set(key, secret),
      delete: (key: string) => store.delete(key),
      getToken: () => token,
      setToken: () => undefined,
    };
    const client = createClient({ key: KEY, store: resumeStore, backgroundRefresh: true });
    expect(await client.getToken()).toBe(token);

    const errors: unknown[] = [];
    client.onError((error) => errors.push(error));
    resumeStore.get.mockImplementation(() => {
      throw new Error('disk failure');
    });
    await vi.advanceTimersByTimeAsync(540_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ERR_STORE_FAILED' });

    resumeStore.get.mockImplementation((key: string) => store.get(key));
    const renewed = nextToken(client);
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(verifyWithJose(await renewed, SECRET, Date.now())).resolves.toMatchObject({ iat: NOW_SECONDS + 570 });
  });

  it('renews after the clock jumps', async () => {
    // Timers stop while a laptop sleeps, but on waking its clock has moved past the due time.
    vi.useFakeTimers({ now: NOW_MS, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const clock = manualClock();
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: clock.read,
      backgroundRefresh: true,
    });
    const seen: string[] = [];
    client.onTokenChange((token) => seen.push(token));
    await client.getToken();

    clock.advance(7_200_000);
    await vi.advanceTimersByTimeAsync(60_000);
    // WebCrypto signs outside the fake timers, so the new token arrives a moment later.
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect((await decode(seen[1]!)).claims.iat).toBe(NOW_SECONDS + 7200);
  });

  it('stops after close', async () => {
    vi.useFakeTimers({ now: NOW_MS, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const store = new MemoryCredentialStore();
    const set = vi.spyOn(store, 'set');
    const client = createClient({ key: KEY, secret: SECRET, store, ttl: 600, backgroundRefresh: true });
    await client.getToken();
    client.close();
    await vi.advanceTimersByTimeAsync(700_000);
    expect(set).toHaveBeenCalledTimes(1);
  });
});

describe('TokenClient across tabs', () => {
  it('adopts a token another client announces', async () => {
    const crossTabName = `authtoken-test:${Math.random()}`;
    const clock = manualClock();
    const store = new MemoryCredentialStore();
    const minting = createClient({ key: KEY, secret: SECRET, store, clock: clock.read, crossTab: true, crossTabName });
    const listening = createClient({ key: KEY, store, clock: clock.read, crossTab: true, crossTabName });
    const announced = nextToken(listening);

    const token = await minting.getToken();
    expect(await announced).toBe(token);
    expect(await listening.getToken()).toBe(token);
  });

  it('works where Web Locks are denied', async () => {
    // Chromium rejects lock requests from opaque origins, such as sandboxed iframes.
    const denied = new DOMException('Access to the Locks API is denied in this context.', 'SecurityError');
    const request = vi.fn(() => Promise.reject(denied));
    vi.stubGlobal('navigator', { locks: { request } });
    const client = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: manualClock().read,
      crossTab: true,
      crossTabName: `authtoken-test:${Math.random()}`,
    });

    const token = await client.getToken();
    expect(request).toHaveBeenCalledTimes(1);
    await expect(verifyWithJose(token, SECRET)).resolves.toMatchObject({ iss: KEY });
  });

  it('ignores an announced token with other claims', async () => {
    const crossTabName = `authtoken-test:${Math.random()}`;
    const clock = manualClock();
    const telemetry = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: clock.read,
      crossTab: true,
      crossTabName,
      aud: 'telemetry',
    });
    const content = createClient({
      key: KEY,
      secret: SECRET,
      store: new MemoryCredentialStore(),
      clock: clock.read,
      crossTab: true,
      crossTabName,
      aud: 'content',
    });
    const own = await content.getToken();
    const seen: string[] = [];
    content.onTokenChange((token) => seen.push(token));

    // A later expiry would make the content client adopt the announced token if it checked
    // only the key.
    clock.advance(60_000);
    await telemetry.getToken();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
    expect(await content.getToken()).toBe(own);
  });

  it('ignores an announced token of another key', async () => {
    const crossTabName = `authtoken-test:${Math.random()}`;
    const store = new MemoryCredentialStore();
    const other = createClient({ key: 'other-key', secret: SECRET, store, crossTab: true, crossTabName });
    const listening = createClient({ key: KEY, store, crossTab: true, crossTabName });
    const seen: string[] = [];
    listening.onTokenChange((token) => seen.push(token));

    await other.getToken();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
  });
});

describe('TokenClient options', () => {
  it('rejects invalid options', () => {
    expect(() => createClient({ key: '' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_KEY' }));
    expect(() => createClient({ key: KEY, secret: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_SECRET' }),
    );
    expect(() => createClient({ key: KEY, leeway: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => createClient({ key: KEY, leeway: 1.5 })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => createClient({ key: KEY, store: {} as MemoryCredentialStore })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => createClient({ key: KEY, clock: 5 as unknown as () => number })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });

  it('rejects bad key and claim options at creation', () => {
    const cases: Array<[Parameters<typeof createClient>[0], string]> = [
      [{ key: `${KEY} ` }, 'ERR_INVALID_KEY'],
      [{ key: 'k'.repeat(257) }, 'ERR_INVALID_KEY'],
      [{ key: KEY, ttl: 0 }, 'ERR_INVALID_OPTION'],
      [{ key: KEY, aud: [] }, 'ERR_INVALID_OPTION'],
      [{ key: KEY, sub: '' }, 'ERR_INVALID_OPTION'],
      [{ key: KEY, claims: { exp: 1 } }, 'ERR_RESERVED_CLAIM'],
      [{ key: KEY, claims: { n: Number.NaN } }, 'ERR_INVALID_CLAIM_VALUE'],
    ];
    for (const [options, code] of cases) {
      expect(() => createClient(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code }));
    }
  });

  it('rejects invalid cross-tab options', () => {
    // The Web Locks API rejects lock names that start with "-" only when a renewal runs.
    for (const crossTabName of ['', '-reserved', 5 as unknown as string]) {
      expect(() => createClient({ key: KEY, crossTab: true, crossTabName })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
      );
    }
    expect(() => createClient({ key: KEY, crossTab: 'no' as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
    expect(() => createClient({ key: KEY, backgroundRefresh: 0 as unknown as boolean })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION' }),
    );
  });
});
