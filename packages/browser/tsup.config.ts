import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The package entry for bundlers and Node: core stays an import, so it is shared.
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'browser',
  },
  {
    // One self-contained ES module for pages without a bundler.
    entry: { standalone: 'src/standalone.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    minify: true,
    target: 'es2022',
    platform: 'browser',
    noExternal: [/.*/],
  },
  {
    // The classic script that defines the global AuthTokenGenerate.
    entry: { 'auth-token-generator.min': 'src/classic/global.ts' },
    format: ['iife'],
    globalName: 'AuthTokenGenerate',
    dts: false,
    sourcemap: true,
    minify: true,
    // ES2020 keeps the script loadable in browsers from 2020 on.
    target: 'es2020',
    platform: 'browser',
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
  },
]);
