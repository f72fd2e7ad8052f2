/** The Lua hook runner as a plugin (`hook: lua` in the server config). */
import { definePlugin, isConfigObject } from '@containerops/sdk';
import type { ConfigSchema, HookPlugin } from '@containerops/sdk';
import { createLuaHookRunner } from './lua-hook-runner.js';
import type { LuaHookRunnerOptions } from './lua-hook-runner.js';
import { checkLuaSyntax } from './syntax.js';

const settings = ['instructionBudget', 'wallTimeMs', 'memoryBytes', 'workers'] as const;

/**
 * Accepts no config, or an object with any of `instructionBudget`, `wallTimeMs`, `memoryBytes`,
 * `workers` (positive integers; defaults in the README).
 */
export const luaHookConfig: ConfigSchema<LuaHookRunnerOptions> = {
  parse(input: unknown): LuaHookRunnerOptions {
    if (input === undefined || input === null) return {};
    if (!isConfigObject(input))
      throw new Error('expected an object such as { wallTimeMs: 5000, workers: 2 }');
    const unknown = Object.keys(input).filter(
      (key) => !(settings as readonly string[]).includes(key),
    );
    if (unknown.length > 0) {
      throw new Error(
        `unknown setting ${unknown.join(', ')}; the settings are ${settings.join(', ')}`,
      );
    }
    const options: Record<string, number> = {};
    for (const key of settings) {
      const value = input[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
        throw new Error(`${key} must be a positive integer`);
      }
      options[key] = value;
    }
    return options;
  },
};

/** Creates the plugin instance: the runner plus the compile-only `check`. */
function createLuaHookPlugin(config: LuaHookRunnerOptions): HookPlugin {
  const runner = createLuaHookRunner(config);
  return {
    language: 'lua',
    runPre: (ctx) => runner.runPre(ctx),
    runPost: (ctx) => runner.runPost(ctx),
    check(script) {
      const problem = checkLuaSyntax(script);
      if (problem === undefined) return [];
      return [
        {
          message: problem.message,
          line: problem.line,
          ...(problem.col !== undefined ? { column: problem.col } : {}),
        },
      ];
    },
    close: () => runner.close(),
  };
}

export const luaHookPlugin = definePlugin({
  kind: 'hook',
  name: 'lua',
  version: '0.1.0',
  sdkVersion: '^0.1.0',
  description: "Runs jobs' pre/post Lua hooks in a sandbox (fengari on worker threads).",
  configSchema: luaHookConfig,
  create: (config) => createLuaHookPlugin(config),
});
