import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AuthTokenError, ERROR_CODES, isAuthTokenError } from './errors.js';

const catalog = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalog', () => {
  it('documents exactly the codes the code defines', () => {
    const documented = [...catalog.matchAll(/^\| `(ERR_[A-Z0-9_]+)` +\|/gmu)].map((match) => match[1]);
    expect([...documented].sort()).toEqual([...ERROR_CODES].sort());
  });
});

describe('isAuthTokenError', () => {
  it('recognises errors from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { name: 'AuthTokenError', code: 'ERR_TOKEN_EXPIRED' });
    expect(isAuthTokenError(foreign)).toBe(true);
  });

  it('rejects look-alikes with unknown codes', () => {
    const foreign = Object.assign(new Error('x'), { name: 'AuthTokenError', code: 'ERR_SOMETHING_ELSE' });
    expect(isAuthTokenError(foreign)).toBe(false);
    expect(isAuthTokenError(new Error('x'))).toBe(false);
  });

  it('keeps code, claim and cause', () => {
    const cause = new Error('inner');
    const error = new AuthTokenError('ERR_CLAIM_TYPE', 'bad', { claim: 'exp', cause });
    expect(error).toMatchObject({ name: 'AuthTokenError', code: 'ERR_CLAIM_TYPE', claim: 'exp', cause });
  });
});
