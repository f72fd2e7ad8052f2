/**
 * Builds the Lua state a hook runs in: a fresh state per hook with only the safe standard
 * libraries, size-checked `string.rep`/`table.concat`, text-only `load`, and the hook API
 * functions the caller adds. Runs in the worker.
 */
import fengari from 'fengari';
import type { LuaJsFunction, LuaState } from 'fengari';
import { checkStringLength } from './limit-guard.js';
import { installJson } from './lua-json.js';
import { jsText, luaText, raise, stringAt } from './lua-util.js';

const { lua, lauxlib, lualib } = fengari;

const safeLibraries: ReadonlyArray<readonly [string, LuaJsFunction]> = [
  ['_G', lualib.luaopen_base],
  ['coroutine', lualib.luaopen_coroutine],
  ['math', lualib.luaopen_math],
  ['os', lualib.luaopen_os],
  ['string', lualib.luaopen_string],
  ['table', lualib.luaopen_table],
  ['utf8', lualib.luaopen_utf8],
];

/** Globals the base library defines that reach files or the collector. */
const removedGlobals = ['dofile', 'loadfile', 'collectgarbage'];

/** The `os` functions a hook keeps: clocks and dates, nothing that touches the process. */
const keptOsFunctions = ['time', 'date', 'clock', 'difftime'];

/**
 * Runs once per state, before the hook script and before limits are armed. `load` is forced to
 * mode "t" (bytecode can break the VM's invariants) and keeps the global environment as its
 * default. `xpcall` runs its handler after unwinding, because fengari, like C Lua, runs a message
 * handler with hooks disabled when the error came from a hook: a looping handler would escape the
 * instruction budget.
 */
const prelude = `
local raw_load, pcall, pack, unpack = load, pcall, table.pack, table.unpack
load = function(chunk, chunkname, mode, ...)
  return raw_load(chunk, chunkname, "t", ...)
end
xpcall = function(f, handler, ...)
  local r = pack(pcall(f, ...))
  if r[1] then return unpack(r, 1, r.n) end
  return false, (handler(r[2]))
end
`;

/** Creates a sandboxed state. Throws (JS) only on a bug; the prelude cannot fail. */
export function createSandbox(): LuaState {
  const L = lauxlib.luaL_newstate();
  lua.lua_atnativeerror(L, nativeError);
  for (const [name, open] of safeLibraries) {
    lauxlib.luaL_requiref(L, luaText(name), open, 1);
    lua.lua_pop(L, 1);
  }
  for (const name of removedGlobals) {
    lua.lua_pushnil(L);
    lua.lua_setglobal(L, luaText(name));
  }
  restrictOs(L);
  replaceLibraryFunction(L, 'string', 'rep', checkedRep);
  replaceLibraryFunction(L, 'table', 'concat', checkedConcat);
  installJson(L);
  const status = lauxlib.luaL_loadbufferx(
    L,
    luaText(prelude),
    null,
    luaText('=sandbox'),
    luaText('t'),
  );
  if (status !== lua.LUA_OK || lua.lua_pcall(L, 0, 0, 0) !== lua.LUA_OK) {
    throw new Error(`hook-lua: sandbox prelude failed: ${stringAt(L, -1)}`);
  }
  return L;
}

/** Sets a global JS function. */
export function setGlobalFunction(L: LuaState, name: string, fn: LuaJsFunction): void {
  lua.lua_pushjsfunction(L, fn);
  lua.lua_setglobal(L, luaText(name));
}

/** A JS exception inside the VM (e.g. a failed buffer allocation) becomes a Lua error. */
const nativeError: LuaJsFunction = (L) => {
  const error = lua.lua_touserdata(L, 1);
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  lua.lua_pushstring(L, luaText(`internal error: ${text}`));
  return 1;
};

function restrictOs(L: LuaState): void {
  lua.lua_getglobal(L, luaText('os'));
  lua.lua_createtable(L, 0, keptOsFunctions.length);
  for (const name of keptOsFunctions) {
    lua.lua_getfield(L, -2, luaText(name));
    lua.lua_setfield(L, -2, luaText(name));
  }
  lua.lua_setglobal(L, luaText('os'));
  lua.lua_pop(L, 1);
}

/**
 * Replaces `lib.name`. The `string` table is also the strings' `__index`, so method calls
 * (`s:rep(n)`) get the replacement too.
 */
function replaceLibraryFunction(
  L: LuaState,
  lib: string,
  name: string,
  replacement: LuaJsFunction,
): void {
  lua.lua_getglobal(L, luaText(lib));
  lua.lua_pushjsfunction(L, replacement);
  lua.lua_setfield(L, -2, luaText(name));
  lua.lua_pop(L, 1);
}

/**
 * `string.rep` that refuses an oversized result before allocating it. Builds the result by
 * doubling, which is also much faster than fengari's one copy per piece.
 */
const checkedRep: LuaJsFunction = (L) => {
  const piece = lauxlib.luaL_checkstring(L, 1);
  const count = lauxlib.luaL_checkinteger(L, 2);
  const separator = lauxlib.luaL_optstring(L, 3, '');
  const unit = piece.length + separator.length;
  if (count <= 0 || unit === 0) {
    lua.lua_pushliteral(L, '');
    return 1;
  }
  const total = count * unit - separator.length;
  if (!Number.isSafeInteger(total)) raise(L, 'resulting string too large');
  checkStringLength(L, total);
  const result = new Uint8Array(total);
  result.set(piece, 0);
  if (total > piece.length) result.set(separator, piece.length);
  for (let filled = unit; filled < total; filled *= 2) {
    result.copyWithin(filled, 0, Math.min(filled, total - filled));
  }
  lua.lua_pushstring(L, result);
  return 1;
};

/**
 * `table.concat` that checks the running length while it collects the pieces, so a table holding
 * the same large string many times cannot make it allocate beyond the string cap.
 */
const checkedConcat: LuaJsFunction = (L) => {
  lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
  const separator = lauxlib.luaL_optstring(L, 2, '');
  const first = lauxlib.luaL_optinteger(L, 3, 1);
  const last =
    lua.lua_type(L, 4) <= lua.LUA_TNIL ? lauxlib.luaL_len(L, 1) : lauxlib.luaL_checkinteger(L, 4);
  const pieces: Uint8Array[] = [];
  let total = 0;
  for (let i = first; i <= last; i++) {
    lua.lua_geti(L, 1, i);
    const piece = lua.lua_isstring(L, -1) ? lua.lua_tostring(L, -1) : null;
    if (piece === null) raise(L, `invalid value (at index ${i}) in table for 'concat'`);
    total += piece.length + (i < last ? separator.length : 0);
    checkStringLength(L, total);
    pieces.push(piece);
    lua.lua_pop(L, 1);
  }
  const result = new Uint8Array(total);
  let offset = 0;
  pieces.forEach((piece, index) => {
    result.set(piece, offset);
    offset += piece.length;
    if (index < pieces.length - 1) {
      result.set(separator, offset);
      offset += separator.length;
    }
  });
  lua.lua_pushstring(L, result);
  return 1;
};

/** Converts the arguments of a `log(...)` call to one line, like `print` (tostring each). */
export function logLine(L: LuaState): string {
  const parts: string[] = [];
  const count = lua.lua_gettop(L);
  for (let i = 1; i <= count; i++) {
    parts.push(jsText(lauxlib.luaL_tolstring(L, i)));
    lua.lua_pop(L, 1);
  }
  return parts.join(' ');
}
