/**
 * Benchmark of `@authtoken/browser` against jose 6: gzipped bundle size, then tokens minted per
 * second in headless Chromium. Prints a Markdown report; run it with `pnpm --filter
 * @authtoken/browser bench` after building.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import {
  bundlePage,
  launchChromium,
  linkPackageForBundlers,
  PACKAGE_DIR,
  startPageServer,
} from '../test/e2e/chromium_session.js';

/** Rounds per contender; the report gives the median, so one slow round cannot decide it. */
const ROUNDS = 5;
const ROUND_MS = 2000;
const SIZE_TARGET = 0.5;
const SPEED_TARGET = 2;

async function gzippedSize(source: string, nodeModules: string): Promise<{ minified: number; gzipped: number }> {
  const result = await build({
    stdin: { contents: source, resolveDir: join(PACKAGE_DIR, 'bench'), loader: 'js' },
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    nodePaths: [nodeModules],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function kilobytes(bytes: number): string {
  return `${(bytes / 1000).toFixed(2)} kB`;
}

const nodeModules = await linkPackageForBundlers();

const ours = await gzippedSize(
  `import { generate, refresh, IndexedDbCredentialStore } from '@authtoken/browser';
   globalThis.keep = [generate, refresh, IndexedDbCredentialStore];`,
  nodeModules,
);
const jose = await gzippedSize(`import { SignJWT } from 'jose'; globalThis.keep = [SignJWT];`, nodeModules);
const sizeRatio = ours.gzipped / jose.gzipped;

// Parts of the measured bundle, bundled alone the same way, to show where its bytes are.
const parts: [label: string, imports: string][] = [
  ['generate alone', 'generate'],
  ['generate + refresh', 'generate, refresh'],
  ['IndexedDbCredentialStore alone', 'IndexedDbCredentialStore'],
];
const partSizes = await Promise.all(
  parts.map(([, imports]) =>
    gzippedSize(`import { ${imports} } from '@authtoken/browser'; globalThis.keep = [${imports}];`, nodeModules),
  ),
);

const page = await bundlePage(join(PACKAGE_DIR, 'bench/bench_page.ts'), nodeModules);
const server = await startPageServer(
  { '/': '<!doctype html><script type="module" src="/bench.js"></script>', '/bench.js': page },
  {},
);
const session = await launchChromium();
const rates: Record<string, number[]> = {};
let chromiumVersion = '';
let identical = false;
try {
  chromiumVersion = session.context.browser()?.version() ?? 'unknown';
  const tab = await session.context.newPage();
  await tab.goto(`${server.origin}/`);
  await tab.waitForFunction(() => window.bench !== undefined);
  identical = await tab.evaluate(() => window.bench.sameToken());
  const names = await tab.evaluate(() => window.bench.names);
  // Rounds alternate between contenders so that a slow phase of the machine hits all of them.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of names) {
      const rate = await tab.evaluate(({ name, ms }) => window.bench.measure(name, ms), { name, ms: ROUND_MS });
      (rates[name] ??= []).push(rate);
    }
  }
} finally {
  await session.close();
  await server.close();
}

const ourRate = median(rates['authtoken']!);
const joseRate = median(rates['joseWithBytes']!);
const joseKeyRate = median(rates['joseWithCryptoKey']!);
const speedRatio = ourRate / joseRate;

const lines = [
  `Date: ${new Date().toISOString()}`,
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, Chromium ${chromiumVersion} (headless)`,
  '',
  '| bundle (esbuild, minified, gzip -9) | minified | gzipped |',
  '| --- | ---: | ---: |',
  `| @authtoken/browser: generate + refresh + IndexedDbCredentialStore | ${kilobytes(ours.minified)} | ${kilobytes(ours.gzipped)} |`,
  `| jose: SignJWT alone | ${kilobytes(jose.minified)} | ${kilobytes(jose.gzipped)} |`,
  `| ratio (target at most ${SIZE_TARGET}x) | | ${sizeRatio.toFixed(2)}x ${sizeRatio <= SIZE_TARGET ? '(met)' : '(missed)'} |`,
  '',
  '| part of the bundle above, bundled alone | minified | gzipped |',
  '| --- | ---: | ---: |',
  ...parts.map(
    ([label], index) =>
      `| @authtoken/browser: ${label} | ${kilobytes(partSizes[index]!.minified)} | ${kilobytes(partSizes[index]!.gzipped)} |`,
  ),
  '',
  `| tokens per second in Chromium (median of ${ROUNDS} rounds of ${ROUND_MS / 1000} s, one call at a time) | tokens/s |`,
  '| --- | ---: |',
  `| @authtoken/browser generate(key, secret) | ${Math.round(ourRate)} |`,
  `| jose SignJWT.sign(secret bytes) | ${Math.round(joseRate)} |`,
  `| jose SignJWT.sign(CryptoKey imported once) | ${Math.round(joseKeyRate)} |`,
  `| ratio to jose with secret bytes (target at least ${SPEED_TARGET}x) | ${speedRatio.toFixed(2)}x ${speedRatio >= SPEED_TARGET ? '(met)' : '(missed)'} |`,
  `| ratio to jose with a CryptoKey | ${(ourRate / joseKeyRate).toFixed(2)}x |`,
  '',
  `Tokens byte-identical to jose's in the same second: ${identical ? 'yes' : 'NO'}`,
];
console.log(lines.join('\n'));
