import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

/** End-to-end suites live in `tests/`; the support code in `support/` is tested through them. */
export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { include: ['tests/**/*.test.ts'] } }),
);
