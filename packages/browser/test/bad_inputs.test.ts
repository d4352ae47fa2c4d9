import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { argumentsFor, BAD_INPUT_CASES, type BadInputCase } from '../../core/test/bad_inputs.js';
import * as browser from '../src/index.js';
import * as classic from '../src/classic/global.js';

type Call = (...args: unknown[]) => unknown;

/** Runs one case and returns the error code it failed with, or a note that it did not fail. */
async function codeOf(testCase: BadInputCase, api: Record<string, unknown>, store: unknown): Promise<string> {
  try {
    await (api[testCase.fn] as Call)(...argumentsFor(testCase, store));
  } catch (error) {
    return browser.isAuthTokenError(error) ? error.code : `not an AuthTokenError: ${String(error)}`;
  }
  return 'no error';
}

function memoryStoreFor(testCase: BadInputCase): browser.MemoryCredentialStore {
  const store = new browser.MemoryCredentialStore();
  for (const [key, secret] of Object.entries(testCase.seed ?? {})) store.set(key, secret);
  return store;
}

describe('bad inputs through the WebCrypto API', () => {
  it.each(BAD_INPUT_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    await expect(codeOf(testCase, browser, memoryStoreFor(testCase))).resolves.toBe(testCase.code);
  });
});

describe('bad inputs through the classic build', () => {
  it.each(BAD_INPUT_CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    await expect(codeOf(testCase, classic, memoryStoreFor(testCase))).resolves.toBe(testCase.code);
  });
});

describe('bad refresh inputs with the IndexedDB store', () => {
  const refreshCases = BAD_INPUT_CASES.filter((testCase) => testCase.fn === 'refresh');

  it('covers refresh cases', () => {
    expect(refreshCases.length).toBeGreaterThan(0);
  });

  it.each(refreshCases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const store = new browser.IndexedDbCredentialStore({ indexedDB: new IDBFactory() });
    for (const [key, secret] of Object.entries(testCase.seed ?? {})) await store.set(key, secret);
    await expect(codeOf(testCase, browser, store)).resolves.toBe(testCase.code);
    store.close();
  });
});
