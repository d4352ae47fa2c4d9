import { randomUUID } from 'node:crypto';

import type { TRPCError } from '@trpc/server';

/** One invalid input field: its dotted path (such as "email") and what is wrong with it. */
export interface FieldError {
  path: string;
  message: string;
}

const errorIds = new WeakMap<object, string>();

/**
 * Returns the id that ties an internal error's response to its log line.
 * tRPC hands the same error object to `onError` and to the error formatter,
 * so whichever runs first creates the id and the other reuses it.
 */
export function errorIdOf(error: object): string {
  let id = errorIds.get(error);
  if (id === undefined) {
    id = randomUUID();
    errorIds.set(error, id);
  }
  return id;
}

interface Issue {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }> | undefined;
}

function isIssueList(value: unknown): value is readonly Issue[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && 'message' in item);
}

/**
 * Extracts field errors from a validation failure. tRPC wraps a rejected
 * input in a BAD_REQUEST whose cause carries the schema's `issues` (a
 * `ZodError` or tRPC's `StandardSchemaV1Error`). Returns undefined for any
 * other error.
 */
export function fieldErrorsOf(error: TRPCError): FieldError[] | undefined {
  const cause: unknown = error.cause;
  if (typeof cause !== 'object' || cause === null || !('issues' in cause)) return undefined;
  const issues = (cause as { issues: unknown }).issues;
  if (!isIssueList(issues)) return undefined;

  return issues.map((issue) => ({
    path: (issue.path ?? [])
      .map((segment) => (typeof segment === 'object' ? String(segment.key) : String(segment)))
      .join('.'),
    message: issue.message,
  }));
}
