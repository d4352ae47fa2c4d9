import { AuthTokenError, encodeBase64Url, type VerificationSecret } from '@authtoken/core';
import { utf8 } from './text_codec.js';

const HMAC_SHA256 = { name: 'HMAC', hash: 'SHA-256' } as const;

// Importing a key costs about as much as signing, so each secret text is imported once and its
// CryptoKey reused. The bound keeps memory flat on pages that see many credentials.
const MAX_CACHED_KEYS = 64;
const keyCache = new Map<string, Promise<CryptoKey>>();

/**
 * Returns `crypto.subtle`, which browsers expose only in secure contexts (https or localhost).
 *
 * @throws {AuthTokenError} `ERR_CRYPTO_UNAVAILABLE` when it is missing.
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (subtle === undefined) {
    throw new AuthTokenError(
      'ERR_CRYPTO_UNAVAILABLE',
      'crypto.subtle is missing, as browsers expose it only on https and localhost pages; serve the page over https or use the classic build',
    );
  }
  return subtle;
}

/**
 * Imports `secret` as a non-extractable HMAC-SHA-256 key that can only sign. Script can use
 * the returned key but cannot read the secret back from it.
 */
export function importHmacKey(secret: string | Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const bytes = typeof secret === 'string' ? utf8(secret) : secret;
  return subtleCrypto().importKey('raw', bytes, HMAC_SHA256, false, ['sign']);
}

function cachedKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (key === undefined) {
    if (keyCache.size >= MAX_CACHED_KEYS) {
      // Map iterates in insertion order, so this drops the oldest entry.
      keyCache.delete(keyCache.keys().next().value as string);
    }
    key = importHmacKey(secret);
    keyCache.set(secret, key);
    // A failed import must not stay cached, or every later call would fail the same way.
    key.catch(() => keyCache.delete(secret));
  }
  return key;
}

/** Tells whether `value` is a WebCrypto `CryptoKey`, also one from another realm such as an iframe. */
export function isCryptoKey(value: unknown): value is CryptoKey {
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return true;
  return Object.prototype.toString.call(value) === '[object CryptoKey]';
}

/** Tells whether `key` is a secret key that can sign with HMAC-SHA-256. */
export function isHmacSha256SigningKey(key: CryptoKey): boolean {
  const algorithm = key.algorithm as Partial<HmacKeyAlgorithm>;
  return (
    key.type === 'secret' &&
    algorithm.name === 'HMAC' &&
    algorithm.hash?.name === 'SHA-256' &&
    key.usages.includes('sign')
  );
}

function signingKey(secret: VerificationSecret): Promise<CryptoKey> {
  if (typeof secret === 'string') return cachedKey(secret);
  if (secret instanceof Uint8Array) return importHmacKey(new Uint8Array(secret));
  if (isCryptoKey(secret) && isHmacSha256SigningKey(secret)) return Promise.resolve(secret);
  const actual = isCryptoKey(secret)
    ? `a ${secret.type} ${secret.algorithm.name} key with usages [${secret.usages.join(', ')}]`
    : 'an object that is not a CryptoKey';
  throw new AuthTokenError(
    'ERR_INVALID_SECRET',
    `secret must be text, bytes or an HMAC SHA-256 CryptoKey with the "sign" usage, but got ${actual}`,
  );
}

/**
 * Resolves to the unpadded base64url HMAC-SHA-256 of the UTF-8 bytes of `data`, computed with
 * WebCrypto. Secret text is imported once and the key reused for later calls.
 */
export async function hmacSha256(secret: VerificationSecret, data: string): Promise<string> {
  const key = await signingKey(secret);
  const signature = await subtleCrypto().sign('HMAC', key, utf8(data));
  return encodeBase64Url(new Uint8Array(signature));
}
