import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'browser',
    include: ['test/**/*.test.ts'],
    // The Chromium suites start a browser and bundle pages with esbuild and Vite.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
