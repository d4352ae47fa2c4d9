/**
 * Normalises an email address for storage and lookup: surrounding white
 * space is removed and the whole address is lower-cased. Lower-casing the
 * local part goes beyond RFC 5321, but the major mail providers treat it
 * case-insensitively and users expect "Ada@Example.com" to sign in as
 * "ada@example.com".
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
