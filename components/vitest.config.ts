import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

// Each component's tests run real containers through the engine, after the global setup has
// built the component images (cached by content hash, so a warm start costs about a second).
export default mergeConfig(sharedConfig, {
  test: {
    include: ['library/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['./test-support/build-images.global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
