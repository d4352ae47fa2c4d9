import { randomUUID } from 'node:crypto';

import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { hashPassword, verifyPassword } from '../auth/password.js';
import { ipRateLimitSubject } from '../auth/rate-limit.js';
import { createSession, revokeSession, SESSION_COOKIE_NAME } from '../auth/sessions.js';
import type { Context } from '../context.js';
import { isUniqueViolation } from '../db/index.js';
import type { Session, User } from '../db/schema.js';
import { authedProcedure, publicProcedure, router } from '../trpc.js';
import { toPublicUser, type PublicUser } from '../users.js';
import {
  emailInput,
  nameInput,
  newPasswordInput,
  presentedPasswordInput,
  sessionDeliveryInput,
} from '../validation.js';

/** Result of sign-up and sign-in. `token` is null when the session token went into a cookie. */
export interface SignedIn {
  user: PublicUser;
  token: string | null;
  /** Absolute expiry of the session, in milliseconds since the epoch. */
  expiresAt: number;
}

const INVALID_CREDENTIALS = 'Invalid email or password';

function sessionPolicy(ctx: Context) {
  return { ttlSeconds: ctx.config.sessionTtlSeconds, idleTimeoutSeconds: ctx.config.sessionIdleTimeoutSeconds };
}

function deliverSession(ctx: Context, delivery: 'cookie' | 'bearer', token: string, session: Session): string | null {
  if (delivery === 'bearer') return token;
  void ctx.res.setCookie(SESSION_COOKIE_NAME, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.config.cookieSecure,
    path: '/',
    expires: new Date(session.expires_at),
  });
  return null;
}

async function startSession(ctx: Context, user: User, delivery: 'cookie' | 'bearer'): Promise<SignedIn> {
  const { session, token } = await createSession(ctx.db, user.id, ctx.clock.now(), sessionPolicy(ctx));
  return {
    user: toPublicUser(user),
    token: deliverSession(ctx, delivery, token, session),
    expiresAt: session.expires_at,
  };
}

/** Kind of rate-limit counter. Each key is `<scope>:<IP, IPv6 /64 network or email>`. */
type RateLimitScope = 'signup-ip' | 'signin-ip' | 'signin-account' | 'password-change';

/**
 * Counts one attempt against the key `scope:subject` and returns the key.
 * Rejects with TOO_MANY_REQUESTS once more than `maxAttempts` fall in one window.
 */
async function enforceRateLimit(
  ctx: Context,
  scope: RateLimitScope,
  subject: string,
  maxAttempts: number,
): Promise<string> {
  const key = `${scope}:${subject}`;
  const decision = await ctx.rateLimiter.consume(key, maxAttempts, ctx.config.signInWindowSeconds);
  if (decision.allowed) return key;

  void ctx.res.header('retry-after', String(decision.retryAfterSeconds));
  ctx.log.warn({ scope, attempts: decision.attempts }, 'rate limit reached');
  throw new TRPCError({
    code: 'TOO_MANY_REQUESTS',
    message: `Too many attempts; try again in ${decision.retryAfterSeconds} seconds`,
  });
}

