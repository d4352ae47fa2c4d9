import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkSegment, decodeBase64Url, encodeBase64Url } from './base64url.js';

describe('encodeBase64Url', () => {
  it('matches Buffer for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(encodeBase64Url(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
      { numRuns: 1000 },
    );
  });

  it('encodes the RFC 4648 section 10 vectors without padding', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      expect(encodeBase64Url(new TextEncoder().encode(text))).toBe(encoded);
    }
  });
});

describe('decodeBase64Url', () => {
  it('inverts encodeBase64Url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('checkSegment', () => {
  it('accepts every canonical encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(() => checkSegment(encodeBase64Url(bytes), 'claims')).not.toThrow();
      }),
    );
  });

  it('rejects every string with a character outside the alphabet', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('=')),
        fc.string({ minLength: 1, maxLength: 1 }).filter((c) => !/[A-Za-z0-9_=-]/u.test(c)),
        (prefix, bad) => {
          expect(() => checkSegment(prefix + bad, 'claims')).toThrow(
            expect.objectContaining({ code: 'ERR_TOKEN_BASE64URL' }),
          );
        },
      ),
    );
  });

  it('rejects padding with its own code', () => {
    expect(() => checkSegment('Zg==', 'header')).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_PADDING' }));
  });

  it('rejects a length of 4n+1', () => {
    expect(() => checkSegment('Zm9vY', 'header')).toThrow(/has a length of 5/);
  });

  it('rejects non-zero unused bits', () => {
    // "Zh" and "Zg" decode to the same byte 0x66; only "Zg" is canonical.
    expect(() => checkSegment('Zh', 'signature')).toThrow(/not canonical/);
    expect(Buffer.from('Zh', 'base64url')).toEqual(Buffer.from('Zg', 'base64url'));
  });
});
