import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { SkipReasonsReporter } from './vitest.skip-reasons.js';

/**
 * `graphql` ships CommonJS (`main`) and ESM (`module`) builds without an `exports` map. Node (and
 * so every externalised dependency: type-graphql, @apollo/server, graphql-ws) loads the CommonJS
 * one, while Vite would hand our sources the ESM one: two instances, and graphql refuses types
 * "from another module or realm". Resolve ours to the same file Node uses.
 */
const graphqlEntry = createRequire(import.meta.url).resolve('graphql');

/**
 * Shared Vitest settings. Workspace packages resolve to their TypeScript sources through the
 * `@containerops/source` export condition, so tests never depend on a stale `dist/`.
 */
export const sharedConfig = defineConfig({
  resolve: {
    conditions: ['@containerops/source', 'import', 'node', 'default'],
  },
  ssr: { resolve: { conditions: ['@containerops/source', 'import', 'node', 'default'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    alias: [{ find: /^graphql$/, replacement: graphqlEntry }],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Default output, plus one line per skipped test with its reason (issue 15).
    reporters: ['default', new SkipReasonsReporter()],
  },
});
