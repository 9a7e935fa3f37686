import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.yawl/**'],
    // Tests that start real processes need time on a shared 2-core box; nothing here asserts wall-clock speed.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two files at a time: most tests wait on real processes (elections, fsyncs, fault windows), so two overlap
    // well even on a 2-core box, where the default would run one file at a time (measured: 869 s -> 424 s).
    maxWorkers: 2,
  },
});
