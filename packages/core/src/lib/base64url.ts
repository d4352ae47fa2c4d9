import { AuthTokenError } from '../errors.js';
import { quote } from './quote.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const SEGMENT_PATTERN = /^[A-Za-z0-9_-]*$/;

/** Maps a character code to its 6-bit value, or -1 for characters outside the alphabet. */
function buildValueTable(): Int16Array {
  const values = new Int16Array(128).fill(-1);
  for (let index = 0; index < ALPHABET.length; index += 1) {
    values[ALPHABET.charCodeAt(index)] = index;
  }
  return values;
}

// Built by a call marked pure, so that a bundle without decodeBase64Url drops the table.
const VALUES = /* @__PURE__ */ buildValueTable();

/** Name of a token segment, used in error messages. */
export type SegmentName = 'header' | 'claims' | 'signature';

/**
 * Checks that `segment` is canonical unpadded base64url (RFC 7515 section 2): only the URL-safe
 * alphabet, no `=` padding, a length that can encode whole bytes, and zero bits in the unused
 * tail of the last character. The last rule makes each byte string have exactly one encoding,
 * so two different signature strings can never both verify.
 */
export function checkSegment(segment: string, name: SegmentName): void {
  const fail = (code: 'ERR_TOKEN_PADDING' | 'ERR_TOKEN_BASE64URL', problem: string): AuthTokenError =>
    new AuthTokenError(code, `token ${name} segment ${quote(segment)} ${problem}`);

  if (segment.includes('=')) {
    throw fail('ERR_TOKEN_PADDING', 'ends in "=" padding, which JWS segments never have; remove it');
  }
  if (!SEGMENT_PATTERN.test(segment)) {
    const bad = segment.match(/[^A-Za-z0-9_-]/u)?.[0] ?? '';
    throw fail(
      'ERR_TOKEN_BASE64URL',
      `must be base64url (A-Z, a-z, 0-9, "-", "_"), but contains ${JSON.stringify(bad)}`,
    );
  }
  const tail = segment.length % 4;
  if (tail === 1) {
    throw fail(
      'ERR_TOKEN_BASE64URL',
      `has a length of ${segment.length}, which no base64url encoding has; it is cut short or has extra characters`,
    );
  }
  if (tail !== 0) {
    const last = ALPHABET.indexOf(segment.charAt(segment.length - 1));
    const unusedBits = tail === 2 ? 0b1111 : 0b11;
    if ((last & unusedBits) !== 0) {
      throw fail('ERR_TOKEN_BASE64URL', 'is not canonical base64url: its last character has non-zero unused bits');
    }
  }
}

/** Returns the unpadded base64url encoding of `bytes`. */
export function encodeBase64Url(bytes: Uint8Array): string {
  let out = '';
  let index = 0;
  for (; index + 2 < bytes.length; index += 3) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8) | bytes[index + 2]!;
    out +=
      ALPHABET[chunk >>> 18]! + ALPHABET[(chunk >>> 12) & 63]! + ALPHABET[(chunk >>> 6) & 63]! + ALPHABET[chunk & 63]!;
  }
  const rest = bytes.length - index;
  if (rest === 1) {
    const chunk = bytes[index]! << 16;
    out += ALPHABET[chunk >>> 18]! + ALPHABET[(chunk >>> 12) & 63]!;
  } else if (rest === 2) {
    const chunk = (bytes[index]! << 16) | (bytes[index + 1]! << 8);
    out += ALPHABET[chunk >>> 18]! + ALPHABET[(chunk >>> 12) & 63]! + ALPHABET[(chunk >>> 6) & 63]!;
  }
  return out;
}

/**
 * Decodes unpadded base64url into bytes. The input must already have passed
 * {@link checkSegment}; other input gives unspecified bytes.
 */
export function decodeBase64Url(segment: string): Uint8Array {
  const bytes = new Uint8Array(Math.floor((segment.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let offset = 0;
  for (let index = 0; index < segment.length; index += 1) {
    buffer = (buffer << 6) | (VALUES[segment.charCodeAt(index)] ?? 0);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[offset] = (buffer >>> bits) & 0xff;
      offset += 1;
    }
  }
  return bytes;
}
