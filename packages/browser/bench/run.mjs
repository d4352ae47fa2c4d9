// Runs bench/browser_bench.ts, which is TypeScript: esbuild compiles it to a temporary ES module
// next to it (so relative imports and node_modules resolve as in the source), which is then
// imported and removed.
import { rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const source = fileURLToPath(new URL('./browser_bench.ts', import.meta.url));
const compiled = fileURLToPath(new URL(`./.browser_bench.${process.pid}.mjs`, import.meta.url));

await build({
  entryPoints: [source],
  outfile: compiled,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
try {
  await import(pathToFileURL(compiled).href);
} finally {
  await rm(compiled, { force: true });
}
