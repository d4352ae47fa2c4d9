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
 * only the single flight inside one page remains.
 */
export function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (locks === undefined) return task();
  return locks.request(name, { mode: 'exclusive' }, task) as Promise<T>;
}

/** Opens a BroadcastChannel, or returns `undefined` where the API is missing. */
export function openChannel(name: string): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined;
  return new BroadcastChannel(name);
}
