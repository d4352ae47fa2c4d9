import { AuthTokenError } from '../errors.js';
import type { MaybePromise } from '../runtime.js';

/** Continues with `next` once `value` is ready; the one place where sync and async flows differ. */
export type Step = <T, R>(value: MaybePromise<T>, next: (value: T) => R) => R;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Step of the synchronous API: a pending value means a store that cannot serve it. */
export const syncStep: Step = (value, next) => {
  if (isThenable(value)) {
    // Keep a rejected promise from surfacing as an unhandled rejection later.
    Promise.resolve(value).catch(() => undefined);
    throw new AuthTokenError(
      'ERR_STORE_ASYNC',
      'credential store returned a promise to a synchronous function; use an asynchronous API with this store: "@authtoken/node/async" in Node, or the module build of "@authtoken/browser"',
    );
  }
  return next(value);
};

/** Step of the asynchronous API. Its results are promises whenever any input was one. */
export const asyncStep: Step = (value, next) =>
  (isThenable(value) ? Promise.resolve(value).then(next) : next(value)) as ReturnType<typeof next>;
