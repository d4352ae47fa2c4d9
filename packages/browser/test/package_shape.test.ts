import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Bundles `source` as a browser ES module that imports the built package, and returns the output. */
async function bundle(source: string, minify = false): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: packageDir, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    minify,
    alias: { '@authtoken/browser': `${packageDir}dist/index.js` },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

describe('package shape', () => {
  it('imports no Node built-ins', () => {
    for (const file of ['dist/index.js', 'dist/standalone.js', 'dist/auth-token-generator.min.js']) {
      const text = readFileSync(`${packageDir}${file}`, 'utf8');
      expect(text, file).not.toMatch(/from\s*["']node:|require\(["'](node:|fs|crypto|path)/);
    }
  });

  it('bundles for the browser with esbuild', async () => {
    const output = await bundle(`import { generate } from '@authtoken/browser'; globalThis.generate = generate;`);
    expect(output).toContain('importKey');
  });

  it('drops unused parts when bundled', async () => {
    const output = await bundle(`import { decode } from '@authtoken/browser'; globalThis.decode = decode;`);
    expect(output).not.toContain('onupgradeneeded');
    expect(output).not.toContain('BroadcastChannel');
    expect(output).not.toContain('localStorage');
  });

  it('drops verify when only generate and refresh are used', async () => {
    const output = await bundle(
      `import { generate, refresh } from '@authtoken/browser'; globalThis.keep = [generate, refresh];`,
    );
    expect(output).toContain('importKey');
    expect(output).not.toContain('requiredClaims');
    expect(output).not.toContain('clockTolerance');
  });

  it('exports the classic and standalone files by package name', async () => {
    // The package resolves itself through its own "exports", as an installed copy would.
    expect(require.resolve('@authtoken/browser/dist/auth-token-generator.min.js')).toBe(
      `${packageDir}dist/auth-token-generator.min.js`,
    );
    const result = await build({
      stdin: {
        contents: `export * from '@authtoken/browser/dist/standalone.js';`,
        resolveDir: packageDir,
        loader: 'js',
      },
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      logLevel: 'silent',
    });
    expect(result.outputFiles[0]!.text).toContain('importKey');
  });

  it('loads from CommonJS', () => {
    const loaded = require(`${packageDir}dist/index.cjs`) as Record<string, unknown>;
    expect(typeof loaded['generate']).toBe('function');
    expect(typeof loaded['TokenClient']).toBe('function');
  });

  it('builds the standalone module', async () => {
    const standalone = (await import(`${packageDir}dist/standalone.js`)) as Record<string, unknown>;
    expect(typeof standalone['generate']).toBe('function');
    expect(typeof standalone['IndexedDbCredentialStore']).toBe('function');
  });
});
