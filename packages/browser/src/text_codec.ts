import { encodeBase64Url, type TextCodec } from '@authtoken/core';

// Both are marked pure, so a bundle that never decodes, such as a store alone, drops the decoder.
const encoder = /* @__PURE__ */ new TextEncoder();
// `fatal` makes invalid UTF-8 throw, which core reports as ERR_TOKEN_JSON.
const decoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true });

/**
 * Base64url of UTF-8 text, built on `TextEncoder`, `TextDecoder` and `atob`, which every
 * browser has. Decoding maps the URL-safe alphabet back to standard base64 for `atob`, which
 * accepts input without padding. Core checks that the segment is canonical before it decodes.
 */
export const textCodec: TextCodec = {
  encode: (text) => encodeBase64Url(encoder.encode(text)),
  decode: (segment) => {
    const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
    return decoder.decode(Uint8Array.from(binary, (character) => character.charCodeAt(0)));
  },
};

/** Returns the UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}
