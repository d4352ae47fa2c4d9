import { describe, expect, it } from 'vitest';

import { formatStartupBanner } from '../src/banner.js';
import type { DatabaseHandle } from '../src/db/index.js';

const sqlite = { kind: 'sqlite', location: '/srv/data/authtoken.sqlite' } as DatabaseHandle;
const postgres = { kind: 'postgres', location: 'db.internal:5432/authtoken' } as DatabaseHandle;
const URL = 'http://127.0.0.1:3000';

describe('formatStartupBanner', () => {
  it('shows a generated password on one labelled line', () => {
    const banner = formatStartupBanner(URL, sqlite, {
      status: 'created',
      email: 'admin@example.com',
      generatedPassword: 'Zq3-one-time-password',
    });
    const lines = banner.trimEnd().split('\n');

    expect(lines[0]).toBe('authtoken server listening at http://127.0.0.1:3000 (SQLite: /srv/data/authtoken.sqlite)');
    expect(lines.filter((line) => line.includes('Zq3-one-time-password'))).toEqual([
      'ONE-TIME ADMIN PASSWORD: Zq3-one-time-password',
    ]);
    expect(banner).toContain('sign in as admin@example.com with the one-time password below');
    expect(banner).toContain(`curl -s ${URL}/trpc/auth.signIn`);
  });

  it('points to the configured password', () => {
    const banner = formatStartupBanner(URL, postgres, {
      status: 'created',
      email: 'ops@example.com',
      generatedPassword: null,
    });
    expect(banner).toContain('(PostgreSQL: db.internal:5432/authtoken)');
    expect(banner).toContain('sign in as ops@example.com with the password in AUTHTOKEN_ADMIN_PASSWORD');
    expect(banner).not.toContain('ONE-TIME');
  });

  it('names an existing admin on later starts', () => {
    const banner = formatStartupBanner(URL, sqlite, { status: 'exists', email: 'boss@example.com' });
    expect(banner).toContain('Sign in with an admin account, such as boss@example.com.');
    expect(banner).not.toContain('ONE-TIME');
  });
});
