import { router } from '../trpc.js';
import { authRouter } from './auth.js';
import { usersRouter } from './users.js';

export const appRouter = router({
  auth: authRouter,
  users: usersRouter,
});

/** Type of the whole API, for typed `@trpc/client` calls. */
export type AppRouter = typeof appRouter;
