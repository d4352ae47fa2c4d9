import { decodeBase64Url, encodeBase64Url, type TextCodec } from '@authtoken/core';

const encoder = new TextEncoder();
// `fatal` makes invalid UTF-8 throw, which core reports as ERR_TOKEN_JSON.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Base64url of UTF-8 text, built on the `TextEncoder` and `TextDecoder` every browser has. */
export const textCodec: TextCodec = {
  encode: (text) => encodeBase64Url(encoder.encode(text)),
  decode: (segment) => decoder.decode(decodeBase64Url(segment)),
};

/** Returns the UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}
