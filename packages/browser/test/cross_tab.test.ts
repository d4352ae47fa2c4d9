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
    await expect(withLock('lock-name', () => Promise.resolve('done'))).resolves.toBe('done');
    expect(request).toHaveBeenCalledWith('lock-name', { mode: 'exclusive' }, expect.any(Function));
  });

  it('runs the task when the lock is denied', async () => {
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(lockDenied()) } });
    const task = vi.fn(() => Promise.resolve('done'));
    await expect(withLock('lock-name', task)).resolves.toBe('done');
    expect(task).toHaveBeenCalledTimes(1);
  });

  it('passes on other lock errors', async () => {
    const aborted = new DOMException('The request was aborted.', 'AbortError');
    vi.stubGlobal('navigator', { locks: { request: () => Promise.reject(aborted) } });
    const task = vi.fn(() => Promise.resolve('done'));
    await expect(withLock('lock-name', task)).rejects.toBe(aborted);
    expect(task).not.toHaveBeenCalled();
  });

  it('does not rerun a task that failed', async () => {
    vi.stubGlobal('navigator', {
      locks: { request: (_name: string, _options: LockOptions, callback: () => Promise<unknown>) => callback() },
    });
    const failure = lockDenied();
    const task = vi.fn(() => Promise.reject(failure));
    await expect(withLock('lock-name', task)).rejects.toBe(failure);
    expect(task).toHaveBeenCalledTimes(1);
  });
});
