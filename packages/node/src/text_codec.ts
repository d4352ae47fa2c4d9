import { isUtf8 } from 'node:buffer';
import type { TextCodec } from '@authtoken/core';

/** Base64url text codec on `Buffer`, which encodes and decodes natively. */
export const textCodec: TextCodec = {
  encode(text) {
    return Buffer.from(text, 'utf8').toString('base64url');
  },
  decode(segment) {
    const bytes = Buffer.from(segment, 'base64url');
    // Buffer#toString would replace bad bytes with U+FFFD silently; a token must not change.
    if (!isUtf8(bytes)) {
      throw new TypeError('segment is not valid UTF-8');
    }
    return bytes.toString('utf8');
  },
};
