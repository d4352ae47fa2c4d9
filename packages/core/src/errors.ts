/**
 * Stable, machine-readable error codes. A code never changes meaning once released; new
 * conditions get new codes. `docs/errors.md` documents each one, and a test keeps the two
 * lists equal.
 */
export const ERROR_CODES = [
  // Caller input.
  'ERR_INVALID_KEY',
  'ERR_INVALID_SECRET',
  'ERR_INVALID_OPTION',
  'ERR_RESERVED_CLAIM',
  'ERR_INVALID_CLAIM_VALUE',

  // Token structure.
  'ERR_TOKEN_NOT_STRING',
  'ERR_TOKEN_TOO_LONG',
  'ERR_TOKEN_SEGMENTS',
  'ERR_TOKEN_BASE64URL',
  'ERR_TOKEN_PADDING',
  'ERR_TOKEN_JSON',
  'ERR_TOKEN_NOT_OBJECT',
  'ERR_TOKEN_HEADER',
  'ERR_ALG_UNSUPPORTED',

  // Claims.
  'ERR_CLAIM_TYPE',
  'ERR_CLAIM_MILLISECONDS',
  'ERR_CLAIM_MISSING',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_AUDIENCE_MISMATCH',
  'ERR_ISSUER_MISMATCH',
  'ERR_SUBJECT_MISMATCH',

  // Signature and credentials.
  'ERR_SIGNATURE_MISMATCH',
  'ERR_CREDENTIAL_NOT_FOUND',

  // Credential stores.
  'ERR_STORE_FAILED',
  'ERR_STORE_CORRUPT',
  'ERR_STORE_UNAVAILABLE',
  'ERR_STORE_QUOTA_EXCEEDED',
  'ERR_STORE_ASYNC',

  // Platform.
  'ERR_CRYPTO_UNAVAILABLE',
] as const;

/** Union of every code an {@link AuthTokenError} can carry; narrow on it with `switch`. */
export type AuthTokenErrorCode = (typeof ERROR_CODES)[number];

/** Options for {@link AuthTokenError}: the claim or segment at fault and the underlying cause. */
export interface AuthTokenErrorOptions {
  /** Registered or custom claim name that failed a check, such as `exp`. */
  claim?: string;
  /** Underlying error, kept for logs; never contains the secret. */
  cause?: unknown;
}

/**
 * The one error class of the suite. Every failure, from a bad argument to a corrupt store,
 * is an `AuthTokenError` with a stable `code`. Messages name the bad value and the fix. They
 * never contain a secret, and they quote at most the first 40 characters of a token or key.
 *
 * @example
 * ```ts
 * try {
 *   verify(token, secret);
 * } catch (error) {
 *   if (isAuthTokenError(error) && error.code === 'ERR_TOKEN_EXPIRED') {
 *     token = refresh(token);
 *   }
 * }
 * ```
 */
export class AuthTokenError extends Error {
  override readonly name = 'AuthTokenError';
  readonly code: AuthTokenErrorCode;
  readonly claim: string | undefined;

  constructor(code: AuthTokenErrorCode, message: string, options: AuthTokenErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.claim = options.claim;
  }
}

/**
 * Tells whether `value` is an {@link AuthTokenError}, also across bundle copies of this
 * package, where `instanceof` fails.
 */
export function isAuthTokenError(value: unknown): value is AuthTokenError {
  if (value instanceof AuthTokenError) return true;
  if (!(value instanceof Error) || value.name !== 'AuthTokenError') return false;
  const code: unknown = (value as { code?: unknown }).code;
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
