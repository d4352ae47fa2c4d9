import { TRPCError } from '@trpc/server';
import { z } from 'zod';

import { adminProcedure, router } from '../trpc.js';
import { toPublicUser } from '../users.js';
import { roleInput, userIdInput } from '../validation.js';

const MAX_PAGE_SIZE = 100;

export const usersRouter = router({
  /** Lists users ordered by sign-up time, one page at a time. Admin only. */
  list: adminProcedure
    .input(
      z
        .object({
          limit: z
            .number({ message: 'Limit must be a number' })
            .int({ message: 'Limit must be an integer' })
            .min(1, { message: 'Limit must be at least 1' })
            .max(MAX_PAGE_SIZE, { message: `Limit must be at most ${MAX_PAGE_SIZE}` })
            .default(50),
          offset: z
            .number({ message: 'Offset must be a number' })
            .int({ message: 'Offset must be an integer' })
            .min(0, { message: 'Offset must not be negative' })
            .default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.db
        .selectFrom('users')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(input.limit)
        .offset(input.offset)
        .execute();
      const { total } = await ctx.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('total'))
        .executeTakeFirstOrThrow();
      return { users: rows.map(toPublicUser), total: Number(total) };
    }),

  /**
   * Changes a user's role. Admin only. The last admin cannot be demoted, so
   * the server always keeps someone who can manage it.
   */
  setRole: adminProcedure.input(z.object({ userId: userIdInput, role: roleInput })).mutation(async ({ ctx, input }) => {
    const { user: updated, changed } = await ctx.db.transaction().execute(async (trx) => {
      // Locking the admin rows makes concurrent demotions on PostgreSQL
      // wait for each other. SQLite runs one write transaction at a time.
      let admins = trx.selectFrom('users').select('id').where('role', '=', 'admin');
      if (ctx.databaseKind === 'postgres') admins = admins.forUpdate();
      const adminIds = (await admins.execute()).map((row) => row.id);

      const target = await trx.selectFrom('users').selectAll().where('id', '=', input.userId).executeTakeFirst();
      if (target === undefined) {
        throw new TRPCError({ code: 'NOT_FOUND', message: `No user with id ${input.userId}` });
      }
      if (target.role === 'admin' && input.role !== 'admin' && adminIds.length <= 1) {
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: 'Cannot remove the admin role from the last admin; make another user admin first',
        });
      }
      if (target.role === input.role) return { user: target, changed: false };

      const now = ctx.clock.now();
      await trx.updateTable('users').set({ role: input.role, updated_at: now }).where('id', '=', target.id).execute();
      return { user: { ...target, role: input.role, updated_at: now }, changed: true };
    });

    if (changed) {
      ctx.log.info({ userId: updated.id, role: updated.role, changedBy: ctx.user.id }, 'user role changed');
    } else {
      ctx.log.info({ userId: updated.id, role: updated.role, changedBy: ctx.user.id }, 'user role unchanged');
    }
    return toPublicUser(updated);
  }),
});
