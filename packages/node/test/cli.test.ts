import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtVerify } from 'jose';
import { decode, generate } from '../src/index.js';

const cliPath = new URL('../dist/cli.js', import.meta.url).pathname;
let folder: string;
let storePath: string;

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with a clean environment plus `env`. */
function cli(args: string[], options: { env?: Record<string, string>; input?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    input: options.input ?? '',
    env: { PATH: process.env['PATH'] ?? '', HOME: folder, AUTHTOKEN_STORE: storePath, ...options.env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'authtoken-cli-'));
  storePath = join(folder, 'credentials.json');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('authtoken CLI', () => {
  it('generates a token that jose verifies', async () => {
    const run = cli(['generate', '--key', 'cli-key', '--ttl', '120', '--aud', 'telemetry', '--claim', 'team=ops'], {
      env: { AUTHTOKEN_SECRET: 'cli-secret' },
    });
    expect(run.stderr).toContain('saved the secret of key "cli-key"');
    expect(run.status).toBe(0);
    const token = run.stdout.trim();
    const { payload } = await jwtVerify(token, new TextEncoder().encode('cli-secret'));
    expect(payload).toMatchObject({ iss: 'cli-key', aud: 'telemetry', team: 'ops' });
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it('reads the secret and the token from stdin', () => {
    const generated = cli(['generate', '--key', 'stdin-key', '--secret-stdin'], { input: 'stdin-secret\n' });
    expect(generated.status).toBe(0);
    const verified = cli(['verify', '-', '--json'], {
      input: generated.stdout,
      env: { AUTHTOKEN_SECRET: 'stdin-secret' },
    });
    expect(verified.status).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ valid: true, claims: { iss: 'stdin-key' } });
  });

  it('parses --claim-json values and repeated --aud', () => {
    const run = cli(
      [
        'generate',
        '--key',
        'k',
        '--no-store',
        '--claim-json',
        'n=5',
        '--claim-json',
        'tags=["a","b"]',
        '--aud',
        'x',
        '--aud',
        'y',
        '--json',
      ],
      { env: { AUTHTOKEN_SECRET: 's' } },
    );
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).claims).toMatchObject({ n: 5, tags: ['a', 'b'], aud: ['x', 'y'] });
  });

  it('refreshes a token through the credential file', () => {
    const generated = cli(['generate', '--key', 'refresh-key', '--ttl', '300'], {
      env: { AUTHTOKEN_SECRET: 'refresh-secret' },
    });
    const refreshed = cli(['refresh', generated.stdout.trim(), '--json']);
    expect(refreshed.stderr).toBe('');
    expect(refreshed.status).toBe(0);
    const { claims } = JSON.parse(refreshed.stdout);
    expect(claims.iss).toBe('refresh-key');
    expect(claims.exp - claims.iat).toBe(300);
  });

  it('refuses to refresh without a stored credential', () => {
    const token = cli(['generate', '--key', 'unstored', '--no-store'], {
      env: { AUTHTOKEN_SECRET: 's' },
    }).stdout.trim();
    const run = cli(['refresh', token]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[ERR_CREDENTIAL_NOT_FOUND]');
  });

  it('decodes a token', () => {
    const token = cli(['generate', '--key', 'decode-key', '--no-store'], {
      env: { AUTHTOKEN_SECRET: 's' },
    }).stdout.trim();
    const run = cli(['decode', token]);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(decode(token));
  });

  it('exits 1 for a token signed with another secret', () => {
    const token = cli(['generate', '--key', 'k', '--no-store'], { env: { AUTHTOKEN_SECRET: 'right' } }).stdout.trim();
    const run = cli(['verify', token], { env: { AUTHTOKEN_SECRET: 'wrong' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/signature does not match .*\[ERR_SIGNATURE_MISMATCH\]/);
    expect(run.stderr).not.toContain('wrong');
  });

  it('exits 1 for a malformed token, with a JSON error under --json', () => {
    const run = cli(['decode', 'abc.def', '--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'ERR_TOKEN_SEGMENTS' } });
  });

  it.each([
    [['generate', '--key', 'k'], 'missing secret'],
    [['generate'], 'missing key'],
    [['generate', '--key', 'k', '--ttl', '1h'], '--ttl must be a whole number of seconds'],
    [['generate', '--key', ' k'], 'leading or trailing whitespace'],
    [['generate', '--key', 'k', '--claim', 'novalue'], 'NAME=VALUE'],
    [['generate', '--key', 'k', '--claim-json', 'n={'], 'is not valid JSON'],
    [['generate', '--key', 'k', '--claim', 'exp=5'], 'registered claim'],
    [['decode'], 'missing TOKEN'],
    [['sign'], 'unknown command "sign"'],
    [['decode', 'x', '--bogus'], 'unknown option --bogus'],
    [['generate', '--key', 'k', '--ttl'], 'option --ttl needs a value'],
    [['generate', '--key', 'k', '--ttl', '0'], '--ttl must be a whole number from 1 to 31536000'],
    [['decode', 'a.b.c', 'd.e.f'], 'decode takes one TOKEN, but got 2 arguments'],
    [['refresh', 'a.b.c', 'extra'], 'refresh takes one TOKEN, but got 2 arguments'],
    [['verify', '-', '--secret-stdin'], 'the token and the secret cannot both come from standard input'],
  ])('exits 2 for usage error %j', (args, message) => {
    const env: Record<string, string> = message === 'missing secret' ? {} : { AUTHTOKEN_SECRET: 's' };
    const run = cli(args, { env });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('warns when the secret is on the command line', () => {
    const run = cli(['generate', '--key', 'k', '--no-store', '--secret', 'visible']);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('--secret puts the secret in shell history');
    expect(run.stderr).not.toContain('visible');
  });

  it('prints help to stderr without a command', () => {
    const run = cli([]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Usage: authtoken <command>');
  });

  it('tells where generate saved the secret', () => {
    const run = cli(['generate', '--key', 'notice-key'], { env: { AUTHTOKEN_SECRET: 'notice-secret' } });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(`saved the secret of key "notice-key" to ${storePath}`);
    expect(run.stderr).not.toContain('notice-secret');
    const again = cli(['generate', '--key', 'notice-key'], { env: { AUTHTOKEN_SECRET: 'notice-secret' } });
    expect(again.stderr).toBe('');
  });

  it('suggests the refresh command for an expired token', () => {
    const anHourAgo = Date.now() - 3_600_000;
    const token = generate('k', 's', { ttl: 60, clock: () => anHourAgo, store: false });
    const run = cli(['verify', token], { env: { AUTHTOKEN_SECRET: 's' } });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('run "authtoken refresh TOKEN" for a new one [ERR_TOKEN_EXPIRED]');
  });

  it('names the credential file when refresh finds no secret', () => {
    const token = cli(['generate', '--key', 'missing-key', '--no-store'], {
      env: { AUTHTOKEN_SECRET: 's' },
    }).stdout.trim();
    const run = cli(['refresh', token]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`no credential for key "missing-key" in ${storePath}`);
    expect(run.stderr).toContain('run "authtoken generate --key missing-key" without --no-store');
  });

  it('prints failed verify results on stdout under --json', () => {
    const token = cli(['generate', '--key', 'k', '--no-store'], { env: { AUTHTOKEN_SECRET: 'right' } }).stdout.trim();
    const run = cli(['verify', token, '--json'], { env: { AUTHTOKEN_SECRET: 'wrong' } });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ valid: false, error: { code: 'ERR_SIGNATURE_MISMATCH' } });
  });

  it('prints help with exit 0', () => {
    const run = cli(['--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Usage: authtoken <command>');
    expect(run.stdout).toContain('Exit codes: 0 success, 1 invalid token or failed operation, 2 usage error.');
  });

  it('runs the demo', () => {
    const run = cli(['demo']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"iss": "398e54e888da42f8d089je28c298o42b"');
  });
});
