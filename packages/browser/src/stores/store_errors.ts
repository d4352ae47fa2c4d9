import { AuthTokenError, type AuthTokenErrorCode } from '@authtoken/core';

/** Name of an error-like value, such as a `DOMException`'s `QuotaExceededError`. */
function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : '';
}

/**
 * Tells whether `error` reports a full storage quota. Browsers name it `QuotaExceededError`;
 * Firefox before version 87 used `NS_ERROR_DOM_QUOTA_REACHED`, and legacy code 22 is the
 * `DOMException.QUOTA_EXCEEDED_ERR` constant.
 */
export function isQuotaError(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'QuotaExceededError' ||
    name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
    (error as { code?: unknown } | null)?.code === 22
  );
}

/** Tells whether `error` reports storage that the page may not use at all, such as a sandboxed iframe. */
export function isAccessError(error: unknown): boolean {
  const name = errorName(error);
  return name === 'SecurityError' || name === 'InvalidStateError' || name === 'NotAllowedError';
}

/**
 * Builds a store error worded "BACKEND failed to ACTION: PROBLEM". `action` completes "failed
 * to …", such as `write the credential for key "k"`, and `problem` names what went wrong and
 * the fix.
 */
export function storeFailure(
  code: AuthTokenErrorCode,
  backend: string,
  action: string,
  problem: string,
  cause?: unknown,
): AuthTokenError {
  return new AuthTokenError(code, `${backend} failed to ${action}: ${problem}`, { cause });
}

/**
 * Converts an exception thrown by a browser storage API into an `AuthTokenError`, keeping it
 * as `cause`. An `AuthTokenError` passes through unchanged.
 */
export function storeError(backend: string, action: string, cause: unknown): AuthTokenError {
  if (cause instanceof AuthTokenError) return cause;
  const name = errorName(cause);
  if (isQuotaError(cause)) {
    return storeFailure(
      'ERR_STORE_QUOTA_EXCEEDED',
      backend,
      action,
      'storage is full; remove data this site stored or free disk space',
      cause,
    );
  }
  if (isAccessError(cause)) {
    return storeFailure(
      'ERR_STORE_UNAVAILABLE',
      backend,
      action,
      `it is not available to this page (${name}), as in private windows and sandboxed iframes; use another store`,
      cause,
    );
  }
  return storeFailure('ERR_STORE_FAILED', backend, action, name || 'unknown error', cause);
}
