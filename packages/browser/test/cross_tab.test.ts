import { afterEach, describe, expect, it, vi } from 'vitest';
import { withLock } from '../src/cross_tab.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Error that Chromium rejects lock requests with in opaque origins, such as sandboxed iframes. */
function lockDenied(): DOMException {
  return new DOMException("Failed to execute 'request' on 'LockManager': Access denied.", 'SecurityError');
}

describe('withLock', () => {
  it('runs the task under the lock', async () => {
    const request = vi.fn((_name: string, _options: LockOptions, callback: () => Promise<string>) => callback());
    vi.stubGlobal('navigator', { locks: { request } });
    await expect(withLock('lock-name', () => Promise.resolve('done'), 1000)).resolves.toBe('done');
    expect(request).toHaveBeenCalledWith(
      'lock-name',
      { mode: 'exclusive', signal: expect.any(AbortSignal) },
      expect.any(Function),
    );
  });

  it('runs the task when the lock is denied', async () => {
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(lockDenied()) } });
    const task = vi.fn(() => Promise.resolve('done'));
    await expect(withLock('lock-name', task, 1000)).resolves.toBe('done');
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('passes on other lock errors', async () => {
    const aborted = new DOMException('The request was aborted.', 'AbortError');
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(aborted) } });
    const task = vi.fn(() => Promise.resolve('done'));
    await expect(withLock('lock-name', task, 1000)).rejects.toBe(aborted);
    expect(task).not.toHaveBeenCalled();
  });

  it('runs the task unlocked after the timeout', async () => {
    // Like the Web Locks API, the request stays pending until its signal aborts it.
    const request = (_name: string, options: LockOptions) =>
      new Promise((_resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    vi.stubGlobal('navigator', { locks: { request } });
    const task = vi.fn(() => Promise.resolve('done'));
    const started = Date.now();
    await expect(withLock('lock-name', task, 50)).resolves.toBe('done');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('does not rerun a task that failed', async () => {
    vi.stubGlobal('navigator', {
      locks: { request: (_name: string, _options: LockOptions, callback: () => Promise<unknown>) => callback() },
    });
    const failure = lockDenied();
    const task = vi.fn(() => Promise.reject(failure));
    await expect(withLock('lock-name', task, 1000)).rejects.toBe(failure);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
