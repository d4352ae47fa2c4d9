import {
  AuthTokenError,
  checkCredentialStore,
  isAuthTokenError,
  validateGenerateInput,
  type Clock,
  type CredentialStore,
  type JsonValue,
} from '@authtoken/core';
import { isTokenMessage, openChannel, withLock, type TokenMessage } from './cross_tab.js';
import { defaultStore } from './runtime.js';
import { hasTokenCache, type TokenCache } from './stores/token_cache.js';
import { decode, generate, refresh } from './token_api.js';

/** Options of {@link TokenClient}. */
export interface TokenClientOptions {
  /** The credential key; it becomes the `iss` claim of every token. */
  key: string;
  /**
   * The credential secret. With it the client mints each token with `generate`. Without it the
   * client resumes from the latest token in `store` and renews it with `refresh`, so a client
   * on a persistent store works after a page reload without the secret.
   */
  secret?: string;
  /**
   * Credential store for the secret and, when it implements {@link TokenCache}, for the latest
   * token. Default: the page's shared in-memory store.
   */
  store?: CredentialStore;
  /** Lifetime of minted tokens in seconds. Default 3600, or for a refresh the old lifetime. */
  ttl?: number;
  /** Audience claim `aud` of tokens minted with the secret. */
  aud?: string | string[];
  /** Subject claim `sub` of tokens minted with the secret. */
  sub?: string;
  /** Custom claims of tokens minted with the secret. */
  claims?: Record<string, JsonValue>;
  /**
   * Seconds before `exp` at which a token counts as due for renewal, a whole number from 0 to
   * 3600. Default 60. For tokens that live less than twice as long, half the lifetime is used.
   */
  leeway?: number;
  /** Whether to renew the token when it falls due, without a `getToken` call. Default `true`. */
  backgroundRefresh?: boolean;
  /**
   * Coordinate with clients for the same key in other tabs of this origin: one renewal at a
   * time under a Web Lock, and new tokens announced on a BroadcastChannel. Default `true`.
   */
  crossTab?: boolean;
  /**
   * Name of the Web Lock and the BroadcastChannel, a non-empty string that does not start with
   * `-`, because the Web Locks API reserves such names. Default `'authtoken:' + key`.
   */
  crossTabName?: string;
  /**
   * Milliseconds to wait for another tab's renewal to release the Web Lock, a whole number from
   * 1 to 600 000. Default 10 000. After that the client renews without the lock, so a tab that
   * hangs while holding it (for example paused in a debugger) cannot stall the others.
   */
  lockTimeout?: number;
  /** Clock returning milliseconds since the epoch, for `iat`, `exp` and renewal times. Default `Date.now`. */
  clock?: Clock;
}

/** Listener for new tokens. */
export type TokenListener = (token: string) => void;
/** Listener for errors that no caller of `getToken` receives, such as a failed background renewal. */
export type ErrorListener = (error: unknown) => void;

interface CurrentToken {
  token: string;
  /** Seconds since the epoch. */
  issuedAt: number | undefined;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const MAX_LEEWAY = 3600;
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
const MAX_LOCK_TIMEOUT_MS = 600_000;
const DEFAULT_LEEWAY = 60;
/** Pause before a failed background renewal is tried again, in milliseconds. */
const RETRY_DELAY = 30_000;
/**
 * Maximum pause between background checks of the token, in milliseconds. Timers stop while the
 * device sleeps but the wall clock moves on, so a timer set for the due time alone would fire
 * late, and it would miss a forward jump of the clock. It must stay below 2^31 - 1 ms, because
 * `setTimeout` fires at once for longer delays.
 */
const MAX_CHECK_INTERVAL = 60_000;

/**
 * Keeps a valid token for one credential at hand. `getToken()` resolves to the current token
 * and renews it shortly before it expires. Concurrent calls share one renewal, and so do the
 * tabs of the origin when they share a persistent store. Subscribers receive every new token.
 *
 * @example
 * ```ts
 * const store = new IndexedDbCredentialStore();
 * const client = new TokenClient({ key, secret, store });
 * client.onTokenChange((token) => { config.authToken = token; });
 * await fetch(url, { headers: { Authorization: `Bearer ${await client.getToken()}` } });
 * ```
 */
export class TokenClient {
  readonly #key: string;
  readonly #secret: string | undefined;
  readonly #store: CredentialStore;
  readonly #cache: TokenCache | undefined;
  readonly #mintOptions: Pick<TokenClientOptions, 'ttl' | 'aud' | 'sub' | 'claims'>;
  readonly #leeway: number;
  readonly #clock: Clock;
  readonly #backgroundRefresh: boolean;
  readonly #lockName: string | undefined;
  readonly #lockTimeout: number;
  readonly #channel: BroadcastChannel | undefined;
  readonly #tokenListeners = new Set<TokenListener>();
  readonly #errorListeners = new Set<ErrorListener>();
  #current: CurrentToken | undefined;
  #renewal: Promise<string> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: TokenClientOptions) {
    const checked = checkOptions(options);
    this.#key = checked.key;
    this.#secret = checked.secret;
    this.#store = checked.store;
    this.#cache = hasTokenCache(checked.store) ? checked.store : undefined;
    this.#mintOptions = { ttl: options.ttl, aud: options.aud, sub: options.sub, claims: options.claims };
    this.#leeway = checked.leeway;
    this.#clock = checked.clock;
    this.#backgroundRefresh = checked.backgroundRefresh;
    this.#lockTimeout = checked.lockTimeout;

