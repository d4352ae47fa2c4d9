import type { Generated, Insertable, Selectable } from 'kysely';

/** Roles a user can hold. Admins may call the admin procedures. */
export const ROLES = ['developer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

// Times are stored as integers in milliseconds since the epoch, the same
// column type (BIGINT) on SQLite and PostgreSQL.

export interface UsersTable {
  id: string;
  /** Trimmed, lower-cased address, unique. */
  email: string;
  name: string;
  /** Argon2id hash in PHC string form. */
  password_hash: string;
  role: Role;
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the session token in hex. The token itself is never stored. */
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  revoked_at: number | null;
}

/** One fixed window of counted attempts for one rate-limit key. */
export interface RateLimitsTable {
  key: string;
  window_started_at: number;
  attempts: Generated<number>;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Session = Selectable<SessionsTable>;
