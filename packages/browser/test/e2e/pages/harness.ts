/**
 * Page script of the Chromium suite. It is bundled with esbuild against the built package and
 * exposes `window.harness`, whose methods the tests call with `page.evaluate`.
 */
import {
  generate,
  IndexedDbCredentialStore,
  isAuthTokenError,
  MemoryCredentialStore,
  TokenClient,
  WebStorageCredentialStore,
} from '@authtoken/browser';
import { argumentsFor, BAD_INPUT_CASES } from '../../../../core/test/bad_inputs.js';

/** The page's clock, which the tests set so that tokens are predictable and can be made due. */
const state = { nowMs: Date.now(), credentialReads: 0, readDelayMs: 0 };
const clock = (): number => state.nowMs;

/**
 * IndexedDB store that counts credential reads, because `refresh` reads the credential once per
 * renewal. Its optional delay stands for a slow disk, so that renewals in two tabs overlap.
 */
class CountingStore extends IndexedDbCredentialStore {
  override async get(key: string) {
    state.credentialReads += 1;
    await new Promise((resolve) => setTimeout(resolve, state.readDelayMs));
    return super.get(key);
  }
}

let client: TokenClient | undefined;

const harness = {
  setNow(milliseconds: number): void {
    state.nowMs = milliseconds;
  },

  setReadDelay(milliseconds: number): void {
    state.readDelayMs = milliseconds;
  },

  credentialReads(): number {
    return state.credentialReads;
  },

  /** Mints a token with the IndexedDB store and keeps it there as the latest token. */
  async seed(key: string, secret: string): Promise<string> {
    const store = new IndexedDbCredentialStore();
    const token = await generate(key, secret, { clock, store });
    await store.setToken(key, token);
    store.close();
    return token;
  },

  /** Starts a token client on the IndexedDB store and resolves to its first token. */
  async startClient(key: string, secret?: string, crossTab = true, lockTimeout?: number): Promise<string> {
    client?.close();
    client = new TokenClient({
      key,
      secret,
      store: new CountingStore(),
      clock,
      backgroundRefresh: false,
      crossTab,
      lockTimeout,
    });
    return client.getToken();
  },

  /** Takes the Web Lock `name` and never releases it, like a tab paused in a debugger. */
  holdLock(name: string): Promise<void> {
    return new Promise((acquired) => {
      void navigator.locks.request(name, () => {
        acquired();
        return new Promise(() => undefined);
      });
    });
  },

  getToken(): Promise<string> {
    if (client === undefined) throw new Error('call startClient first');
    return client.getToken();
  },

  /** Describes the stored key and whether script can export it. */
  async inspectStoredKey(key: string) {
    const stored = await new IndexedDbCredentialStore().get(key);
    if (stored === undefined) return undefined;
    let exportable = true;
    try {
      await crypto.subtle.exportKey('raw', stored);
    } catch {
      exportable = false;
    }
    return {
      type: stored.type,
      extractable: stored.extractable,
      algorithm: stored.algorithm.name,
      usages: stored.usages,
      exportable,
    };
  },

  /** Runs every shared bad-input case and returns the code each failed with. */
  async badInputCodes(): Promise<{ name: string; code: string }[]> {
    const api = await import('@authtoken/browser');
    const results: { name: string; code: string }[] = [];
    for (const testCase of BAD_INPUT_CASES) {
      const store = new MemoryCredentialStore();
      for (const [key, secret] of Object.entries(testCase.seed ?? {})) store.set(key, secret);
      let code = 'no error';
      try {
        await (api[testCase.fn] as (...args: unknown[]) => unknown)(...argumentsFor(testCase, store));
      } catch (error) {
        code = isAuthTokenError(error) ? error.code : `not an AuthTokenError: ${String(error)}`;
      }
      results.push({ name: testCase.name, code });
    }
    return results;
  },

  /** Stores a credential in sessionStorage, to be read back after a reload. */
  sessionStore(key: string, secret: string): void {
    new WebStorageCredentialStore({ storage: 'sessionStorage' }).set(key, secret);
  },

  sessionRead(key: string): string | undefined {
    return new WebStorageCredentialStore({ storage: 'sessionStorage' }).get(key);
  },

  /**
   * Fills localStorage to its quota with filler items, then tries to store a credential, and
   * returns the error code. The filler is removed again before returning.
   */
  fillLocalStorageAndStore(key: string, secret: string): string {
    localStorage.clear();
    let index = 0;
    for (let size = 1 << 20; size >= 1; size = Math.floor(size / 4)) {
      const filler = 'x'.repeat(size);
      // Each size is written until the browser reports the quota, so the rest is smaller than it.
      for (;;) {
        try {
          localStorage.setItem(`filler-${index}`, filler);
          index += 1;
        } catch {
          break;
        }
      }
    }
    try {
      new WebStorageCredentialStore({ storage: 'localStorage' }).set(key, secret);
      return 'no error';
    } catch (error) {
      return isAuthTokenError(error) ? error.code : `not an AuthTokenError: ${String(error)}`;
    } finally {
      localStorage.clear();
    }
  },
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}

window.harness = harness;
