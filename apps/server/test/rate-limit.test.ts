import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ipRateLimitSubject, RateLimiter } from '../src/auth/rate-limit.js';
import { expectTRPCError } from './helpers/client.js';
import { FakeClock } from './helpers/clock.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, type RunningServer } from './helpers/server.js';

const PASSWORD = 'rate limited password';
const WINDOW_SECONDS = 60;

describe.each(databaseTargets())('sign-in rate limits on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;
  let clock: FakeClock;

  beforeEach(async () => {
    database = await target.create();
    clock = new FakeClock();
    running = await startTestServer(database, {
      clock,
      env: {
        AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: '3',
        AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_IP: '5',
        AUTHTOKEN_SIGNIN_WINDOW: String(WINDOW_SECONDS),
        // Lets each test pose as several clients through X-Forwarded-For.
        AUTHTOKEN_TRUST_PROXY: 'true',
      },
    });
  });

  afterEach(async () => {
    await running?.stop();
    await database?.drop();
  });

  const fromIp = (ip: string) => running.client({ headers: { 'x-forwarded-for': ip } });

  async function signUp(email: string, ip: string) {
    await fromIp(ip).auth.signUp.mutate({ email, name: 'Limited', password: PASSWORD });
  }

  it('blocks an account after too many attempts', async () => {
    await signUp('target@example.com', '10.0.0.1');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const error = await expectTRPCError(
        fromIp(`10.0.1.${attempt}`).auth.signIn.mutate({ email: 'target@example.com', password: 'wrong password' }),
      );
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }

    // The right password from a fresh IP is refused too while the window lasts.
    const blocked = await expectTRPCError(
      fromIp('10.0.2.1').auth.signIn.mutate({ email: 'target@example.com', password: PASSWORD }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(blocked.data?.httpStatus).toBe(429);
    expect(blocked.message).toBe(`Too many attempts; try again in ${WINDOW_SECONDS} seconds`);

    clock.advanceSeconds(WINDOW_SECONDS);
    const signedIn = await fromIp('10.0.2.1').auth.signIn.mutate({ email: 'target@example.com', password: PASSWORD });
    expect(signedIn.user.email).toBe('target@example.com');
  });

  it('counts unknown emails like known ones', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expectTRPCError(
        fromIp(`10.0.3.${attempt}`).auth.signIn.mutate({ email: 'ghost@example.com', password: 'anything at all' }),
      );
    }
    const blocked = await expectTRPCError(
      fromIp('10.0.3.9').auth.signIn.mutate({ email: 'ghost@example.com', password: 'anything at all' }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('email variants share one account count', async () => {
    const variants = ['Variant@Example.com', ' variant@example.com', 'VARIANT@EXAMPLE.COM\t'];
    for (const [index, email] of variants.entries()) {
      const error = await expectTRPCError(fromIp(`10.0.11.${index}`).auth.signIn.mutate({ email, password: 'guess' }));
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }
    const blocked = await expectTRPCError(
      fromIp('10.0.11.9').auth.signIn.mutate({ email: 'variant@example.com', password: 'guess' }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('blocked account leaves other accounts alone', async () => {
    await signUp('victim@example.com', '10.0.4.1');
    await signUp('bystander@example.com', '10.0.4.2');
    for (let attempt = 1; attempt <= 4; attempt++) {
      await expectTRPCError(
        fromIp(`10.0.5.${attempt}`).auth.signIn.mutate({ email: 'victim@example.com', password: 'wrong password' }),
      );
    }
    const signedIn = await fromIp('10.0.5.9').auth.signIn.mutate({
      email: 'bystander@example.com',
      password: PASSWORD,
    });
    expect(signedIn.user.email).toBe('bystander@example.com');
  });

  it('blocks an IP after too many attempts', async () => {
    await signUp('ip-user@example.com', '10.0.6.1');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const error = await expectTRPCError(
        fromIp('192.0.2.7').auth.signIn.mutate({ email: `spray${attempt}@example.com`, password: 'guess guess' }),
      );
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }

    const blocked = await expectTRPCError(
      fromIp('192.0.2.7').auth.signIn.mutate({ email: 'ip-user@example.com', password: PASSWORD }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');

    const otherIp = await fromIp('192.0.2.8').auth.signIn.mutate({ email: 'ip-user@example.com', password: PASSWORD });
    expect(otherIp.user.email).toBe('ip-user@example.com');
  });

  it('IP is the one the proxy appended', async () => {
    // A proxy such as nginx with $proxy_add_x_forwarded_for appends the
    // address it saw to whatever X-Forwarded-For the client sent, so only
    // the last entry can be trusted.
    const viaProxy = (spoofed: string) => running.client({ headers: { 'x-forwarded-for': `${spoofed}, 203.0.113.5` } });
    for (let attempt = 1; attempt <= 5; attempt++) {
      const error = await expectTRPCError(
        viaProxy(`198.51.100.${attempt}`).auth.signIn.mutate({ email: `hop${attempt}@example.com`, password: 'guess' }),
      );
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }

    const blocked = await expectTRPCError(
      viaProxy('198.51.100.99').auth.signIn.mutate({ email: 'hop99@example.com', password: 'guess' }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('IPv6 clients count per /64 network', async () => {
    // A client network usually has at least a /64 to itself, so counting
    // single addresses would give one client 2^64 separate limits.
    for (let attempt = 1; attempt <= 5; attempt++) {
      const error = await expectTRPCError(
        fromIp(`2001:db8:7:8::${attempt.toString(16)}`).auth.signIn.mutate({
          email: `six${attempt}@example.com`,
          password: 'guess',
        }),
      );
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }

    const blocked = await expectTRPCError(
      fromIp('2001:DB8:7:8:ffff:1:2:3').auth.signIn.mutate({ email: 'six9@example.com', password: 'guess' }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
    const neighbour = await expectTRPCError(
      fromIp('2001:db8:7:9::1').auth.signIn.mutate({ email: 'six10@example.com', password: 'guess' }),
    );
    expect(neighbour.data?.code).toBe('UNAUTHORIZED');
  });

  it('IPv4-mapped IPv6 counts as IPv4', async () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const ip = attempt % 2 === 0 ? '::ffff:192.0.2.44' : '192.0.2.44';
      await expectTRPCError(
        fromIp(ip).auth.signIn.mutate({ email: `mapped${attempt}@example.com`, password: 'guess' }),
      );
    }
    const blocked = await expectTRPCError(
      fromIp('::ffff:192.0.2.44').auth.signIn.mutate({ email: 'mapped9@example.com', password: 'guess' }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
  });

  it('success clears the account count', async () => {
    await signUp('forgetful@example.com', '10.0.7.1');
    for (let round = 0; round < 3; round++) {
      for (let attempt = 1; attempt <= 2; attempt++) {
        await expectTRPCError(
          fromIp('10.0.7.2').auth.signIn.mutate({ email: 'forgetful@example.com', password: 'almost right' }),
        );
      }
      await fromIp(`10.0.8.${round}`).auth.signIn.mutate({ email: 'forgetful@example.com', password: PASSWORD });
    }
  });

  it('too many requests sends Retry-After', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expectTRPCError(
        fromIp(`10.0.9.${attempt}`).auth.signIn.mutate({ email: 'retry@example.com', password: 'wrong password' }),
      );
    }
    clock.advanceSeconds(15);

    const response = await fetch(`${running.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.0.9.9' },
      body: JSON.stringify({ email: 'retry@example.com', password: 'wrong password' }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe(String(WINDOW_SECONDS - 15));
  });

  it('cleanup deletes only finished windows', async () => {
    const limiter = new RateLimiter(running.server.database.db, clock);
    await limiter.consume('test-scope:old', 5, WINDOW_SECONDS);
    clock.advanceSeconds(WINDOW_SECONDS / 2);
    await limiter.consume('test-scope:recent', 5, WINDOW_SECONDS);
    clock.advanceSeconds(WINDOW_SECONDS / 2);

    expect(await limiter.deleteExpired(WINDOW_SECONDS)).toBe(1);
    const keys = await running.server.database.db.selectFrom('rate_limits').select('key').execute();
    expect(keys.map((row) => row.key)).toEqual(['test-scope:recent']);
  });

  it('limit holds under concurrent attempts', async () => {
    const attempts = Array.from({ length: 10 }, (_, index) =>
      expectTRPCError(
        fromIp(`10.0.10.${index}`).auth.signIn.mutate({ email: 'burst@example.com', password: 'wrong password' }),
      ),
    );
    const codes = (await Promise.all(attempts)).map((error) => error.data?.code);
    expect(codes.filter((code) => code === 'UNAUTHORIZED')).toHaveLength(3);
    expect(codes.filter((code) => code === 'TOO_MANY_REQUESTS')).toHaveLength(7);
  });
});

describe.each(databaseTargets())('rate limits without a trusted proxy on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;

  beforeEach(async () => {
    database = await target.create();
    running = await startTestServer(database, { env: { AUTHTOKEN_SIGNIN_MAX_ATTEMPTS_PER_IP: '3' } });
  });

  afterEach(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('ignores X-Forwarded-For', async () => {
    for (let attempt = 1; attempt <= 3; attempt++) {
      const client = running.client({ headers: { 'x-forwarded-for': `198.51.100.${attempt}` } });
      const error = await expectTRPCError(
        client.auth.signIn.mutate({ email: `spoof${attempt}@example.com`, password: 'guess' }),
      );
      expect(error.data?.code).toBe('UNAUTHORIZED');
    }

    const client = running.client({ headers: { 'x-forwarded-for': '198.51.100.99' } });
    const blocked = await expectTRPCError(
      client.auth.signIn.mutate({ email: 'spoof99@example.com', password: 'guess' }),
    );
    expect(blocked.data?.code).toBe('TOO_MANY_REQUESTS');
  });
});

describe('ipRateLimitSubject', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::1', '0:0:0:0::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0DB8:0000:0001:abcd::', '2001:db8:0:1::/64'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::192.0.2.1', '64:ff9b:0:0::/64'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
  ])('%s counts as %s', (ip, subject) => {
    expect(ipRateLimitSubject(ip)).toBe(subject);
  });
});
