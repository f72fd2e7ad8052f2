// ESLint owns correctness; Prettier owns formatting (eslint-config-prettier turns style rules off).
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // packages/cli/templates: the sources `containerops plugin new` copies, with placeholders and
  // in no tsconfig of this repo; the scaffold test builds each generated package with strict tsc
  // and runs its conformance suite instead.
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.nx/**',
      'coverage/**',
      'bench/results/**',
      'packages/cli/templates/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.check.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Dependencies point one way: core <- sdk <- plugins <- server <- cli (docs/architecture.md).
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:sdk', onlyDependOnLibsWithTags: ['scope:core'] },
            // Plugins see only the SDK, and the plugin libraries declared with a `lib:` tag: the
            // docker plugin's stream helpers (swarm), the git trigger kit (github, gitlab), the
            // k8s node agent's `./testing` gate (kubernetes plugin's tests only).
            {
              sourceTag: 'scope:plugin',
              onlyDependOnLibsWithTags: [
                'scope:sdk',
                'lib:docker',
                'lib:git-trigger-kit',
                'lib:k8s-testing',
              ],
            },
            {
              sourceTag: 'scope:server',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:sdk', 'scope:plugin'],
            },
            {
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:sdk', 'scope:plugin', 'scope:server'],
            },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: [] },
            // Tools for test machines (the k8s node agent) stand alone: nothing of ours.
            { sourceTag: 'scope:tool', onlyDependOnLibsWithTags: [] },
            // End-to-end tests also use the k8s node agent's `./testing` gate (the cluster tests).
            {
              sourceTag: 'scope:e2e',
              onlyDependOnLibsWithTags: [
                'scope:core',
                'scope:sdk',
                'scope:plugin',
                'scope:server',
                'scope:cli',
                'lib:k8s-testing',
              ],
            },
            {
              sourceTag: 'scope:bench',
              onlyDependOnLibsWithTags: [
                'scope:core',
                'scope:sdk',
                'scope:plugin',
                'scope:server',
                'scope:cli',
              ],
            },
          ],
        },
      ],
    },
  },
  {
    // web/ is type-checked by vue-tsc with DOM libs (web/tsconfig.json), not by tsconfig.check.json.
    // Its .vue files are left to vue-tsc (no Vue parser here); its .ts files are linted like the rest.
    files: ['web/**/*.ts'],
    languageOptions: {
      parserOptions: { project: './web/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Test-runner config files import the shared root config by path; that is not a package import.
    files: ['**/vitest.config.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  prettier,
);
