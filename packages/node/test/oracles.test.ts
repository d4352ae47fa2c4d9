import fc from 'fast-check';
import { jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { createVerifier } from 'fast-jwt';
import { describe, expect, it } from 'vitest';
import { decode, generate, MemoryCredentialStore, refresh, verify, type JsonValue } from '../src/index.js';
import * as asyncApi from '../src/async.js';

const NOW_MS = 1_796_400_000_000;
const NOW = NOW_MS / 1000;
const clock = () => NOW_MS;
const store = () => new MemoryCredentialStore();
const bytes = (text: string) => new TextEncoder().encode(text);

// Keys the suite accepts: no control characters and no surrounding whitespace.
const keyArbitrary = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 64 })
  .filter((key) => key.trim() === key && !/[\u0000-\u001f\u007f-\u009f]/u.test(key) && key.length <= 256);
const secretArbitrary = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 128 });
const reserved = new Set(['iss', 'iat', 'exp', 'nbf', 'aud', 'sub', 'jti']);
// jsonwebtoken 9 throws on claim names that Object.prototype has (such as "toString"), and
// "__proto__" cannot be an own key of an object literal, so the generator avoids both.
const claimsArbitrary = fc.dictionary(
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 16 })
    .filter((name) => !reserved.has(name) && !(name in Object.prototype)),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>,
  { maxKeys: 5 },
);
/** What a JSON round trip makes of a value: -0 becomes 0. */
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('tokens minted here', () => {
  it('verify with jose, jsonwebtoken and fast-jwt', async () => {
    await fc.assert(
      fc.asyncProperty(keyArbitrary, secretArbitrary, claimsArbitrary, async (key, secret, claims) => {
        const token = generate(key, secret, { claims, clock, store: false, aud: 'telemetry', sub: 'ü-user' });
        const expected = viaJson({ iss: key, iat: NOW, exp: NOW + 3600, aud: 'telemetry', sub: 'ü-user', ...claims });

        const fromJose = await jwtVerify(token, bytes(secret), {
          algorithms: ['HS256'],
          currentDate: new Date(NOW_MS),
        });
        expect(fromJose.payload).toEqual(expected);
        expect(fromJose.protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });

        const fromJsonwebtoken = jsonwebtoken.verify(token, secret, { algorithms: ['HS256'], clockTimestamp: NOW });
        expect(fromJsonwebtoken).toEqual(expected);

        const fromFastJwt = createVerifier({ key: secret, algorithms: ['HS256'], clockTimestamp: NOW_MS })(token);
        expect(fromFastJwt).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('match jose byte for byte for the same claims', async () => {
    await fc.assert(
      fc.asyncProperty(keyArbitrary, secretArbitrary, claimsArbitrary, async (key, secret, claims) => {
        const ours = generate(key, secret, { claims, clock, store: false });
        const theirs = await new SignJWT({ iss: key, iat: NOW, exp: NOW + 3600, ...claims })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .sign(bytes(secret));
        expect(ours).toBe(theirs);
      }),
      { numRuns: 100 },
    );
  });

  it('refresh into tokens that jose verifies', async () => {
    const credentials = store();
    const old = generate('refresh-key', 'refresh-sécret', {
      clock: () => NOW_MS - 7_200_000,
      store: credentials,
      ttl: 600,
    });
    const next = refresh(old, { clock, store: credentials });
    const { payload } = await jwtVerify(next, bytes('refresh-sécret'), { currentDate: new Date(NOW_MS) });
    expect(payload).toEqual({ iss: 'refresh-key', iat: NOW, exp: NOW + 600 });
  });
});

describe('tokens minted elsewhere', () => {
  it('verify here when jose signs them', async () => {
    await fc.assert(
      fc.asyncProperty(keyArbitrary, secretArbitrary, claimsArbitrary, async (key, secret, claims) => {
        const token = await new SignJWT({ ...claims })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(key)
          .setIssuedAt(NOW)
          .setExpirationTime(NOW + 60)
          .sign(bytes(secret));
        expect(verify(token, secret, { clock })).toEqual(viaJson({ ...claims, iss: key, iat: NOW, exp: NOW + 60 }));
        await expect(asyncApi.verify(token, secret, { clock })).resolves.toEqual(verify(token, secret, { clock }));
      }),
      { numRuns: 100 },
    );
  });

  it('verify here when jsonwebtoken signs them', () => {
    fc.assert(
      fc.property(keyArbitrary, secretArbitrary, claimsArbitrary, (key, secret, claims) => {
        const token = jsonwebtoken.sign({ ...claims, iss: key, iat: NOW, exp: NOW + 60 }, secret, {
          algorithm: 'HS256',
        });
        expect(verify(token, secret, { clock })).toEqual(viaJson({ ...claims, iss: key, iat: NOW, exp: NOW + 60 }));
      }),
      { numRuns: 100 },
    );
  });

  it('refresh here when jsonwebtoken signs them with a stored secret', () => {
    const credentials = store();
    credentials.set('kong-consumer', 'kong-secret');
    const old = jsonwebtoken.sign(
      { iss: 'kong-consumer', iat: NOW - 100, exp: NOW - 40, scope: 'read' },
      'kong-secret',
    );
    const next = refresh(old, { clock, store: credentials });
    expect(decode(next).claims).toEqual({ iss: 'kong-consumer', iat: NOW, exp: NOW + 60, scope: 'read' });
    expect(jsonwebtoken.verify(next, 'kong-secret', { clockTimestamp: NOW })).toMatchObject({ scope: 'read' });
  });

  it('fail here when jose signs with another secret', async () => {
    const token = await new SignJWT({ iss: 'k' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(NOW + 60)
      .sign(bytes('one'));
    expect(() => verify(token, 'two', { clock })).toThrow(expect.objectContaining({ code: 'ERR_SIGNATURE_MISMATCH' }));
  });
});

describe('untrusted token text', () => {
  it('gives AuthTokenError or claims, never another error', () => {
    const tokenLike = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.')),
      fc
        .tuple(fc.jsonValue(), fc.jsonValue(), fc.string({ maxLength: 50 }))
        .map(([header, claims, signature]) =>
          [
            Buffer.from(JSON.stringify(header) ?? '').toString('base64url'),
            Buffer.from(JSON.stringify(claims) ?? '').toString('base64url'),
            signature,
          ].join('.'),
        ),
    );
    fc.assert(
      fc.property(tokenLike, (token) => {
        for (const call of [
          () => decode(token),
          () => verify(token, 'secret', { clock }),
          () => refresh(token, { store: store() }),
        ]) {
          try {
            call();
          } catch (error) {
            expect(error).toBeInstanceOf(Error);
            expect((error as { name: string }).name).toBe('AuthTokenError');
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
