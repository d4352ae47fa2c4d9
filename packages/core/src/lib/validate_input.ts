import { AuthTokenError } from '../errors.js';
import type { Clock } from '../types.js';
import type { VerificationSecret } from '../runtime.js';
import { describe, quote } from './quote.js';
import { MAX_KEY_LENGTH, MAX_NUMERIC_DATE, MAX_SECRET_LENGTH } from './limits.js';
import { mustBe } from './messages.js';

// Control characters would corrupt log lines and headers; C0, DEL and C1 are rejected.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

const CLOCK_RULE = 'a function returning milliseconds since the epoch';

/** Checks a credential key and returns it typed. */
export function checkKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw mustBe('ERR_INVALID_KEY', 'key', 'a non-empty string', describe(key));
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new AuthTokenError(
      'ERR_INVALID_KEY',
      `key ${quote(key)} is longer than ${MAX_KEY_LENGTH} characters; check that the key and the secret are not swapped`,
    );
  }
  if (CONTROL_CHARACTER.test(key)) {
    throw new AuthTokenError('ERR_INVALID_KEY', `key ${quote(key)} contains a control character; remove it`);
  }
  if (key.trim() !== key) {
    throw new AuthTokenError('ERR_INVALID_KEY', `key ${quote(key)} has leading or trailing whitespace; remove it`);
  }
  return key;
}

/** Describes a secret by its type alone, so that no part of it reaches a message. */
function describeSecretType(secret: unknown): string {
  return secret === null ? 'null' : `a value of type ${typeof secret}`;
}

/** Checks a secret given as text, as `generate` takes it. The message never shows the secret. */
export function checkSecretText(secret: unknown): string {
  if (typeof secret !== 'string') {
    throw mustBe('ERR_INVALID_SECRET', 'secret', 'a string', describeSecretType(secret));
  }
  checkSecretLength(secret.length, 'characters');
  return secret;
}

/** Checks a secret as `verify` takes it: text, bytes or a platform key handle. */
export function checkVerificationSecret(secret: unknown): VerificationSecret {
  if (typeof secret === 'string') {
    checkSecretLength(secret.length, 'characters');
    return secret;
  }
  if (secret instanceof Uint8Array) {
    checkSecretLength(secret.length, 'bytes');
    return secret;
  }
  if (typeof secret === 'object' && secret !== null && (secret as { type?: unknown }).type === 'secret') {
    return secret as VerificationSecret;
  }
  throw mustBe(
    'ERR_INVALID_SECRET',
    'secret',
    'a string, a Uint8Array or a secret key object',
    describeSecretType(secret),
  );
}

function checkSecretLength(length: number, unit: 'characters' | 'bytes'): void {
  if (length === 0) {
    throw new AuthTokenError('ERR_INVALID_SECRET', 'secret is empty; pass the secret issued with the key');
  }
  if (length > MAX_SECRET_LENGTH) {
    throw new AuthTokenError(
      'ERR_INVALID_SECRET',
      `secret is ${length} ${unit} long; the maximum is ${MAX_SECRET_LENGTH} ${unit}`,
    );
  }
}

/** Checks a whole-number option within `[min, max]`, returning `fallback` when it is unset. */
export function checkInteger(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw mustBe('ERR_INVALID_OPTION', `option ${name}`, `a whole number from ${min} to ${max}`, describe(value));
  }
  return value;
}

/** Checks a number option within `[min, max]`, returning `fallback` when it is unset. */
export function checkNumber(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw mustBe('ERR_INVALID_OPTION', `option ${name}`, `a number from ${min} to ${max}`, describe(value));
  }
  return value;
}

/** Checks an optional non-empty string option. */
export function checkText(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw mustBe('ERR_INVALID_OPTION', `option ${name}`, 'a non-empty string', describe(value));
  }
  return value;
}

/** Checks an optional string-or-list option such as an audience, returning a list. */
export function checkTextList(name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.length === 0 || list.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw mustBe(
      'ERR_INVALID_OPTION',
      `option ${name}`,
      'a non-empty string or a non-empty array of them',
      describe(value),
    );
  }
  return list as string[];
}

/** Checks an absolute time option given in seconds since the epoch, such as `nbf`. */
export function checkEpochSeconds(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > MAX_NUMERIC_DATE) {
    throw new AuthTokenError(
      'ERR_INVALID_OPTION',
      `option ${name} is ${value}, which looks like milliseconds since the epoch; pass seconds (divide it by 1000)`,
    );
  }
  return checkInteger(name, value, 0, MAX_NUMERIC_DATE, 0);
}

/** Reads the clock and returns whole seconds since the epoch. */
export function readClock(clock: Clock | undefined): number {
  if (clock === undefined) return Math.floor(Date.now() / 1000);
  if (typeof clock !== 'function') {
    throw mustBe('ERR_INVALID_OPTION', 'option clock', CLOCK_RULE, describe(clock));
  }
  const milliseconds = clock();
  if (typeof milliseconds !== 'number' || !Number.isFinite(milliseconds) || milliseconds < 0) {
    throw mustBe('ERR_INVALID_OPTION', 'option clock', CLOCK_RULE, `one that returned ${describe(milliseconds)}`);
  }
  return Math.floor(milliseconds / 1000);
}
