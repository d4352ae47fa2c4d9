import type { FirstAdminResult } from './auth/first-admin.js';
import type { DatabaseHandle } from './db/index.js';

/**
 * Formats the lines printed to stderr after start: the address, the
 * database, and how to sign in as the first admin. When a one-time password
 * was generated, it is on one line of its own with a clear label. These lines
 * bypass the JSON logger on purpose so the password never enters log storage
 * that keeps only stdout.
 */
export function formatStartupBanner(url: string, database: DatabaseHandle, firstAdmin: FirstAdminResult): string {
  const databaseName = database.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const signInExample =
    `curl -s ${url}/trpc/auth.signIn -H 'content-type: application/json' ` +
    `-d '{"email":"${firstAdmin.email}","password":"<password>","session":"bearer"}'`;
  const lines = [`authtoken server listening at ${url} (${databaseName}: ${database.location})`];

  if (firstAdmin.status === 'exists') {
    lines.push(`Sign in with an admin account, such as ${firstAdmin.email}.`);
  } else if (firstAdmin.generatedPassword === null) {
    lines.push(`First admin created: sign in as ${firstAdmin.email} with the password in AUTHTOKEN_ADMIN_PASSWORD.`);
  } else {
    lines.push(
      `First admin created: sign in as ${firstAdmin.email} with the one-time password below.`,
      'It is shown only this once; keep it in a password manager, or replace it with auth.changePassword.',
      `ONE-TIME ADMIN PASSWORD: ${firstAdmin.generatedPassword}`,
    );
  }
  lines.push(`Sign in from a script: ${signInExample}`);
  return `${lines.join('\n')}\n`;
}
