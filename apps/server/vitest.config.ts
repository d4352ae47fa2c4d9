import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/helpers/postgres-notice.ts'],
    // Argon2 hashing and PostgreSQL schema setup make single tests slower
    // than the 5 s default on a loaded machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
