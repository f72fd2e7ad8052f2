import { defineConfig } from 'vitest/config';

/** Unit tests of the pure TypeScript parts (stores, YAML ⇄ graph, ANSI, logs) run under Node. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