    if (checked.crossTab) {
      const name = checked.crossTabName ?? `authtoken:${checked.key}`;
      this.#lockName = name;
      this.#channel = openChannel(name);
      if (this.#channel !== undefined) {
        this.#channel.onmessage = (event: MessageEvent) => {
          void this.#receive(event.data);
        };
      }
    }
  }

  /**
   * Resolves to a token that stays valid for at least the leeway, minting or refreshing one
   * when the current token is missing or due. Calls made while a renewal runs share it.
   *
   * @throws {AuthTokenError} `ERR_CREDENTIAL_NOT_FOUND` when the client has no secret and the
   *   store contains no token or credential for the key, or any code of `generate` and `refresh`.
   */
  getToken(): Promise<string> {
    const current = this.#current;
    if (current !== undefined && this.#isFresh(current)) return Promise.resolve(current.token);
    if (this.#renewal === undefined) {
      const renewal = this.#renew().finally(() => {
        this.#renewal = undefined;
      });
      this.#renewal = renewal;
    }
    return this.#renewal;
  }

  /**
   * Calls `listener` with each new token, whether this client minted it, another tab did, or it
   * was read from the store. It is not called for the token at hand when it subscribes.
   *
   * @returns A function that removes the listener.
   */
  onTokenChange(listener: TokenListener): () => void {
    return subscribe(this.#tokenListeners, listener, 'onTokenChange');
  }

  /**
   * Calls `listener` with errors that reach no caller: a failed background renewal, a token
   * that could not be written to the store, or an exception thrown by a token listener.
   * Without an error listener, exceptions thrown by token listeners are rethrown from a timer,
   * so they reach `window.onerror`.
   *
   * @returns A function that removes the listener.
   */
  onError(listener: ErrorListener): () => void {
    return subscribe(this.#errorListeners, listener, 'onError');
  }

  /**
   * Stops background renewal and cross-tab messages and removes all listeners. `getToken`
   * keeps working afterwards, renewing only when called.
   */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#channel?.close();
    this.#tokenListeners.clear();
    this.#errorListeners.clear();
  }

  async #renew(): Promise<string> {
    const task = async (): Promise<string> => {
      // While this call waited for the lock, another tab may have announced a fresh token.
      const current = this.#current;
      if (current !== undefined && this.#isFresh(current)) return current.token;

      const cached = await this.#readCachedToken();
      if (cached !== undefined && this.#isFresh(cached) && (await this.#isOwnToken(cached))) {
        this.#adopt(cached, false);
        return cached.token;
      }

      const base = latest(cached, current);
      const token = await this.#mint(base?.token);
      const minted = await this.#inspect(token);
      await this.#writeCachedToken(token);
      this.#adopt(minted, true);
      return token;
    };
    return this.#lockName === undefined ? task() : withLock(this.#lockName, task, this.#lockTimeout);
  }

  #mint(base: string | undefined): Promise<string> {
    const clock = this.#clock;
    if (this.#secret !== undefined) {
      return generate(this.#key, this.#secret, { ...this.#mintOptions, store: this.#store, clock });
    }
    if (base === undefined) {
      throw new AuthTokenError(
        'ERR_CREDENTIAL_NOT_FOUND',
        `no token for key ${JSON.stringify(this.#key)} is stored and the client has no secret; pass the secret option once, with a persistent store to resume after a reload`,
      );
    }
    return refresh(base, { store: this.#store, clock, ttl: this.#mintOptions.ttl });
  }

  /**
   * Reads the store's latest token. An unreadable one, or a record the store reports as
   * corrupt, is reported and treated as missing, so that a client with the secret replaces it.
   */
  async #readCachedToken(): Promise<CurrentToken | undefined> {
    if (this.#cache === undefined) return undefined;
    let token: string | undefined;
    try {
      token = await this.#cache.getToken(this.#key);
    } catch (error) {
      if (!(isAuthTokenError(error) && error.code === 'ERR_STORE_CORRUPT')) throw error;
      this.#reportError(error);
      return undefined;
    }
    if (token === undefined) return undefined;
    try {
      return await this.#inspect(token);
    } catch (error) {
      this.#reportError(error);
      return undefined;
    }
  }

  async #writeCachedToken(token: string): Promise<void> {
    if (this.#cache === undefined) return;
    try {
      await this.#cache.setToken(this.#key, token);
    } catch (error) {
      // The token is valid; only resuming after a reload and sharing with other tabs suffer.
      this.#reportError(error);
    }
  }

  /**
   * Tells whether a stored or announced token is the token this client mints at that token's
   * `iat`. Stores keep one token per key, and other tabs announce theirs. This check keeps a
   * client from handing out a token signed with a replaced secret, or a token of another client
   * for the same key with other `ttl`, `aud`, `sub` or custom claims. Without a secret, the
   * store and the other tabs decide.
   */
  async #isOwnToken(stored: CurrentToken): Promise<boolean> {
    if (this.#secret === undefined) return true;
    const issuedAt = stored.issuedAt;
    if (issuedAt === undefined) return false;
    try {
      const expected = await generate(this.#key, this.#secret, {
        ...this.#mintOptions,
        store: false,
        clock: () => issuedAt * 1000,
      });
      return expected === stored.token;
    } catch (error) {
      // Invalid claims options fail again, with their own code, when the client mints instead.
      if (isAuthTokenError(error)) return false;
      throw error;
    }
  }

  async #inspect(token: string): Promise<CurrentToken> {
    const { claims } = await decode(token);
    if (claims.iss !== this.#key) {
      throw new AuthTokenError(
        'ERR_ISSUER_MISMATCH',
        `token has issuer ${JSON.stringify(claims.iss ?? null)}, not the client's key ${JSON.stringify(this.#key)}`,
        { claim: 'iss' },
      );
    }
    if (claims.exp === undefined) {
      throw new AuthTokenError(
        'ERR_CLAIM_MISSING',
        'token has no "exp" claim, so the client cannot tell when to renew it',
        { claim: 'exp' },
      );
    }
    return { token, issuedAt: claims.iat, expiresAt: claims.exp };
  }

  async #receive(data: unknown): Promise<void> {
    if (!isTokenMessage(data, this.#key)) return;
    try {
      const announced = await this.#inspect(data.token);
      // Another client for this key with other claims options may share the channel name.
      if (!(await this.#isOwnToken(announced))) return;
      const current = this.#current;
      if (current === undefined || announced.expiresAt > current.expiresAt) this.#adopt(announced, false);
    } catch (error) {
      this.#reportError(error);
    }
  }

  #adopt(next: CurrentToken, announce: boolean): void {
    if (this.#current?.token === next.token) return;
    this.#current = next;
    this.#schedule(next);
    if (announce && this.#channel !== undefined && !this.#closed) {
      const message: TokenMessage = { type: 'token', key: this.#key, token: next.token };
      this.#channel.postMessage(message);
    }
    // A Set visits members added while it is iterated, so a listener that subscribes another
    // would hand the new one this token. Like DOM events, this calls only the listeners present
    // at the start that are still subscribed.
    for (const listener of [...this.#tokenListeners]) {
      if (!this.#tokenListeners.has(listener)) continue;
      try {
        listener(next.token);
      } catch (error) {
        this.#reportError(error, true);
      }
    }
  }

  #isFresh(current: CurrentToken): boolean {
    return this.#clock() < this.#dueAt(current);
  }

  /** Milliseconds since the epoch at which `current` is due for renewal. */
  #dueAt(current: CurrentToken): number {
    let leeway = this.#leeway;
    if (current.issuedAt !== undefined) {
      // A token whose `iat` is after its `exp` counts as due at `exp`, never later.
      leeway = Math.max(0, Math.min(leeway, Math.floor((current.expiresAt - current.issuedAt) / 2)));
    }
    return (current.expiresAt - leeway) * 1000;
  }

  #schedule(current: CurrentToken, delay = this.#dueAt(current) - this.#clock()): void {
    clearTimeout(this.#timer);
    if (!this.#backgroundRefresh || this.#closed) return;
    this.#timer = setTimeout(() => this.#renewInBackground(), Math.min(Math.max(delay, 0), MAX_CHECK_INTERVAL));
  }

  #renewInBackground(): void {
    this.getToken().then(
      () => {
        // The timer fires before the due time when that is more than MAX_CHECK_INTERVAL away.
        if (this.#current !== undefined && this.#isFresh(this.#current)) this.#schedule(this.#current);
      },
      (error: unknown) => {
        this.#reportError(error);
        if (this.#current !== undefined) this.#schedule(this.#current, RETRY_DELAY);
      },
    );
  }

  #reportError(error: unknown, rethrowWhenUnheard = false): void {
    if (this.#errorListeners.size === 0) {
      if (rethrowWhenUnheard) {
        setTimeout(() => {
          throw error;
        }, 0);
      }
      return;
    }
    for (const listener of this.#errorListeners) {
      try {
        listener(error);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }
}

function latest(first: CurrentToken | undefined, second: CurrentToken | undefined): CurrentToken | undefined {
  if (first === undefined) return second;
  if (second === undefined) return first;
  return first.expiresAt >= second.expiresAt ? first : second;
}

function subscribe<T>(listeners: Set<T>, listener: T, method: string): () => void {
  if (typeof listener !== 'function') {
    throw new AuthTokenError(
      'ERR_INVALID_OPTION',
      `${method} needs a function, but got a value of type ${typeof listener}`,
    );
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

interface CheckedOptions {
  key: string;
  secret: string | undefined;
  store: CredentialStore;
  leeway: number;
  clock: Clock;
  backgroundRefresh: boolean;
  crossTab: boolean;
  crossTabName: string | undefined;
  lockTimeout: number;
}

function checkOptions(options: TokenClientOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new AuthTokenError('ERR_INVALID_OPTION', 'TokenClient needs an options object with at least a key');
  }
  const { key, secret, store = defaultStore, leeway = DEFAULT_LEEWAY, clock = Date.now } = options;
  if (typeof key !== 'string' || key.length === 0) {
    throw new AuthTokenError('ERR_INVALID_KEY', 'option key must be the non-empty credential key');
  }
  // The key and claim options go to generate at each renewal. Checking them here reports a
  // mistake when the client is created, not at its first renewal.
  validateGenerateInput(key, { ttl: options.ttl, aud: options.aud, sub: options.sub, claims: options.claims });

  if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) {
    throw new AuthTokenError('ERR_INVALID_SECRET', 'option secret must be a non-empty string when given');
  }
  checkCredentialStore(store);

  if (typeof leeway !== 'number' || !Number.isInteger(leeway) || leeway < 0 || leeway > MAX_LEEWAY) {
    throw new AuthTokenError(
      'ERR_INVALID_OPTION',
      `option leeway must be a whole number of seconds from 0 to ${MAX_LEEWAY}, but got ${String(leeway)}`,
    );
  }
  if (typeof clock !== 'function') {
    throw new AuthTokenError(
      'ERR_INVALID_OPTION',
      'option clock must be a function returning milliseconds since the epoch',
    );
  }
  const { backgroundRefresh = true, crossTab = true, crossTabName } = options;
  for (const [name, value] of [
    ['backgroundRefresh', backgroundRefresh],
    ['crossTab', crossTab],
  ] as const) {
    if (typeof value !== 'boolean') {
      throw new AuthTokenError(
        'ERR_INVALID_OPTION',
        `option ${name} must be true or false, but got a value of type ${typeof value}`,
      );
    }
  }
  const isLockName = typeof crossTabName === 'string' && crossTabName.length > 0 && !crossTabName.startsWith('-');
  if (crossTabName !== undefined && !isLockName) {
    throw new AuthTokenError(
      'ERR_INVALID_OPTION',
      `option crossTabName must be a non-empty string that does not start with "-", but got ${JSON.stringify(crossTabName) ?? typeof crossTabName}`,
    );
  }
  const { lockTimeout = DEFAULT_LOCK_TIMEOUT_MS } = options;
  if (
    typeof lockTimeout !== 'number' ||
    !Number.isInteger(lockTimeout) ||
    lockTimeout < 1 ||
    lockTimeout > MAX_LOCK_TIMEOUT_MS
  ) {
    throw new AuthTokenError(
      'ERR_INVALID_OPTION',
      `option lockTimeout must be a whole number of milliseconds from 1 to ${MAX_LOCK_TIMEOUT_MS}, but got ${String(lockTimeout)}`,
    );
  }
  return { key, secret, store, leeway, clock, backgroundRefresh, crossTab, crossTabName, lockTimeout };
}
