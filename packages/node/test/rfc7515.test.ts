import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decode, verify } from '../src/index.js';

// RFC 7515 Appendix A.1: the HS256 example, its JWK "k" and its compact serialization.
const RFC_KEY = Buffer.from(
  'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow',
  'base64url',
);
const RFC_TOKEN =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9' +
  '.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ' +
  '.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
/** One second before the example's exp of 1300819380. */
const BEFORE_EXPIRY = 1_300_819_379_000;

describe('RFC 7515 Appendix A.1', () => {
  it('verifies the example token', () => {
    const claims = verify(RFC_TOKEN, new Uint8Array(RFC_KEY), { clock: () => BEFORE_EXPIRY });
    expect(claims).toEqual({ iss: 'joe', exp: 1_300_819_380, 'http://example.com/is_root': true });
  });

  it('decodes the example header with CRLF whitespace', () => {
    expect(decode(RFC_TOKEN).header).toEqual({ typ: 'JWT', alg: 'HS256' });
  });

  it('rejects the example one second after exp', () => {
    expect(() => verify(RFC_TOKEN, new Uint8Array(RFC_KEY), { clock: () => 1_300_819_380_000 })).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_EXPIRED' }),
    );
  });

  it('rejects the example with a one-byte different key', () => {
    const wrongKey = new Uint8Array(RFC_KEY);
    wrongKey[0] = wrongKey[0]! ^ 1;
    expect(() => verify(RFC_TOKEN, wrongKey, { clock: () => BEFORE_EXPIRY })).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNATURE_MISMATCH' }),
    );
  });

  it('matches node:crypto on the example signing input', () => {
    const signingInput = RFC_TOKEN.slice(0, RFC_TOKEN.lastIndexOf('.'));
    const expected = createHmac('sha256', RFC_KEY).update(signingInput).digest('base64url');
    expect(RFC_TOKEN.endsWith(`.${expected}`)).toBe(true);
  });
});
