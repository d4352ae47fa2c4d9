import { describe, expect, it } from 'vitest';
import { MemoryCredentialStore } from '@authtoken/core';
import * as syncApi from '../src/index.js';
import * as asyncApi from '../src/async.js';
import { argumentsFor, BAD_INPUT_CASES, type BadInputCase } from '../../core/test/bad_inputs.js';

const SECRETS_IN_TABLE = ['table-secret-0123456789abcdef', 'sample-secret', 'wrong-secret'];

function freshStore(testCase: BadInputCase): MemoryCredentialStore {
  const store = new MemoryCredentialStore();
  for (const [key, secret] of Object.entries(testCase.seed ?? {})) store.set(key, secret);
  return store;
}

function callSync(testCase: BadInputCase): unknown {
  const fn = syncApi[testCase.fn] as (...args: unknown[]) => unknown;
  return fn(...argumentsFor(testCase, freshStore(testCase)));
}

async function callAsync(testCase: BadInputCase): Promise<unknown> {
  const fn = asyncApi[testCase.fn] as (...args: unknown[]) => Promise<unknown>;
  return fn(...argumentsFor(testCase, freshStore(testCase)));
}

describe('bad input table, synchronous API', () => {
  it.each(BAD_INPUT_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', (_name, testCase) => {
    let caught: unknown;
    try {
      callSync(testCase);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(syncApi.AuthTokenError);
    const error = caught as syncApi.AuthTokenError;
    expect(error.code).toBe(testCase.code);
    expect(error.message.length).toBeGreaterThan(20);
    for (const secret of SECRETS_IN_TABLE) {
      expect(error.message).not.toContain(secret);
    }
  });
});

describe('bad input table, asynchronous API', () => {
  it.each(BAD_INPUT_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const result = callAsync(testCase);
    await expect(result).rejects.toBeInstanceOf(asyncApi.AuthTokenError);
    await expect(result).rejects.toMatchObject({ code: testCase.code });
  });
});

describe('error messages', () => {
  it('never contain a long secret', () => {
    const secret = `very-secret-${'x'.repeat(5000)}`;
    expect(() => syncApi.generate('k', secret)).toThrow(/secret is 5012 characters long; the maximum is 4096/);
    expect(() => syncApi.generate('k', secret)).not.toThrow(/very-secret/);
  });

  it('name the bad claim', () => {
    expect(() => syncApi.decode('eyJhbGciOiJIUzI1NiJ9.eyJleHAiOiIxMCJ9.AAAA')).toThrow(
      expect.objectContaining({ code: 'ERR_CLAIM_TYPE', claim: 'exp', message: expect.stringContaining('"exp"') }),
    );
  });
});
