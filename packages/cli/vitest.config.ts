import { mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

// The integration tests spawn the real `bin/containerops.js`, which runs dist/: build it first.
export default mergeConfig(sharedConfig, {
  test: { globalSetup: ['./test/build-cli.global-setup.ts'] },
});
