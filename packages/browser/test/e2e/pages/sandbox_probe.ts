/**
 * Page script for an iframe sandboxed without `allow-same-origin`. Its origin is opaque, so the
 * browser denies it Web Storage and IndexedDB, as it does where site data is blocked. The script
 * records the error code each store gives in `window.probe`. The browser also denies it Web
 * Locks, and `window.tokenClientProbe` records how a token client with the in-memory store fares.
 * The Chromium suite also loads this script in a top-level page where site data is blocked.
 */
import {
  IndexedDbCredentialStore,
  isAuthTokenError,
  MemoryCredentialStore,
  TokenClient,
  WebStorageCredentialStore,
} from '@authtoken/browser';

async function codeOf(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'no error';
  } catch (error) {
    return isAuthTokenError(error) ? error.code : `not an AuthTokenError: ${String(error)}`;
  }
}

declare global {
  interface Window {
    probe: Record<string, string> | undefined;
    tokenClientProbe: string | undefined;
  }
}

window.probe = {
  indexedDB: await codeOf(() => new IndexedDbCredentialStore().set('probe-key', 'probe-secret')),
  localStorage: await codeOf(() =>
    new WebStorageCredentialStore({ storage: 'localStorage' }).set('probe-key', 'probe-secret'),
  ),
  sessionStorage: await codeOf(() => new WebStorageCredentialStore({ storage: 'sessionStorage' }).get('probe-key')),
};

const client = new TokenClient({ key: 'probe-key', secret: 'probe-secret', store: new MemoryCredentialStore() });
window.tokenClientProbe = await codeOf(() => client.getToken());
client.close();
