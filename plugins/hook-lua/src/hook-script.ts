/**
 * Runs one hook script in a fresh sandbox and collects what it changed. Synchronous; runs in a
 * worker (the runner never calls it on the engine's thread).
 */
import fengari from 'fengari';
import type { LuaJsFunction, LuaState } from 'fengari';
import { formatBytes } from './limits.js';
import type { SandboxLimits } from './limits.js';
import { createLimitGuard } from './limit-guard.js';
import { readStringTable, pushStringTable, TableValueError } from './lua-tables.js';
import { luaText, stringAt, typeNameAt } from './lua-util.js';
import type { HookOutcome, HookRequest } from './protocol.js';
import { createSandbox, logLine, setGlobalFunction } from './sandbox.js';

const { lua, lauxlib } = fengari;

/** Thrown (as a Lua error value) by `skip()`/`fail()` to stop the script; never shown. */
const stopSignal = Object.freeze({ stop: true });

/** What `skip()`/`fail()` recorded; kept even if the script catches the stop with `pcall`. */
interface Verdict {
  skip?: string;
  fail?: string;
}

/**
 * Runs `request.script` and returns the changed values, or `{ error }` with the Lua message
 * ("[string "pre"]:3: attempt to ...") when the script failed or left an invalid value. Never
 * throws for anything the script does. `log` receives each `log(...)`/`print(...)` line.
 */
export function runHookScript(request: HookRequest, log: (text: string) => void): HookOutcome {
  const L = createSandbox();
  const verdict: Verdict = {};
  const logFunction = limitedLog(request.limits, log);
  setGlobalFunction(L, 'log', logFunction);
  setGlobalFunction(L, 'print', logFunction);
  setGlobalFunction(L, 'fail', stopWith(verdict, 'fail', `${request.phase} hook failed the job`));
  if (request.phase === 'pre') {
    setGlobalFunction(L, 'skip', stopWith(verdict, 'skip', 'skipped by the pre hook'));
    pushStringTable(L, request.input);
    lua.lua_setglobal(L, luaText('input'));
    pushStringTable(L, request.env);
    lua.lua_setglobal(L, luaText('env'));
  } else {
    pushStringTable(L, request.outputs);
    lua.lua_setglobal(L, luaText('outputs'));
    lua.lua_createtable(L, 0, 2);
    if (request.exitCode !== null) lua.lua_pushinteger(L, request.exitCode);
    else lua.lua_pushnil(L);
    lua.lua_setfield(L, -2, luaText('exit_code'));
    lua.lua_pushboolean(L, request.succeeded);
    lua.lua_setfield(L, -2, luaText('succeeded'));
    lua.lua_setglobal(L, luaText('result'));
  }

  const error = execute(L, request.phase, request.script, request.limits);
  if (verdict.fail !== undefined || verdict.skip !== undefined)
    return verdictOutcome(request, verdict);
  if (error !== undefined) return { error };
  try {
    return collect(L, request);
  } catch (caught) {
    if (caught instanceof TableValueError) return { error: caught.message };
    throw caught;
  }
}

/** Compiles (text only) and runs the script under the limits; returns the error text, if any. */
function execute(
  L: LuaState,
  phase: string,
  script: string,
  limits: SandboxLimits,
): string | undefined {
  const source = luaText(script);
  if (source.length > limits.maxStringBytes) {
    return `script of ${source.length} bytes exceeds the limit of ${formatBytes(limits.maxStringBytes)}`;
  }
  let status = lauxlib.luaL_loadbufferx(L, source, null, luaText(phase), luaText('t'));
  if (status === lua.LUA_OK) {
    const guard = createLimitGuard(L, limits);
    guard.start();
    try {
      status = lua.lua_pcall(L, 0, 0, 0);
    } finally {
      guard.stop();
    }
    if (guard.failure !== undefined) return guard.failure;
  }
  return status === lua.LUA_OK ? undefined : errorText(L);
}

/** The text of the error value on top of the stack, without running any Lua code. */
function errorText(L: LuaState): string {
  const type = lua.lua_type(L, -1);
  if (type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER) return stringAt(L, -1);
  return `(error object is a ${typeNameAt(L, -1)} value)`;
}

function verdictOutcome(request: HookRequest, verdict: Verdict): HookOutcome {
  if (request.phase === 'pre') {
    return {
      phase: 'pre',
      input: { ...request.input },
      env: { ...request.env },
      ...(verdict.fail !== undefined ? { fail: verdict.fail } : { skip: verdict.skip }),
    };
  }
  return { phase: 'post', outputs: { ...request.outputs }, succeeded: false, fail: verdict.fail };
}

/** Reads back what the script may change. Raw reads only: no metamethod runs after the script. */
function collect(L: LuaState, request: HookRequest): HookOutcome {
  if (request.phase === 'pre') {
    const input = readGlobalTable(L, 'input');
    const env = readGlobalTable(L, 'env');
    for (const name of Object.keys(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new TableValueError(`env.${name}: not a valid environment variable name`);
      }
    }
    return { phase: 'pre', input, env };
  }
  const outputs = readGlobalTable(L, 'outputs');
  lua.lua_getglobal(L, luaText('result'));
  if (lua.lua_type(L, -1) !== lua.LUA_TTABLE) throw new TableValueError('result must stay a table');
  lua.lua_pushliteral(L, 'succeeded');
  lua.lua_rawget(L, -2);
  if (lua.lua_type(L, -1) !== lua.LUA_TBOOLEAN) {
    throw new TableValueError(`result.succeeded must be a boolean, not ${typeNameAt(L, -1)}`);
  }
  return { phase: 'post', outputs, succeeded: lua.lua_toboolean(L, -1) };
}

function readGlobalTable(L: LuaState, name: string): Record<string, string> {
  lua.lua_getglobal(L, luaText(name));
  const values = readStringTable(L, -1, name);
  lua.lua_pop(L, 1);
  return values;
}

/** `skip(reason)` / `fail(reason)`: records the verdict and stops the script. */
function stopWith(verdict: Verdict, kind: keyof Verdict, fallback: string): LuaJsFunction {
  return (L) => {
    const reason = lua.lua_type(L, 1) <= lua.LUA_TNIL ? fallback : stringAt(L, 1) || fallback;
    if (verdict.fail === undefined && verdict.skip === undefined) verdict[kind] = reason;
    lua.lua_pushlightuserdata(L, stopSignal);
    return lua.lua_error(L);
  };
}

/** `log(...)`: forwards lines, cutting long ones and dropping those past the line limit. */
function limitedLog(limits: SandboxLimits, log: (text: string) => void): LuaJsFunction {
  let lines = 0;
  return (L) => {
    lines++;
    if (lines > limits.maxLogLines) {
      if (lines === limits.maxLogLines + 1)
        log(`(log limit of ${limits.maxLogLines} lines reached; further lines are dropped)`);
      return 0;
    }
    const line = logLine(L);
    log(
      line.length > limits.maxLogLineBytes
        ? `${line.slice(0, limits.maxLogLineBytes)}... (line cut)`
        : line,
    );
    return 0;
  };
}
