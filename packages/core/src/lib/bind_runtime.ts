import type { AsyncRuntime, CredentialStore, SyncRuntime, TextCodec, VerificationSecret } from '../runtime.js';
import { asyncStep, syncStep, type Step } from './maybe_promise.js';

/** HMAC of a runtime, called without its object. */
export type Hmac = (secret: VerificationSecret, data: string) => string | Promise<string>;

/** The parts of a runtime that a token function uses, with the step of its mode. */
export interface BoundRuntime {
  text: TextCodec;
  hmac: Hmac;
  step: Step;
  defaultStore: CredentialStore;
}

/** Picks the step of the runtime's mode and binds its HMAC. */
export function bindRuntime(runtime: SyncRuntime | AsyncRuntime): BoundRuntime {
  return {
    text: runtime.text,
    hmac: runtime.hmacSha256.bind(runtime) as Hmac,
    step: runtime.mode === 'sync' ? syncStep : asyncStep,
    defaultStore: runtime.defaultStore,
  };
}

/**
 * Returns `run` itself for a synchronous runtime. For an asynchronous one it returns an async
 * wrapper, so that an input error thrown before the first step becomes a rejected promise.
 */
export function exposeFor<Args extends unknown[], Result>(
  runtime: SyncRuntime | AsyncRuntime,
  run: (...args: Args) => Result,
): (...args: Args) => Result | Promise<Result> {
  return runtime.mode === 'sync' ? run : async (...args) => run(...args);
}
