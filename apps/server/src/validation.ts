import { z } from 'zod';

import { normalizeEmail } from './auth/email.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './config.js';
import { ROLES } from './db/schema.js';

// Input schemas shared by the routers. Messages name the rule, never the
// submitted value, because some of these fields are passwords.

/** RFC 5321 limits a forward path to 256 octets, which leaves 254 for the address. */
const MAX_EMAIL_LENGTH = 254;
const MAX_NAME_LENGTH = 100;

export const emailInput = z
  .string({ message: 'Email must be a string' })
  .transform(normalizeEmail)
  .pipe(
    z
      .email({ message: 'Email must be a valid address such as ada@example.com' })
      .max(MAX_EMAIL_LENGTH, { message: `Email must have at most ${MAX_EMAIL_LENGTH} characters` }),
  );

/** Password policy for new passwords: length only, as NIST SP 800-63B recommends over composition rules. */
export const newPasswordInput = z
  .string({ message: 'Password must be a string' })
  .min(MIN_PASSWORD_LENGTH, { message: `Password must have at least ${MIN_PASSWORD_LENGTH} characters` })
  .max(MAX_PASSWORD_LENGTH, { message: `Password must have at most ${MAX_PASSWORD_LENGTH} characters` })
  .refine((password) => password.trim().length > 0, { message: 'Password must not be only white space' });

/** Password presented at sign-in. The length policy is not applied, so older accounts can still sign in. */
export const presentedPasswordInput = z
  .string({ message: 'Password must be a string' })
  .min(1, { message: 'Password is required' })
  .max(MAX_PASSWORD_LENGTH, { message: `Password must have at most ${MAX_PASSWORD_LENGTH} characters` });

export const nameInput = z
  .string({ message: 'Name must be a string' })
  .trim()
  .min(1, { message: 'Name is required' })
  .max(MAX_NAME_LENGTH, { message: `Name must have at most ${MAX_NAME_LENGTH} characters` });

/**
 * Delivery of the new session token. `cookie` (for browsers) sets an
 * HttpOnly cookie and keeps the token out of the response body. `bearer`
 * (for scripts) returns it in the body for an `Authorization: Bearer` header.
 */
export const sessionDeliveryInput = z
  .enum(['cookie', 'bearer'], { message: 'Session must be "cookie" or "bearer"' })
  .default('cookie');

export const roleInput = z.enum(ROLES, { message: `Role must be one of ${ROLES.join(', ')}` });

export const userIdInput = z.uuid({ message: 'User id must be a UUID' });
