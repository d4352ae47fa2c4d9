import type { MaybePromise } from '@authtoken/core';

/**
 * Place where a credential store also keeps the latest token of each credential, so that a
 * token client can resume after a page reload and share tokens with other tabs. The stores of
 * this package implement it; `TokenClient` uses it when the store it is given has both methods.
 */
export interface TokenCache {
  /** Returns the latest stored token for `key`, or `undefined` when there is none. */
  getToken(key: string): MaybePromise<string | undefined>;
  /** Stores `token` as the latest token for `key`. */
  setToken(key: string, token: string): MaybePromise<void>;
}

/** Tells whether `store` also implements {@link TokenCache}. */
export function hasTokenCache(store: object): store is TokenCache {
  const candidate = store as Partial<TokenCache>;
  return typeof candidate.getToken === 'function' && typeof candidate.setToken === 'function';
}
