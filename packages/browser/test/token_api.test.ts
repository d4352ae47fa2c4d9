import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import {
  AuthTokenError,
  decode,
  generate,
  hmacSha256,
  IndexedDbCredentialStore,
  MemoryCredentialStore,
  refresh,
  verify,
} from '../src/index.js';
import { KEY, NOW_MS, NOW_SECONDS, SECRET, signWithJose, verifyWithJose } from './helpers.js';

const clock = () => NOW_MS;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('generate', () => {
  it('matches jose byte for byte', async () => {
    const token = await generate(KEY, SECRET, { clock, store: false });
    const expected = await signWithJose({ iss: KEY, iat: NOW_SECONDS, exp: NOW_SECONDS + 3600 }, SECRET);
    expect(token).toBe(expected);
  });

  it('matches jose with every claim option', async () => {
    const options = {
      clock,
      store: false as const,
      ttl: 900,
      nbf: NOW_SECONDS - 5,
      aud: ['telemetry', 'content'],
      sub: 'user-7',
      jti: 'a1b2',
      claims: { scope: 'read write', nested: { emoji: '🙂', list: [1, null, true] } },
    };
    const token = await generate(KEY, SECRET, options);
    const expected = await signWithJose(
      {
        iss: KEY,
        iat: NOW_SECONDS,
        exp: NOW_SECONDS + 900,
        nbf: NOW_SECONDS - 5,
        aud: ['telemetry', 'content'],
        sub: 'user-7',
        jti: 'a1b2',
        scope: 'read write',
        nested: { emoji: '🙂', list: [1, null, true] },
      },
      SECRET,
    );
    expect(token).toBe(expected);
  });

  it('stores the secret in the given store', async () => {
    const store = new MemoryCredentialStore();
    await generate(KEY, SECRET, { clock, store });
    expect(store.get(KEY)).toBe(SECRET);
  });

  it('imports each secret text once', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    const secret = 'secret-imported-once';
    await generate(KEY, secret, { clock, store: false });
    await generate(KEY, secret, { clock, store: false, ttl: 60 });
    await generate(KEY, `${secret}-other`, { clock, store: false });
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('rejects without WebCrypto', async () => {
    vi.stubGlobal('crypto', {});
    const result = generate(KEY, 'secret-without-webcrypto', { clock, store: false });
    await expect(result).rejects.toBeInstanceOf(AuthTokenError);
    await expect(result).rejects.toMatchObject({ code: 'ERR_CRYPTO_UNAVAILABLE' });
    await expect(result).rejects.toThrow(/crypto\.subtle.*https/);
  });

  it('reports missing WebCrypto from every function', async () => {
    const store = new MemoryCredentialStore();
    const token = await generate(KEY, SECRET, { clock, store });
    vi.stubGlobal('crypto', {});
    const unavailable = { code: 'ERR_CRYPTO_UNAVAILABLE' };
    await expect(refresh(token, { clock, store })).rejects.toMatchObject(unavailable);
    await expect(verify(token, SECRET, { clock })).rejects.toMatchObject(unavailable);
    await expect(verify(token, new TextEncoder().encode(SECRET), { clock })).rejects.toMatchObject(unavailable);
    const indexedDbStore = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    await expect(indexedDbStore.set(KEY, SECRET)).rejects.toMatchObject(unavailable);
  });
});

describe('refresh', () => {
  it('re-mints with new times and the same claims', async () => {
    const store = new MemoryCredentialStore();
    const old = await generate(KEY, SECRET, { clock, store, ttl: 600, aud: 'telemetry', claims: { tier: 2 } });
    const later = NOW_MS + 3_600_000;
    const token = await refresh(old, { store, clock: () => later });

    const claims = await verifyWithJose(token, SECRET, later);
    expect(claims).toEqual({ iss: KEY, iat: NOW_SECONDS + 3600, exp: NOW_SECONDS + 4200, aud: 'telemetry', tier: 2 });
  });

  it('signs with a CryptoKey from IndexedDB', async () => {
    const store = new IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    const old = await generate(KEY, SECRET, { clock, store });
    const token = await refresh(old, { store, clock: () => NOW_MS + 60_000 });

    const expected = await signWithJose({ iss: KEY, iat: NOW_SECONDS + 60, exp: NOW_SECONDS + 3660 }, SECRET);
    expect(token).toBe(expected);
    store.close();
  });

  it('rejects a token signed with another secret', async () => {
    const store = new MemoryCredentialStore();
    store.set(KEY, SECRET);
    const forged = await signWithJose({ iss: KEY, iat: NOW_SECONDS, exp: NOW_SECONDS + 60 }, 'other-secret');
    await expect(refresh(forged, { store, clock })).rejects.toMatchObject({ code: 'ERR_SIGNATURE_MISMATCH' });
  });
});

describe('verify', () => {
  it('returns the claims of a valid token', async () => {
    const token = await signWithJose({ iss: KEY, iat: NOW_SECONDS, exp: NOW_SECONDS + 60, sub: 's' }, SECRET);
    await expect(verify(token, SECRET, { clock, subject: 's' })).resolves.toEqual({
      iss: KEY,
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 60,
      sub: 's',
    });
  });

  it('accepts secret bytes and an HMAC CryptoKey', async () => {
    const token = await signWithJose({ iss: KEY, exp: NOW_SECONDS + 60 }, SECRET);
    const bytes = new TextEncoder().encode(SECRET);
    const cryptoKey = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    await expect(verify(token, bytes, { clock })).resolves.toMatchObject({ iss: KEY });
    await expect(verify(token, cryptoKey as CryptoKey & { type: 'secret' }, { clock })).resolves.toMatchObject({
      iss: KEY,
    });
  });

  it('rejects a CryptoKey of another algorithm', async () => {
    const token = await signWithJose({ iss: KEY, exp: NOW_SECONDS + 60 }, SECRET);
    const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']);
    const error = await verify(token, aesKey as CryptoKey & { type: 'secret' }, { clock }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(AuthTokenError);
    expect(error).toMatchObject({ code: 'ERR_INVALID_SECRET' });
    expect((error as Error).message).toContain('AES-GCM');
  });

  it('rejects an HMAC CryptoKey without sign usage', async () => {
    const token = await signWithJose({ iss: KEY, exp: NOW_SECONDS + 60 }, SECRET);
    const verifyOnly = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(SECRET),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    await expect(verify(token, verifyOnly as CryptoKey & { type: 'secret' }, { clock })).rejects.toMatchObject({
      code: 'ERR_INVALID_SECRET',
    });
  });

  it('rejects a key object that is no CryptoKey', async () => {
    const token = await signWithJose({ iss: KEY, exp: NOW_SECONDS + 60 }, SECRET);
    await expect(verify(token, { type: 'secret' }, { clock })).rejects.toMatchObject({ code: 'ERR_INVALID_SECRET' });
  });
});

describe('decode', () => {
  it('returns header and claims unverified', async () => {
    const token = await signWithJose({ iss: KEY, exp: 1 }, 'any-secret');
    await expect(decode(token)).resolves.toEqual({
      header: { alg: 'HS256', typ: 'JWT' },
      claims: { iss: KEY, exp: 1 },
    });
  });
});

describe('hmacSha256', () => {
  it('matches RFC 4231 test case 2', async () => {
    // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
    const expectedHex = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';
    const expected = Buffer.from(expectedHex, 'hex').toString('base64url');
    await expect(hmacSha256('Jefe', 'what do ya want for nothing?')).resolves.toBe(expected);
  });
});
