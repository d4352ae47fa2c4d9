/** Message a token client posts on its BroadcastChannel after it adopts a new token. */
export interface TokenMessage {
  type: 'token';
  key: string;
  token: string;
}

/** Tells whether `data` from a BroadcastChannel is a {@link TokenMessage} for `key`. */
export function isTokenMessage(data: unknown, key: string): data is TokenMessage {
  const message = data as Partial<TokenMessage> | null;
  return (
    typeof message === 'object' &&
    message !== null &&
    message.type === 'token' &&
    message.key === key &&
    typeof message.token === 'string'
  );
}

/**
 * Runs `task` while holding the Web Lock `name`, so that tabs of one origin run it one at a
 * time. Without the Web Locks API (Safari before 15.4, or Node) it runs `task` at once, and
 * only the single flight inside one page remains. The same holds where Chromium denies the lock
 * with a `SecurityError`. It does so in iframes sandboxed without `allow-same-origin`, whose
 * opaque origin no other tab shares, and for every tab of a site whose data the user blocks.
 *
 * When the lock is not granted within `timeoutMs` milliseconds, for example because a tab that
 * holds it is paused in a debugger, the request is withdrawn and `task` runs without the lock.
 * A possible second renewal is better than a caller that waits forever.
 */
export async function withLock<T>(name: string, task: () => Promise<T>, timeoutMs: number): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks === undefined) return task();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let granted = false;
  try {
    return (await locks.request(name, { mode: 'exclusive', signal: controller.signal }, () => {
      granted = true;
      clearTimeout(timer);
      return task();
    })) as T;
  } catch (error) {
    // Only a denied or timed-out request falls back, because an error of the task itself
    // belongs to the caller.
    const denied = (error as { name?: unknown } | null)?.name === 'SecurityError';
    if (granted || !(denied || controller.signal.aborted)) throw error;
    return task();
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a BroadcastChannel, or returns `undefined` where the API is missing. */
export function openChannel(name: string): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  return new BroadcastChannel(name);
}
