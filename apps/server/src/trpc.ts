import { initTRPC, TRPCError } from '@trpc/server';

import { useSession } from './auth/sessions.js';
import type { Context } from './context.js';
import { errorIdOf, fieldErrorsOf, type FieldError } from './errors.js';

const t = initTRPC.context<Context>().create({
  // This formatter is the one place where errors take their client-visible
  // shape: stack traces are always dropped, internal errors show only an id,
  // and validation errors list the invalid fields.
  errorFormatter({ shape, error }) {
    const { stack: _stack, ...data } = shape.data;
    let fields: FieldError[] | null = null;
    let errorId: string | null = null;
    let message = shape.message;

    if (error.code === 'INTERNAL_SERVER_ERROR') {
      errorId = errorIdOf(error);
      message = `Internal server error; report error id ${errorId} to the operator`;
    } else if (error.code === 'BAD_REQUEST') {
      fields = fieldErrorsOf(error) ?? null;
      if (fields !== null) {
        const paths = [...new Set(fields.map((field) => field.path || '(input)'))];
        message = `Invalid input: ${paths.join(', ')}`;
      } else if (error.cause instanceof SyntaxError) {
        // V8's JSON.parse message quotes the start of the input, which may
        // be a password, so it is replaced.
        message = 'Request input is not valid JSON; send a JSON object';
      }
    }
    return { ...shape, message, data: { ...data, fields, errorId } };
  },
});

export const router = t.router;
export const publicProcedure = t.procedure;

/** Requires a valid session and adds `user` and `session` to the context. */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  if (ctx.sessionToken === undefined) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Not signed in; sign in first' });
  }
  const lookup = await useSession(ctx.db, ctx.sessionToken, ctx.clock.now(), {
    ttlSeconds: ctx.config.sessionTtlSeconds,
    idleTimeoutSeconds: ctx.config.sessionIdleTimeoutSeconds,
  });
  if (!lookup.ok) {
    ctx.log.info({ reason: lookup.reason }, 'session rejected');
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Session is invalid, expired or revoked; sign in again' });
  }
  return next({ ctx: { user: lookup.user, session: lookup.session } });
});

/** Requires a valid session of a user with the `admin` role. */
export const adminProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== 'admin') {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This procedure requires the admin role' });
  }
  return next();
});
