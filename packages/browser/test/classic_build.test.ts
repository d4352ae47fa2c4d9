import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';
import { KEY, NOW_MS, NOW_SECONDS, SECRET, signWithJose, verifyWithJose } from './helpers.js';

const SCRIPT_PATH = fileURLToPath(new URL('../dist/auth-token-generator.min.js', import.meta.url));

interface ClassicGlobal {
  generate(key: string, secret: string, options?: object): string;
  refresh(oldToken: string, options?: object): string;
  verify(token: string, secret: string, options?: object): Record<string, unknown>;
  decode(token: string): { claims: Record<string, unknown> };
}

let script: string;
let AuthTokenGenerate: ClassicGlobal;

beforeAll(() => {
  script = readFileSync(SCRIPT_PATH, 'utf8');
  // A bare context with only what a browser window offers the script: no require, no Buffer.
  const window = createContext({ TextEncoder, TextDecoder, atob });
  runInContext(script, window, { filename: 'auth-token-generator.min.js' });
  AuthTokenGenerate = (window as { AuthTokenGenerate: ClassicGlobal }).AuthTokenGenerate;
});

describe('classic build', () => {
  it('defines the AuthTokenGenerate global', () => {
    expect(typeof AuthTokenGenerate.generate).toBe('function');
    expect(typeof AuthTokenGenerate.refresh).toBe('function');
  });

  it('is a classic script without imports', () => {
    expect(script).not.toMatch(/\bimport\s*[{*(]|\brequire\(|\bexport\s*{/);
  });

  it('generates synchronously like jose', async () => {
    const token = AuthTokenGenerate.generate(KEY, SECRET, { clock: () => NOW_MS });
    expect(typeof token).toBe('string');
    expect(token).toBe(await signWithJose({ iss: KEY, iat: NOW_SECONDS, exp: NOW_SECONDS + 3600 }, SECRET));
  });

  it('matches the WebCrypto build with claims', async () => {
    const options = {
      clock: () => NOW_MS,
      ttl: 120,
      aud: ['a', 'b'],
      sub: 'ü',
      claims: { group: 'telemetry', n: 1.5 },
    };
    const fromClassic = AuthTokenGenerate.generate(KEY, SECRET, options);
    const fromWebCrypto = await generate(KEY, SECRET, { ...options, store: false });
    expect(fromClassic).toBe(fromWebCrypto);
  });

  it('refreshes the old token by itself', async () => {
    const old = AuthTokenGenerate.generate(KEY, SECRET, { clock: () => NOW_MS });
    const later = NOW_MS + 5_000_000;
    const token = AuthTokenGenerate.refresh(old, { clock: () => later });
    expect(typeof token).toBe('string');
    await expect(verifyWithJose(token, SECRET, later)).resolves.toMatchObject({ iss: KEY, iat: NOW_SECONDS + 5000 });
  });

  it('verifies and decodes', () => {
    const token = AuthTokenGenerate.generate(KEY, SECRET, { clock: () => NOW_MS });
    expect(AuthTokenGenerate.verify(token, SECRET, { clock: () => NOW_MS })).toMatchObject({ iss: KEY });
    expect(AuthTokenGenerate.decode(token).claims).toMatchObject({ iss: KEY });
  });

  it('throws coded errors synchronously', () => {
    expect(() => AuthTokenGenerate.generate('', SECRET)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_KEY', name: 'AuthTokenError' }),
    );
    expect(() => AuthTokenGenerate.refresh('not-a-token')).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_SEGMENTS' }),
    );
  });
});
