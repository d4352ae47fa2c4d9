import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCredentialStore, generate, refresh, verify } from '../src/index.js';
import * as asyncApi from '../src/async.js';

const run = promisify(execFile);
const distEntry = new URL('../dist/index.js', import.meta.url).pathname;
let folder: string;
let path: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'authtoken-store-'));
  path = join(folder, 'nested', 'credentials.json');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('FileCredentialStore', () => {
  it('creates the file with mode 0600 in a 0700 folder', () => {
    new FileCredentialStore(path).set('k', 's');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'nested')).mode & 0o777).toBe(0o700);
  });

  it('lets refresh find the secret in a new instance', () => {
    const token = generate('file-key', 'file-secret', { store: new FileCredentialStore(path), ttl: 60 });
    const next = refresh(token, { store: new FileCredentialStore(path) });
    expect(verify(next, 'file-secret').iss).toBe('file-key');
  });

  it('works with the asynchronous API', async () => {
    const store = new FileCredentialStore(path);
    const token = await asyncApi.generate('async-key', 'async-secret', { store });
    await expect(asyncApi.refresh(token, { store })).resolves.toMatch(/^eyJ/);
  });

  it('returns undefined for a missing file and key', () => {
    expect(new FileCredentialStore(path).get('absent')).toBeUndefined();
  });

  it('deletes a credential', () => {
    const store = new FileCredentialStore(path);
    store.set('a', '1');
    store.set('b', '2');
    store.delete('a');
    expect(new FileCredentialStore(path).keys()).toEqual(['b']);
  });

  it('sees writes of another instance', () => {
    const first = new FileCredentialStore(path);
    const second = new FileCredentialStore(path);
    first.set('k', 'one');
    expect(second.get('k')).toBe('one');
    first.set('k', 'two');
    expect(second.get('k')).toBe('two');
  });

  it('reports a corrupt file and leaves it unchanged', () => {
    writeFileSync(path.replace('nested/', ''), '{"version":1,"credentials":{"k":{"secret":"s3cr3t"', { mode: 0o600 });
    const corruptPath = path.replace('nested/', '');
    const store = new FileCredentialStore(corruptPath);
    const before = readFileSync(corruptPath, 'utf8');
    expect(() => store.get('k')).toThrow(expect.objectContaining({ code: 'ERR_STORE_CORRUPT' }));
    expect(() => store.set('other', 'x')).toThrow(expect.objectContaining({ code: 'ERR_STORE_CORRUPT' }));
    expect(() => generate('other', 'x', { store })).toThrow(/move it aside or delete it/);
    expect(readFileSync(corruptPath, 'utf8')).toBe(before);
  });

  it('keeps secrets out of the corrupt-file error', () => {
    const corruptPath = join(folder, 'bad.json');
    writeFileSync(corruptPath, 'not json, secret=hunter2', { mode: 0o600 });
    let caught: unknown;
    try {
      new FileCredentialStore(corruptPath).get('k');
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).not.toContain('hunter2');
    expect((caught as Error).cause).toBeUndefined();
  });

  it('reports a file with the wrong layout as corrupt', () => {
    const wrongPath = join(folder, 'wrong.json');
    writeFileSync(wrongPath, '{"k":"s"}');
    expect(() => new FileCredentialStore(wrongPath).get('k')).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_CORRUPT' }),
    );
  });

  it('reports a folder in place of the file as unavailable', () => {
    expect(() => new FileCredentialStore(folder).get('k')).toThrow(
      expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }),
    );
  });

  it('reports an unreadable file as unavailable', async (context) => {
    const store = new FileCredentialStore(path);
    store.set('k', 's');

    if (process.getuid?.() !== 0) {
      chmodSync(path, 0o000);
      expect(() => new FileCredentialStore(path).get('k')).toThrow(
        expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }),
      );
      return;
    }

    // Root reads any file, so the read runs in a child process as the unprivileged user
    // "nobody" (uid 65534), for which the 0600 file is unreadable.
    chmodSync(folder, 0o755);
    chmodSync(join(folder, 'nested'), 0o755);
    const script = `
      import { FileCredentialStore } from ${JSON.stringify(distEntry)};
      try {
        new FileCredentialStore(process.argv[1]).get('k');
        console.log('read');
      } catch (error) {
        console.log(error.code);
      }
    `;

    const output = await run(process.execPath, ['--input-type=module', '-e', script, path], {
      uid: 65534,
      gid: 65534,
    }).catch((error: { stdout: string; stderr: string }) => error);
    // NOTE: the child must be able to load this package. Below a folder that "nobody" cannot
    // enter (such as /root) there is nothing to observe, so the test is skipped there.
    if (output.stdout === '' && /ERR_MODULE_NOT_FOUND|EACCES/u.test(output.stderr)) {
      context.skip('the package folder is not readable by uid 65534');
    }
    expect(output.stdout.trim()).toBe('ERR_STORE_UNAVAILABLE');
  });

  it('times out on a held lock and names the holder', () => {
    const store = new FileCredentialStore(path, { lockTimeout: 50 });
    store.set('k', 's');
    writeFileSync(`${path}.lock`, '4242\n');
    expect(() => store.set('k2', 's2')).toThrow(
      /timed out after 50 ms waiting for lock file .* \(held by process 4242\)/,
    );
    expect(store.get('k')).toBe('s');
  });

  it('removes a stale lock left by a crashed writer', () => {
    const store = new FileCredentialStore(path, { lockTimeout: 50, staleLockAge: 0 });
    store.set('k', 's');
    writeFileSync(`${path}.lock`, '4242\n');
    store.set('k2', 's2');
    expect(store.get('k2')).toBe('s2');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('loses no credential when processes write at once', async () => {
    const writers = 6;
    const keysPerWriter = 15;
    const script = `
      import { FileCredentialStore, generate, refresh } from ${JSON.stringify(distEntry)};
      const [path, writer, count] = process.argv.slice(1);
      const store = new FileCredentialStore(path);
      for (let index = 0; index < Number(count); index += 1) {
        const token = generate('w' + writer + '-' + index, 'secret-' + writer + '-' + index, { store });
        refresh(token, { store });
      }
    `;
    await Promise.all(
      Array.from({ length: writers }, (_, writer) =>
        run(process.execPath, ['--input-type=module', '-e', script, path, String(writer), String(keysPerWriter)]),
      ),
    );
    const store = new FileCredentialStore(path);
    expect(store.keys()).toHaveLength(writers * keysPerWriter);
    expect(store.get('w3-7')).toBe('secret-3-7');
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
