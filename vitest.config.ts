import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/corpus/**/*.test.ts', 'tests/fuzz/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['tests/support/scratch-setup.ts'],
    // Vitest's default is one worker fewer than the CPUs: a single worker on a 2-core
    // machine, where much of the suite waits on child processes (the CLI, tar, lspci,
    // Chromium) and leaves a core idle. At least two files at a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
