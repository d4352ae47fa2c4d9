import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const packageFolder = new URL('..', import.meta.url).pathname;

/** Runs a script in a child process from the package folder, resolving the package by name. */
function runScript(code: string, type: 'module' | 'commonjs'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: packageFolder,
    encoding: 'utf8',
  }).trim();
}

describe('published entry points', () => {
  it('load with require from CommonJS', () => {
    const output = runScript(
      `const node = require('@authtoken/node');
       const asyncApi = require('@authtoken/node/async');
       const token = node.generate('cjs-key', 'cjs-secret');
       asyncApi.refresh(token).then((next) => console.log(typeof node.verify(next, 'cjs-secret').exp));`,
      'commonjs',
    );
    expect(output).toBe('number');
  });

  it('load with import from ESM', () => {
    const output = runScript(
      `import { generate, verify } from '@authtoken/node';
       import { refresh } from '@authtoken/node/async';
       const next = await refresh(generate('esm-key', 'esm-secret'));
       console.log(verify(next, 'esm-secret').iss);`,
      'module',
    );
    expect(output).toBe('esm-key');
  });

  it('share one default store between ESM and CommonJS copies', () => {
    const output = runScript(
      `import { createRequire } from 'node:module';
       import { generate } from '@authtoken/node';
       const { refresh } = createRequire(import.meta.url)('@authtoken/node');
       console.log(refresh(generate('mixed-key', 'mixed-secret')).split('.').length);`,
      'module',
    );
    expect(output).toBe('3');
  });
});
