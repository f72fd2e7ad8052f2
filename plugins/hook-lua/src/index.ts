/**
 * @containerops/hook-lua — Lua `pre`/`post` hooks around jobs, sandboxed (fengari on worker
 * threads). See README.md for the Lua API and the limits.
 */
export { createLuaHookRunner } from './lua-hook-runner.js';
export type { LuaHookRunner, LuaHookRunnerOptions } from './lua-hook-runner.js';
export { checkLuaSyntax } from './syntax.js';
export type { LuaSyntaxError } from './syntax.js';
export { resolveScript, scriptPathOf } from './resolve-script.js';
export type { ReadRepositoryFile } from './resolve-script.js';
export { defaultLimits } from './limits.js';
export type { SandboxLimits } from './limits.js';
export { luaHookConfig, luaHookPlugin } from './plugin.js';
