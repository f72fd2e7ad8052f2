// Types for the parts of fengari 0.1.5 this plugin uses (the package ships none). Fengari mirrors
// the Lua 5.3 C API, with Lua strings as Uint8Array.

declare module 'fengari' {
  /** A Lua thread; opaque on the JS side. */
  export interface LuaState {
    readonly __brand: 'LuaState';
  }
  export type LuaString = Uint8Array;
  /** A JS function callable from Lua: reads its arguments from the stack, returns how many results it pushed. */
  export type LuaJsFunction = (L: LuaState) => number;
  export interface LuaDebug {
    readonly currentline: number;
  }
  export type LuaHook = (L: LuaState, ar: LuaDebug) => void;

  export interface LuaApi {
    readonly LUA_OK: 0;
    readonly LUA_MASKCOUNT: number;
    readonly LUA_REGISTRYINDEX: number;
    readonly LUA_TNONE: number;
    readonly LUA_TNIL: number;
    readonly LUA_TBOOLEAN: number;
    readonly LUA_TLIGHTUSERDATA: number;
    readonly LUA_TNUMBER: number;
    readonly LUA_TSTRING: number;
    readonly LUA_TTABLE: number;
    readonly LUA_TFUNCTION: number;
    readonly LUA_TTHREAD: number;
    lua_atnativeerror(L: LuaState, handler: LuaJsFunction): void;
    lua_checkstack(L: LuaState, n: number): boolean;
    lua_concat(L: LuaState, n: number): void;
    lua_createtable(L: LuaState, narr: number, nrec: number): void;
    lua_error(L: LuaState): never;
    lua_getfield(L: LuaState, idx: number, key: LuaString): number;
    lua_getglobal(L: LuaState, name: LuaString): number;
    lua_geti(L: LuaState, idx: number, n: number): number;
    lua_getmetatable(L: LuaState, idx: number): boolean;
    lua_gettop(L: LuaState): number;
    lua_isinteger(L: LuaState, idx: number): boolean;
    lua_isstring(L: LuaState, idx: number): boolean;
    lua_newtable(L: LuaState): void;
    lua_next(L: LuaState, idx: number): boolean;
    lua_pcall(L: LuaState, nargs: number, nresults: number, msgh: number): number;
    lua_pop(L: LuaState, n: number): void;
    lua_pushboolean(L: LuaState, b: boolean): void;
    lua_pushinteger(L: LuaState, n: number): void;
    lua_pushjsfunction(L: LuaState, fn: LuaJsFunction): void;
    lua_pushlightuserdata(L: LuaState, p: object): void;
    lua_pushliteral(L: LuaState, s: string): void;
    lua_pushnil(L: LuaState): void;
    lua_pushnumber(L: LuaState, n: number): void;
    lua_pushstring(L: LuaState, s: LuaString): void;
    lua_pushvalue(L: LuaState, idx: number): void;
    lua_rawequal(L: LuaState, a: number, b: number): boolean;
    lua_rawget(L: LuaState, idx: number): number;
    lua_rawgeti(L: LuaState, idx: number, n: number): number;
    lua_rawlen(L: LuaState, idx: number): number;
    lua_rawset(L: LuaState, idx: number): void;
    lua_rawseti(L: LuaState, idx: number, n: number): void;
    lua_setfield(L: LuaState, idx: number, key: LuaString): void;
    lua_setglobal(L: LuaState, name: LuaString): void;
    lua_sethook(L: LuaState, hook: LuaHook | null, mask: number, count: number): void;
    lua_setmetatable(L: LuaState, idx: number): void;
    lua_settop(L: LuaState, idx: number): void;
    lua_toboolean(L: LuaState, idx: number): boolean;
    lua_tointeger(L: LuaState, idx: number): number;
    lua_tonumber(L: LuaState, idx: number): number;
    lua_topointer(L: LuaState, idx: number): unknown;
    lua_tostring(L: LuaState, idx: number): LuaString | null;
    lua_touserdata(L: LuaState, idx: number): unknown;
    lua_type(L: LuaState, idx: number): number;
  }

  export interface LuaAuxLib {
    luaL_checkinteger(L: LuaState, arg: number): number;
    luaL_checkstring(L: LuaState, arg: number): LuaString;
    luaL_checktype(L: LuaState, arg: number, type: number): void;
    luaL_len(L: LuaState, idx: number): number;
    luaL_loadbufferx(
      L: LuaState,
      buff: LuaString,
      size: number | null,
      name: LuaString,
      mode: LuaString | null,
    ): number;
    luaL_newstate(): LuaState;
    luaL_optinteger(L: LuaState, arg: number, def: number): number;
    luaL_optstring(L: LuaState, arg: number, def: string): LuaString;
    luaL_requiref(L: LuaState, name: LuaString, open: LuaJsFunction, global: number): void;
    luaL_tolstring(L: LuaState, idx: number): LuaString;
    luaL_where(L: LuaState, level: number): void;
  }

  export interface LuaLibs {
    luaopen_base: LuaJsFunction;
    luaopen_coroutine: LuaJsFunction;
    luaopen_math: LuaJsFunction;
    luaopen_os: LuaJsFunction;
    luaopen_string: LuaJsFunction;
    luaopen_table: LuaJsFunction;
    luaopen_utf8: LuaJsFunction;
  }

  const fengari: {
    readonly lua: LuaApi;
    readonly lauxlib: LuaAuxLib;
    readonly lualib: LuaLibs;
    to_luastring(s: string, cache?: boolean): LuaString;
  };
  export default fengari;
}

declare module 'fengari/src/lobject.js' {
  import type { LuaState } from 'fengari';

  /** Fengari's internal string object. */
  export interface TString {
    readonly realstring: Uint8Array;
  }
  const lobject: {
    /** Stores a string into a stack slot; the VM's `..` goes through it. */
    setsvalue2s(L: LuaState, idx: number, ts: TString): void;
    /** Pushes a string; every `lua_pushstring` (library results) goes through it. */
    pushsvalue2s(L: LuaState, ts: TString): void;
  };
  export default lobject;
}
