import { AuthTokenError, type AuthTokenErrorCode } from '../errors.js';

/**
 * Builds the error for a value that breaks a rule, worded "SUBJECT must be EXPECTED, but got
 * ACTUAL". The caller describes the value, so it decides how much of it the message shows.
 */
export function mustBe(
  code: AuthTokenErrorCode,
  subject: string,
  expected: string,
  actual: string,
  claim?: string,
): AuthTokenError {
  return new AuthTokenError(code, `${subject} must be ${expected}, but got ${actual}`, { claim });
}
