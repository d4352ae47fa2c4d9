import { AuthTokenError, encodeBase64Url, type VerificationSecret } from '@authtoken/core';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../text_codec.js';

/**
 * Returns the unpadded base64url HMAC-SHA-256 of the UTF-8 bytes of `data`, computed in
 * JavaScript by `@noble/hashes` so that it can return synchronously, which WebCrypto cannot.
 */
export function hmacSha256Sync(secret: VerificationSecret, data: string): string {
  let keyBytes: Uint8Array;
  if (typeof secret === 'string') {
    keyBytes = utf8(secret);
  } else if (secret instanceof Uint8Array) {
    keyBytes = secret;
  } else {
    throw new AuthTokenError(
      'ERR_INVALID_SECRET',
      'the classic build signs synchronously and cannot use a CryptoKey; pass the secret text or bytes, or use the ESM build of @authtoken/browser',
    );
  }
  return encodeBase64Url(hmac(sha256, keyBytes, utf8(data)));
}
