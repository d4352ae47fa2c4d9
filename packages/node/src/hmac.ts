import { createHmac, createSecretKey, KeyObject, type webcrypto } from 'node:crypto';
import type { VerificationSecret } from '@authtoken/core';

// Importing a secret into a KeyObject once and reusing it saves converting the text to bytes
// on every call. The bound keeps memory flat for processes that see many credentials.
const MAX_CACHED_KEYS = 1024;
const keyCache = new Map<string, KeyObject>();

function keyForText(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (key === undefined) {
    if (keyCache.size >= MAX_CACHED_KEYS) {
      // Map iterates in insertion order, so this drops the oldest entry.
      keyCache.delete(keyCache.keys().next().value as string);
    }
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keyCache.set(secret, key);
  }
  return key;
}

function toKey(secret: VerificationSecret): KeyObject | Uint8Array {
  if (typeof secret === 'string') return keyForText(secret);
  if (secret instanceof Uint8Array || secret instanceof KeyObject) return secret;
  // A WebCrypto CryptoKey, for example from globalThis.crypto.subtle.importKey.
  return KeyObject.from(secret as webcrypto.CryptoKey);
}

/** Returns the unpadded base64url HMAC-SHA-256 of the UTF-8 bytes of `data`. */
export function hmacSha256(secret: VerificationSecret, data: string): string {
  return createHmac('sha256', toKey(secret)).update(data, 'utf8').digest('base64url');
}
