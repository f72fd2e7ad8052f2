import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

/**
 * The shared config, except its `import` resolve condition: it also reached the `require` calls
 * of CommonJS database drivers, so `pg` got `pg-pool`'s ESM build and failed ("Class extends
 * value [object Module]"). Without it, the drivers load as they do in Node.
 */
const conditions = ['@containerops/source', 'node', 'default'];

export default defineConfig({
  ...sharedConfig,
  resolve: { conditions },
  ssr: { resolve: { conditions } },
});
