const MAX_QUOTED = 40;

/**
 * Quotes untrusted text for an error message: JSON string syntax, so control characters stay
 * visible, cut to 40 characters so a huge token cannot flood a log. Never pass a secret here.
 */
export function quote(value: string): string {
  if (value.length <= MAX_QUOTED) {
    return JSON.stringify(value);
  }
  return `${JSON.stringify(value.slice(0, MAX_QUOTED))}… (${value.length} characters)`;
}

/** Describes a non-string value for an error message without printing it whole. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  if (typeof value === 'string') return `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return `a value of type ${typeof value}`;
}
