// The slow suite (`npm run test:slow`, also run by .ci/run after `npm test`): the same
// code paths as the fast tests at full size — archive limits at their defaults, the
// packed-and-installed package. Not part of `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/slow/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Scratch on tmpfs when it has room, removed at the end (see the file).
    globalSetup: ['tests/support/scratch-setup.ts'],
  },
});
