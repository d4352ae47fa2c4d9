/**
 * Page script of the throughput benchmark: it mints tokens with this package and with jose's
 * SignJWT in the same page, with the same key, secret and claims.
 */
import { generate } from '@authtoken/browser';
import { SignJWT } from 'jose';

const KEY = 'bench-key-398e54e888da42f8d089';
const SECRET = 'bench-secret-6f1d0c1f2b8a4e0d9c7b';
const secretBytes = new TextEncoder().encode(SECRET);

type Mint = () => Promise<string>;

const contenders: Record<string, Mint> = {
  authtoken: () => generate(KEY, SECRET),
  joseWithBytes: () => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: KEY, iat: now, exp: now + 3600 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(secretBytes);
  },
};

let joseKey: CryptoKey | undefined;
contenders['joseWithCryptoKey'] = async () => {
  joseKey ??= await crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: KEY, iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(joseKey);
};

/** Mints tokens one after another for `durationMs` and returns tokens per second. */
async function measure(name: string, durationMs: number): Promise<number> {
  const mint = contenders[name]!;
  for (let warmup = 0; warmup < 500; warmup += 1) await mint();
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < durationMs) {
    await mint();
    count += 1;
  }
  return count / ((performance.now() - start) / 1000);
}

/** Returns whether both libraries produce the same token for the same second, as a sanity check. */
async function sameToken(): Promise<boolean> {
  for (;;) {
    const before = Math.floor(Date.now() / 1000);
    const [ours, theirs] = await Promise.all([contenders['authtoken']!(), contenders['joseWithBytes']!()]);
    if (Math.floor(Date.now() / 1000) === before) return ours === theirs;
  }
}

declare global {
  interface Window {
    bench: { names: string[]; measure: typeof measure; sameToken: typeof sameToken };
  }
}

window.bench = { names: Object.keys(contenders), measure, sameToken };
