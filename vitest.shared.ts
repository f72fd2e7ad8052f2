import { defineConfig } from 'vitest/config';

/**
 * Shared Vitest settings. Workspace packages resolve to their TypeScript sources through the
 * `@containerops/source` export condition, so tests never depend on a stale `dist/`.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['@containerops/source', 'import', 'node', 'default'] },
  ssr: { resolve: { conditions: ['@containerops/source', 'import', 'node', 'default'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
