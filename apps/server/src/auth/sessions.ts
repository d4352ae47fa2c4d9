import { createHash, randomBytes, randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { Database, Session, User } from '../db/schema.js';

/** Name of the cookie that carries the session token for browsers. */
export const SESSION_COOKIE_NAME = 'authtoken_session';

/** Session lifetimes, in seconds. */
export interface SessionPolicy {
  ttlSeconds: number;
  idleTimeoutSeconds: number;
}

/** Reason a presented token does not open a session. */
export type SessionRejection = 'unknown' | 'revoked' | 'expired' | 'idle';

export type SessionLookup = { ok: true; session: Session; user: User } | { ok: false; reason: SessionRejection };

/** Creates an opaque session token: 32 random bytes, base64url, 43 characters. */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Hashes a session token for storage. The token already carries 256 random
 * bits, so a fast unsalted SHA-256 is enough: a leaked table cannot be
 * turned back into tokens, and lookups stay one indexed equality.
 */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Inserts a session for a user and returns the row with the token. Only the hash of the token is stored. */
export async function createSession(
  db: Kysely<Database>,
  userId: string,
  now: number,
  policy: SessionPolicy,
): Promise<{ session: Session; token: string }> {
  const token = generateSessionToken();
  const session: Session = {
    id: randomUUID(),
    token_hash: hashSessionToken(token),
    user_id: userId,
    created_at: now,
    expires_at: now + policy.ttlSeconds * 1000,
    last_used_at: now,
    revoked_at: null,
  };
  await db.insertInto('sessions').values(session).execute();
  return { session, token };
}

/**
 * Finds the session for a token and its user, and records the use so the
 * idle timeout restarts. A session is rejected once revoked, once past its
 * absolute expiry, or when unused for longer than the idle timeout.
 */
export async function useSession(
  db: Kysely<Database>,
  token: string,
  now: number,
  policy: SessionPolicy,
): Promise<SessionLookup> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select([
      'users.email',
      'users.name',
      'users.password_hash',
      'users.role',
      'users.created_at as user_created_at',
      'users.updated_at as user_updated_at',
    ])
    .where('sessions.token_hash', '=', hashSessionToken(token))
    .executeTakeFirst();

  if (row === undefined) return { ok: false, reason: 'unknown' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
  if (now >= row.expires_at) return { ok: false, reason: 'expired' };
  if (now - row.last_used_at >= policy.idleTimeoutSeconds * 1000) return { ok: false, reason: 'idle' };

  // Recording every use would make each authenticated request a database write. Uses closer
  // together than a twentieth of the idle timeout (at most one minute) are not recorded, so a
  // session can idle out up to that much early.
  const touchIntervalMs = Math.min(60_000, (policy.idleTimeoutSeconds * 1000) / 20);
  const lastUsedAt = now - row.last_used_at >= touchIntervalMs ? now : row.last_used_at;
  if (lastUsedAt === now) {
    await db.updateTable('sessions').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }

  const session: Session = {
    id: row.id,
    token_hash: row.token_hash,
    user_id: row.user_id,
    created_at: row.created_at,
    expires_at: row.expires_at,
    last_used_at: lastUsedAt,
    revoked_at: null,
  };
  const user: User = {
    id: row.user_id,
    email: row.email,
    name: row.name,
    password_hash: row.password_hash,
    role: row.role,
    created_at: row.user_created_at,
    updated_at: row.user_updated_at,
  };
  return { ok: true, session, user };
}

/** Marks a session revoked, so its token stops working at once. */
export async function revokeSession(db: Kysely<Database>, sessionId: string, now: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Deletes sessions that can no longer be used: past expiry, idle too long,
 * or revoked. Returns how many rows were removed.
 */
export async function deleteDeadSessions(db: Kysely<Database>, now: number, policy: SessionPolicy): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', now),
        eb('last_used_at', '<=', now - policy.idleTimeoutSeconds * 1000),
        eb('revoked_at', 'is not', null),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
