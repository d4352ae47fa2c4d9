import { randomBytes, randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import { isUniqueViolation } from '../db/index.js';
import type { Database } from '../db/schema.js';
import { hashPassword } from './password.js';

/** Email of the first admin when AUTHTOKEN_ADMIN_EMAIL is not set. */
export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';

export type FirstAdminResult =
  /** An admin already existed, so nothing was created. */
  | { status: 'exists'; email: string }
  /**
   * The admin was created now. `generatedPassword` is the one-time password
   * when none was configured, else null. The caller prints it once and must
   * not log it.
   */
  | { status: 'created'; email: string; generatedPassword: string | null };

/** Raised when the configured admin email belongs to an account that is not an admin. */
export class FirstAdminError extends Error {
  readonly code = 'FIRST_ADMIN_EMAIL_TAKEN';
}

async function findAdminEmail(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('users')
    .select('email')
    .where('role', '=', 'admin')
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.email;
}

/**
 * Creates the first admin account unless an admin exists. The email and
 * password come from the configuration. A missing password is replaced by a
 * random one of 24 base64url characters (144 bits), which is returned once.
 */
export async function ensureFirstAdmin(
  db: Kysely<Database>,
  options: { email: string | undefined; password: string | undefined; now: number },
): Promise<FirstAdminResult> {
  const existing = await findAdminEmail(db);
  if (existing !== undefined) return { status: 'exists', email: existing };

  const email = options.email ?? DEFAULT_ADMIN_EMAIL;
  const generatedPassword = options.password === undefined ? randomBytes(18).toString('base64url') : null;
  const password = options.password ?? generatedPassword ?? '';

  try {
    await db
      .insertInto('users')
      .values({
        id: randomUUID(),
        email,
        name: 'Administrator',
        password_hash: await hashPassword(password),
        role: 'admin',
        created_at: options.now,
        updated_at: options.now,
      })
      .execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another instance sharing the database may have created the admin
    // between the check above and this insert.
    const raced = await findAdminEmail(db);
    if (raced !== undefined) return { status: 'exists', email: raced };
    throw new FirstAdminError(
      `The first admin email ${email} already belongs to a developer account; set AUTHTOKEN_ADMIN_EMAIL to another address`,
    );
  }
  return { status: 'created', email, generatedPassword };
}
