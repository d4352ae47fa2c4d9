import type { User } from './db/schema.js';

/** A user as procedures return it: everything except the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  name: string;
  role: User['role'];
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.created_at };
}
