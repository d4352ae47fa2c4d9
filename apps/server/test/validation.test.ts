import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { expectTRPCError, type Client } from './helpers/client.js';
import { databaseTargets, type TestDatabase } from './helpers/databases.js';
import { startTestServer, TEST_ADMIN, type RunningServer } from './helpers/server.js';

const VALID = { email: 'valid@example.com', name: 'Valid Name', password: 'a valid password' };
const LONG_SECRET = `${'s3cr3t-'.repeat(40)}end`;

interface Case {
  title: string;
  call: (anonymous: Client, admin: Client) => Promise<unknown>;
  field: string;
  message: string;
  /** A submitted value that must not be echoed back. */
  secret?: string;
}

// Inputs are cast where they break the declared types on purpose, because
// a script or a hand-written client can send anything.
const cases: Case[] = [
  {
    title: 'signUp email missing',
    call: (client) => client.auth.signUp.mutate({ name: VALID.name, password: VALID.password } as never),
    field: 'email',
    message: 'Email must be a string',
  },
  {
    title: 'signUp email malformed',
    call: (client) => client.auth.signUp.mutate({ ...VALID, email: 'not-an-email' }),
    field: 'email',
    message: 'Email must be a valid address such as ada@example.com',
  },
  {
    title: 'signUp email too long',
    call: (client) => client.auth.signUp.mutate({ ...VALID, email: `${'a'.repeat(64)}@${'b'.repeat(190)}.com` }),
    field: 'email',
    message: 'Email must have at most 254 characters',
  },
  {
    title: 'signUp name empty',
    call: (client) => client.auth.signUp.mutate({ ...VALID, name: '   ' }),
    field: 'name',
    message: 'Name is required',
  },
  {
    title: 'signUp name too long',
    call: (client) => client.auth.signUp.mutate({ ...VALID, name: 'n'.repeat(101) }),
    field: 'name',
    message: 'Name must have at most 100 characters',
  },
  {
    title: 'signUp name not a string',
    call: (client) => client.auth.signUp.mutate({ ...VALID, name: 42 } as never),
    field: 'name',
    message: 'Name must be a string',
  },
  {
    title: 'signUp password too short',
    call: (client) => client.auth.signUp.mutate({ ...VALID, password: 'short-pw-1' }),
    field: 'password',
    message: 'Password must have at least 12 characters',
    secret: 'short-pw-1',
  },
  {
    title: 'signUp password too long',
    call: (client) => client.auth.signUp.mutate({ ...VALID, password: LONG_SECRET }),
    field: 'password',
    message: 'Password must have at most 256 characters',
    secret: LONG_SECRET,
  },
  {
    title: 'signUp password only spaces',
    call: (client) => client.auth.signUp.mutate({ ...VALID, password: ' '.repeat(20) }),
    field: 'password',
    message: 'Password must not be only white space',
  },
  {
    title: 'signUp session unknown',
    call: (client) => client.auth.signUp.mutate({ ...VALID, session: 'header' } as never),
    field: 'session',
    message: 'Session must be "cookie" or "bearer"',
  },
  {
    title: 'signIn email malformed',
    call: (client) => client.auth.signIn.mutate({ email: 'nobody', password: VALID.password }),
    field: 'email',
    message: 'Email must be a valid address such as ada@example.com',
  },
  {
    title: 'signIn password empty',
    call: (client) => client.auth.signIn.mutate({ email: VALID.email, password: '' }),
    field: 'password',
    message: 'Password is required',
  },
  {
    title: 'signIn password too long',
    call: (client) => client.auth.signIn.mutate({ email: VALID.email, password: LONG_SECRET }),
    field: 'password',
    message: 'Password must have at most 256 characters',
    secret: LONG_SECRET,
  },
  {
    title: 'signIn session unknown',
    call: (client) =>
      client.auth.signIn.mutate({ email: VALID.email, password: VALID.password, session: 'jwt' } as never),
    field: 'session',
    message: 'Session must be "cookie" or "bearer"',
  },
  {
    title: 'users.list limit zero',
    call: (_, admin) => admin.users.list.query({ limit: 0 }),
    field: 'limit',
    message: 'Limit must be at least 1',
  },
  {
    title: 'users.list limit too large',
    call: (_, admin) => admin.users.list.query({ limit: 101 }),
    field: 'limit',
    message: 'Limit must be at most 100',
  },
  {
    title: 'users.list limit fractional',
    call: (_, admin) => admin.users.list.query({ limit: 1.5 }),
    field: 'limit',
    message: 'Limit must be an integer',
  },
  {
    title: 'users.list offset negative',
    call: (_, admin) => admin.users.list.query({ offset: -1 }),
    field: 'offset',
    message: 'Offset must not be negative',
  },
  {
    title: 'users.setRole userId not a UUID',
    call: (_, admin) => admin.users.setRole.mutate({ userId: '42', role: 'admin' }),
    field: 'userId',
    message: 'User id must be a UUID',
  },
  {
    title: 'users.setRole role unknown',
    call: (_, admin) =>
      admin.users.setRole.mutate({ userId: '00000000-0000-4000-8000-000000000000', role: 'root' } as never),
    field: 'role',
    message: 'Role must be one of developer, admin',
  },
];

describe.each(databaseTargets())('input validation on $name', (target) => {
  let database: TestDatabase;
  let running: RunningServer;
  let admin: Client;

  beforeAll(async () => {
    database = await target.create();
    running = await startTestServer(database);
    const { token } = await running.client().auth.signIn.mutate({ ...TEST_ADMIN, session: 'bearer' });
    admin = running.client({ token: token ?? '' });
  });

  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it.each(cases)('$title is BAD_REQUEST', async ({ call, field, message, secret }) => {
    const error = await expectTRPCError(call(running.client(), admin));

    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(error.message).toBe(`Invalid input: ${field}`);
    expect(error.data?.fields).toEqual([{ path: field, message }]);
    expect(error.data).not.toHaveProperty('stack');
    if (secret !== undefined) expect(JSON.stringify(error.shape)).not.toContain(secret);
  });

  it('several bad fields are all listed', async () => {
    const error = await expectTRPCError(
      running.client().auth.signUp.mutate({ email: 'x', name: '', password: 'short' }),
    );
    expect(error.message).toBe('Invalid input: email, name, password');
    expect(error.data?.fields?.map((field) => field.path)).toEqual(['email', 'name', 'password']);
  });

  it('non-object input is BAD_REQUEST', async () => {
    const error = await expectTRPCError(running.client().auth.signIn.mutate('hello' as never));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.fields).toEqual([{ path: '', message: expect.any(String) }]);
    expect(error.message).toBe('Invalid input: (input)');
  });

  it('malformed JSON body is BAD_REQUEST', async () => {
    const response = await fetch(`${running.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": "x@example.com", "password": "half-sent secret',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      error: { message: string; data: { code: string; stack?: string; fields: unknown } };
    };
    expect(body.error.message).toBe('Request input is not valid JSON; send a JSON object');
    expect(body.error.data.code).toBe('BAD_REQUEST');
    expect(body.error.data.fields).toBeNull();
    expect(body.error.data.stack).toBeUndefined();
  });
});
