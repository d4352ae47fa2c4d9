/**
 * Throughput of generate and verify in @authtoken/node next to fast-jwt, jose, jsonwebtoken
 * and a raw node:crypto HMAC, all measured in one run on the same machine. Ratios are against
 * fast-jwt, the fastest independent library; the raw HMAC shows the ceiling.
 *
 * Run: pnpm bench (from the repository root) or pnpm --filter @authtoken/node bench.
 */
import { createHmac } from 'node:crypto';
import os from 'node:os';
import { Bench } from 'tinybench';
import { createSigner, createVerifier } from 'fast-jwt';
import { jwtVerify, SignJWT } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { generate, verify } from '../src/index.js';

const KEY = '398e54e888da42f8d089je28c298o42b';
const SECRET = 'bench-secret-7f3a9c0e4b2d8a61f5e3c7b9d1a2e4f6';
const SECRET_BYTES = new TextEncoder().encode(SECRET);
const TIME_MS = Number(process.env['BENCH_TIME_MS'] ?? 1500);

const token = generate(KEY, SECRET, { ttl: 3600 });
const signingInput = token.slice(0, token.lastIndexOf('.'));
const signature = token.slice(token.lastIndexOf('.') + 1);

const fastSign = createSigner({ key: SECRET, algorithm: 'HS256', expiresIn: 3_600_000 });
const fastVerify = createVerifier({ key: SECRET, algorithms: ['HS256'] });

type Row = { name: string; generate: () => unknown; verify: () => unknown };

const rows: Row[] = [
  {
    name: 'raw node:crypto HMAC',
    generate: () => createHmac('sha256', SECRET).update(signingInput).digest('base64url'),
    verify: () => createHmac('sha256', SECRET).update(signingInput).digest('base64url') === signature,
  },
  {
    name: '@authtoken/node',
    generate: () => generate(KEY, SECRET),
    verify: () => verify(token, SECRET),
  },
  {
    name: 'fast-jwt',
    generate: () => fastSign({ iss: KEY }),
    verify: () => fastVerify(token),
  },
  {
    name: 'jose',
    generate: () =>
      new SignJWT({ iss: KEY })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(SECRET_BYTES),
    verify: () => jwtVerify(token, SECRET_BYTES, { algorithms: ['HS256'] }),
  },
  {
    name: 'jsonwebtoken',
    generate: () => jsonwebtoken.sign({ iss: KEY }, SECRET, { algorithm: 'HS256', expiresIn: 3600 }),
    verify: () => jsonwebtoken.verify(token, SECRET, { algorithms: ['HS256'] }),
  },
];

async function measure(operation: 'generate' | 'verify'): Promise<Map<string, number>> {
  const bench = new Bench({ time: TIME_MS, warmupTime: 300 });
  for (const row of rows) bench.add(row.name, row[operation]);
  await bench.run();
  const opsPerSecond = new Map<string, number>();
  for (const task of bench.tasks) {
    const result = task.result as { period?: number } | undefined;
    if (result?.period === undefined) throw new Error(`benchmark task ${task.name} produced no result`);
    opsPerSecond.set(task.name, 1000 / result.period);
  }
  return opsPerSecond;
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');

const generateResults = await measure('generate');
const verifyResults = await measure('verify');
const generateAnchor = generateResults.get('fast-jwt')!;
const verifyAnchor = verifyResults.get('fast-jwt')!;

console.log(
  `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} x${os.cpus().length}, ${TIME_MS} ms per task`,
);
console.log('');
console.log('| library | generate ops/s | generate vs fast-jwt | verify ops/s | verify vs fast-jwt |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  const generated = generateResults.get(row.name)!;
  const verified = verifyResults.get(row.name)!;
  console.log(
    `| ${row.name} | ${format(generated)} | ${(generated / generateAnchor).toFixed(2)}x | ${format(verified)} | ${(verified / verifyAnchor).toFixed(2)}x |`,
  );
}
