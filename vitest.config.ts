import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', '.yawl/**'],
    // Tests that start real processes need time on a shared 2-core box; nothing here asserts wall-clock speed.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
