import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { AuthTokenError } from '@authtoken/core';

/** Options for waiting on the lock file of a file store. */
export interface LockOptions {
  /** Milliseconds to wait for another process to release the lock. Default 5000. */
  lockTimeout?: number;
  /**
   * Age in milliseconds after which a lock file is taken to be left behind by a crashed
   * process and removed. Default 30 000; writes hold the lock for a few milliseconds.
   */
  staleLockAge?: number;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `milliseconds`; the store's API is synchronous, so it cannot await. */
function sleep(milliseconds: number): void {
  Atomics.wait(sleeper, 0, 0, milliseconds);
}

/**
 * Creates `lockPath` exclusively (O_CREAT | O_EXCL), waiting while another process holds it,
 * and returns the function that releases it.
 */
export function acquireLock(lockPath: string, options: LockOptions): () => void {
  const timeout = options.lockTimeout ?? 5000;
  const staleAge = options.staleLockAge ?? 30_000;
  const deadline = Date.now() + timeout;
  let delay = 2;

  for (;;) {
    try {
      const descriptor = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(descriptor, `${process.pid}\n`);
      } finally {
        closeSync(descriptor);
      }
      return () => removeQuietly(lockPath);
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') {
        throw new AuthTokenError(
          'ERR_STORE_FAILED',
          `cannot create lock file ${lockPath}; check that its folder is writable`,
          {
            cause: error,
          },
        );
      }
    }

    if (isStale(lockPath, staleAge)) {
      // NOTE: two processes that find the same stale lock at the same moment can both remove
      // it. The window is a few microseconds, once per crashed writer.
      removeQuietly(lockPath);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new AuthTokenError(
        'ERR_STORE_FAILED',
        `timed out after ${timeout} ms waiting for lock file ${lockPath}${holder(lockPath)}; if no process is writing the store, delete the lock file`,
      );
    }
    sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

function isStale(lockPath: string, staleAge: number): boolean {
  try {
    return Date.now() - statSync(lockPath).mtimeMs > staleAge;
  } catch {
    return false;
  }
}

function holder(lockPath: string): string {
  try {
    const pid = readFileSync(lockPath, 'utf8').trim();
    return /^\d+$/u.test(pid) ? ` (held by process ${pid})` : '';
  } catch {
    return '';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: a stale-lock cleanup by another process got there first.
  }
}
