/**
 * The dev dependencies a scaffolded plugin pins: the versions this repository builds and tests
 * with, so a new plugin starts on a known-good toolchain. Update together with the root
 * package.json.
 */
export const TEMPLATE_DEV_VERSIONS = {
  __TYPESCRIPT_VERSION__: '5.9.3',
  __VITEST_VERSION__: '4.1.12',
  __TYPES_NODE_VERSION__: '^20.19.0',
} as const;