export const authRouter = router({
  /** Creates a developer account and signs it in. */
  signUp: publicProcedure
    .input(z.object({ email: emailInput, name: nameInput, password: newPasswordInput, session: sessionDeliveryInput }))
    .mutation(async ({ ctx, input }) => {
      await enforceRateLimit(ctx, 'signup-ip', ipRateLimitSubject(ctx.req.ip), ctx.config.signInMaxAttemptsPerIp);

      const now = ctx.clock.now();
      const user: User = {
        id: randomUUID(),
        email: input.email,
        name: input.name,
        password_hash: await hashPassword(input.password),
        role: 'developer',
        created_at: now,
        updated_at: now,
      };
      try {
        await ctx.db.insertInto('users').values(user).execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new TRPCError({
            code: 'CONFLICT',
            message: 'An account with this email already exists; sign in instead',
          });
        }
        throw error;
      }
      ctx.log.info({ userId: user.id }, 'user signed up');
      return startSession(ctx, user, input.session);
    }),

  /**
   * Signs in with email and password. A wrong password and an unknown email
   * return the same error after the same Argon2 work. Attempts count against
   * the account and the client IP. A success clears the account's count and
   * takes back its IP attempt.
   */
  signIn: publicProcedure
    .input(z.object({ email: emailInput, password: presentedPasswordInput, session: sessionDeliveryInput }))
    .mutation(async ({ ctx, input }) => {
      const ipKey = await enforceRateLimit(
        ctx,
        'signin-ip',
        ipRateLimitSubject(ctx.req.ip),
        ctx.config.signInMaxAttemptsPerIp,
      );
      const accountKey = await enforceRateLimit(
        ctx,
        'signin-account',
        input.email,
        ctx.config.signInMaxAttemptsPerAccount,
      );

      const user = await ctx.db.selectFrom('users').selectAll().where('email', '=', input.email).executeTakeFirst();
      const valid =
        user === undefined
          ? await ctx.unknownAccountVerifier.verify(input.password)
          : await verifyPassword(user.password_hash, input.password);
      if (user === undefined || !valid) {
        ctx.log.info({ userId: user?.id ?? null }, 'sign-in failed');
        throw new TRPCError({ code: 'UNAUTHORIZED', message: INVALID_CREDENTIALS });
      }

      await ctx.rateLimiter.reset(accountKey);
      await ctx.rateLimiter.refund(ipKey);
      const signedIn = await startSession(ctx, user, input.session);
      ctx.log.info({ userId: user.id }, 'user signed in');
      return signedIn;
    }),

  /** Revokes the current session and clears the cookie. */
  signOut: authedProcedure.mutation(async ({ ctx }) => {
    await revokeSession(ctx.db, ctx.session.id, ctx.clock.now());
    void ctx.res.clearCookie(SESSION_COOKIE_NAME, { path: '/' });
    ctx.log.info({ userId: ctx.user.id, sessionId: ctx.session.id }, 'user signed out');
    return { signedOut: true as const };
  }),

  /** Returns the signed-in user. */
  me: authedProcedure.query(({ ctx }) => toPublicUser(ctx.user)),

  /**
   * Replaces the signed-in user's password after checking the current one, and revokes the
   * user's other sessions, so a session opened with the old password stops working. Attempts
   * count against the account like sign-ins, so a stolen session cannot guess the password.
   */
  changePassword: authedProcedure
    .input(z.object({ currentPassword: presentedPasswordInput, newPassword: newPasswordInput }))
    .mutation(async ({ ctx, input }) => {
      const attemptKey = await enforceRateLimit(
        ctx,
        'password-change',
        ctx.user.id,
        ctx.config.signInMaxAttemptsPerAccount,
      );
      if (!(await verifyPassword(ctx.user.password_hash, input.currentPassword))) {
        ctx.log.info({ userId: ctx.user.id }, 'password change rejected: wrong current password');
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Current password is incorrect' });
      }
      if (input.newPassword === input.currentPassword) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'New password must differ from the current password' });
      }

      const now = ctx.clock.now();
      await ctx.db
        .updateTable('users')
        .set({ password_hash: await hashPassword(input.newPassword), updated_at: now })
        .where('id', '=', ctx.user.id)
        .execute();
      const revoked = await ctx.db
        .updateTable('sessions')
        .set({ revoked_at: now })
        .where('user_id', '=', ctx.user.id)
        .where('id', '!=', ctx.session.id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await ctx.rateLimiter.reset(attemptKey);
      ctx.log.info(
        { userId: ctx.user.id, revokedSessions: Number(revoked.numUpdatedRows) },
        'password changed; other sessions revoked',
      );
      return { changed: true as const, revokedSessions: Number(revoked.numUpdatedRows) };
    }),
});
