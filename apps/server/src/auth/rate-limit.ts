import { isIPv6 } from 'node:net';

import { sql, type Kysely } from 'kysely';

import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';

/**
 * Expands an IPv6 address, which may use `::` or end in dotted IPv4, into
 * its eight 16-bit groups in lower-case hex without leading zeros.
 */
function ipv6Groups(address: string): string[] {
  let text = address;
  const ipv4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (ipv4Tail !== null) {
    const [a, b, c, d] = ipv4Tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, ipv4Tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }

  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16).toString(16));
}

/**
 * Returns the subject that per-IP rate limits count a client IP under. An
 * IPv4 address counts on its own. An IPv6 address counts by its /64 network,
 * because a client network usually has at least a /64 to itself and could use
 * a new address for every attempt. An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`,
 * as a dual-stack socket reports IPv4 clients) counts as its IPv4 address.
 */
export function ipRateLimitSubject(ip: string): string {
  // A link-local address may carry a zone such as `%eth0`.
  const [address = ''] = ip.split('%');
  if (!isIPv6(address)) return ip;

  const groups = ipv6Groups(address);
  if (groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    const [high = 0, low = 0] = groups.slice(6).map((group) => parseInt(group, 16));
    return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** Result of counting one attempt against a key. */
export interface RateLimitDecision {
  allowed: boolean;
  /** Attempts counted in the current window, this one included. */
  attempts: number;
  /** Seconds until the window resets, or 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * Fixed-window attempt counter kept in the database, so every server
 * instance that shares a PostgreSQL database shares the counts. Each call to
 * `consume` is one atomic upsert, so concurrent attempts cannot slip past the
 * limit.
 */
export class RateLimiter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /** Counts one attempt for `key` and returns whether it stays within `maxAttempts` per `windowSeconds`. */
  async consume(key: string, maxAttempts: number, windowSeconds: number): Promise<RateLimitDecision> {
    const now = this.clock.now();
    const windowMs = windowSeconds * 1000;
    const windowOpenAfter = now - windowMs;

    const row = await this.db
      .insertInto('rate_limits')
      .values({ key, window_started_at: now, attempts: 1 })
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          attempts: sql<number>`case when rate_limits.window_started_at <= ${windowOpenAfter} then 1 else rate_limits.attempts + 1 end`,
          window_started_at: sql<number>`case when rate_limits.window_started_at <= ${windowOpenAfter} then ${now} else rate_limits.window_started_at end`,
        }),
      )
      .returning(['attempts', 'window_started_at'])
      .executeTakeFirstOrThrow();

    const attempts = Number(row.attempts);
    if (attempts <= maxAttempts) return { allowed: true, attempts, retryAfterSeconds: 0 };
    const retryAfterSeconds = Math.max(1, Math.ceil((Number(row.window_started_at) + windowMs - now) / 1000));
    return { allowed: false, attempts, retryAfterSeconds };
  }

  /** Takes back one counted attempt, for example after a sign-in succeeded. */
  async refund(key: string): Promise<void> {
    await this.db
      .updateTable('rate_limits')
      .set({ attempts: sql<number>`attempts - 1` })
      .where('key', '=', key)
      .where('attempts', '>', 0)
      .execute();
  }

  /** Forgets every attempt counted for `key`. */
  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_limits').where('key', '=', key).execute();
  }

  /** Deletes windows older than `windowSeconds` and returns how many rows were deleted. */
  async deleteExpired(windowSeconds: number): Promise<number> {
    const result = await this.db
      .deleteFrom('rate_limits')
      .where('window_started_at', '<=', this.clock.now() - windowSeconds * 1000)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
