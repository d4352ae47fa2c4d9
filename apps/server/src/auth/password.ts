import { randomBytes } from 'node:crypto';

import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * Argon2id parameters: 19 MiB of memory, 2 passes, 1 lane, the first
 * configuration OWASP's Password Storage Cheat Sheet lists for Argon2id.
 * `algorithm` is left unset because @node-rs/argon2 2.x defaults to
 * Argon2id, and its `Algorithm` const enum cannot be read under
 * isolatedModules. Stored hashes keep their own parameters, so raising these
 * later still verifies old hashes.
 */
export const ARGON2_OPTIONS: Readonly<Options> = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
};

/** Hashes a password with Argon2id and returns the PHC string to store. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Checks a password against a stored hash. Rejects when the stored hash is
 * malformed, which is a data fault that callers report as an internal error.
 */
export function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  return verify(storedHash, password);
}

/**
 * Verifies passwords for emails that have no account against a hash of a
 * random value, so an unknown email costs the same Argon2 work as a wrong
 * password and the response time does not reveal which accounts exist.
 */
export class UnknownAccountVerifier {
  private readonly hashPromise = hashPassword(randomBytes(32).toString('base64url'));

  /** Runs a full verification that always fails, and resolves to false. */
  async verify(password: string): Promise<false> {
    await verifyPassword(await this.hashPromise, password);
    return false;
  }
}
