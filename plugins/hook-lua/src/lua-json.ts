/**
 * The `json` table of the hook API: `json.encode(v)`, `json.decode(s)`, `json.null` and
 * `json.array(t)`. Bridged to JS (`JSON.parse`, `JSON.stringify` of leaves) for speed; runs in the
 * worker.
 *
 * Mapping: JSON null <-> `json.null` (so nulls keep their place in arrays); arrays decode to
 * tables marked with the array metatable, so `[]` round-trips; a table encodes as an array when
 * its keys are exactly 1..n (or it carries the marker), otherwise as an object whose keys must be
 * strings or numbers (sorted, for stable output). Cycles, functions, NaN and infinities are errors.
 */
import fengari from 'fengari';
import type { LuaJsFunction, LuaState } from 'fengari';
import { checkStringLength } from './limit-guard.js';
import { jsText, luaText, raise, typeNameAt } from './lua-util.js';

const { lua, lauxlib } = fengari;

/** Deeper values are refused: bounds the JS recursion of both directions. */
const maxDepth = 200;

/** Identity of `json.null`: a light userdata compares equal only to itself. */
const jsonNull = Object.freeze({ jsonNull: true });

/** Registry key of the metatable that marks a table as a JSON array. */
const arrayMarkerKey = luaText('containerops.json.array');

/** Adds the global `json` table to `L`. */
export function installJson(L: LuaState): void {
  lua.lua_createtable(L, 0, 1);
  lua.lua_pushliteral(L, 'array');
  lua.lua_setfield(L, -2, luaText('__name'));
  lua.lua_setfield(L, lua.LUA_REGISTRYINDEX, arrayMarkerKey);

  lua.lua_createtable(L, 0, 4);
  setFunction(L, 'encode', encode);
  setFunction(L, 'decode', decode);
  setFunction(L, 'array', markArray);
  lua.lua_pushlightuserdata(L, jsonNull);
  lua.lua_setfield(L, -2, luaText('null'));
  lua.lua_setglobal(L, luaText('json'));
}

function setFunction(L: LuaState, name: string, fn: LuaJsFunction): void {
  lua.lua_pushjsfunction(L, fn);
  lua.lua_setfield(L, -2, luaText(name));
}

/** `json.array([t])`: marks `t` (or a new table) as an array, so that `{}` encodes as `[]`. */
const markArray: LuaJsFunction = (L) => {
  if (lua.lua_type(L, 1) <= lua.LUA_TNIL) {
    lua.lua_settop(L, 0);
    lua.lua_newtable(L);
  } else {
    lauxlib.luaL_checktype(L, 1, lua.LUA_TTABLE);
    lua.lua_settop(L, 1);
  }
  lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, arrayMarkerKey);
  lua.lua_setmetatable(L, 1);
  return 1;
};

const encode: LuaJsFunction = (L) => {
  lua.lua_settop(L, 1);
  const encoder = new Encoder(L);
  const text = encoder.value(1, 0);
  const bytes = luaText(text);
  checkStringLength(L, bytes.length);
  lua.lua_pushstring(L, bytes);
  return 1;
};

class Encoder {
  private readonly open = new Set<unknown>();
  private size = 0;

  constructor(private readonly L: LuaState) {}

  /** Encodes the value at absolute index `idx`. */
  value(idx: number, depth: number): string {
    const L = this.L;
    const type = lua.lua_type(L, idx);
    let text: string;
    if (type === lua.LUA_TNIL) text = 'null';
    else if (type === lua.LUA_TBOOLEAN) text = lua.lua_toboolean(L, idx) ? 'true' : 'false';
    else if (type === lua.LUA_TNUMBER) text = this.number(idx);
    else if (type === lua.LUA_TSTRING)
      text = JSON.stringify(jsText(lua.lua_tostring(L, idx) ?? new Uint8Array()));
    else if (type === lua.LUA_TLIGHTUSERDATA && lua.lua_touserdata(L, idx) === jsonNull)
      text = 'null';
    else if (type === lua.LUA_TTABLE) return this.table(idx, depth);
    else raise(L, `json.encode: cannot encode a ${typeNameAt(L, idx)} value`);
    this.grow(text.length);
    return text;
  }

  private number(idx: number): string {
    if (lua.lua_isinteger(this.L, idx)) return String(lua.lua_tointeger(this.L, idx));
    const n = lua.lua_tonumber(this.L, idx);
    if (!Number.isFinite(n)) raise(this.L, 'json.encode: cannot encode NaN or infinity');
    return JSON.stringify(n);
  }

  private table(idx: number, depth: number): string {
    const L = this.L;
    if (depth >= maxDepth) raise(L, `json.encode: nesting deeper than ${maxDepth} levels`);
    const identity = lua.lua_topointer(L, idx);
    if (this.open.has(identity))
      raise(L, 'json.encode: cannot encode a table that contains itself');
    if (!lua.lua_checkstack(L, 4)) raise(L, 'json.encode: Lua stack exhausted');
    this.open.add(identity);
    const keys = this.keys(idx);
    const asArray = keys === 'array' || (keys.length === 0 && this.markedArray(idx));
    let text: string;
    if (keys === 'array' || asArray) {
      const items: string[] = [];
      const length = lua.lua_rawlen(L, idx);
      for (let i = 1; i <= length; i++) {
        lua.lua_rawgeti(L, idx, i);
        items.push(this.value(lua.lua_gettop(L), depth + 1));
        lua.lua_pop(L, 1);
      }
      text = `[${items.join(',')}]`;
    } else {
      const members: string[] = [];
      for (const key of keys) {
        if (key.number === undefined) lua.lua_pushstring(L, luaText(key.name));
        else if (Number.isInteger(key.number)) lua.lua_pushinteger(L, key.number);
        else lua.lua_pushnumber(L, key.number);
        lua.lua_rawget(L, idx);
        members.push(`${JSON.stringify(key.name)}:${this.value(lua.lua_gettop(L), depth + 1)}`);
        lua.lua_pop(L, 1);
      }
      text = `{${members.join(',')}}`;
    }
    this.open.delete(identity);
    this.grow(text.length);
    return text;
  }

  /** 'array' when the keys are exactly 1..n (n >= 1); otherwise the object keys, sorted. */
  private keys(idx: number): 'array' | ObjectKey[] {
    const L = this.L;
    const keys: ObjectKey[] = [];
    let positiveIntegers = 0;
    let maxInteger = 0;
    lua.lua_pushnil(L);
    while (lua.lua_next(L, idx)) {
      lua.lua_pop(L, 1);
      const type = lua.lua_type(L, -1);
      if (type === lua.LUA_TSTRING) {
        keys.push({ name: jsText(lua.lua_tostring(L, -1) ?? new Uint8Array()) });
      } else if (type === lua.LUA_TNUMBER) {
        const n = lua.lua_tonumber(L, -1);
        if (lua.lua_isinteger(L, -1) && n >= 1) {
          positiveIntegers++;
          maxInteger = Math.max(maxInteger, n);
        }
        keys.push({ name: String(n), number: n });
      } else {
        const type = typeNameAt(L, -1);
        lua.lua_pop(L, 1);
        raise(L, `json.encode: object keys must be strings or numbers, not ${type}`);
      }
    }
    if (positiveIntegers > 0 && positiveIntegers === keys.length && maxInteger === keys.length)
      return 'array';
    return keys.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  private markedArray(idx: number): boolean {
    const L = this.L;
    if (!lua.lua_getmetatable(L, idx)) return false;
    lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, arrayMarkerKey);
    const marked = lua.lua_rawequal(L, -1, -2);
    lua.lua_pop(L, 2);
    return marked;
  }

  /** Stops early when the text being built passes the string cap (UTF-16 units ~ bytes). */
  private grow(length: number): void {
    this.size += length;
    checkStringLength(this.L, this.size);
  }
}

/** An object key: its JSON name, and the number it is in Lua when it is not a string. */
interface ObjectKey {
  readonly name: string;
  readonly number?: number;
}

const decode: LuaJsFunction = (L) => {
  const text = jsText(lauxlib.luaL_checkstring(L, 1));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    raise(L, `json.decode: ${error instanceof Error ? error.message : String(error)}`);
  }
  lua.lua_settop(L, 0);
  push(L, parsed, 0);
  return 1;
};

function push(L: LuaState, value: unknown, depth: number): void {
  if (value === null) lua.lua_pushlightuserdata(L, jsonNull);
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value);
  else if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) lua.lua_pushinteger(L, value);
    else lua.lua_pushnumber(L, value);
  } else if (typeof value === 'string') lua.lua_pushstring(L, luaText(value));
  else {
    if (depth >= maxDepth) raise(L, `json.decode: nesting deeper than ${maxDepth} levels`);
    if (!lua.lua_checkstack(L, 3)) raise(L, 'json.decode: Lua stack exhausted');
    if (Array.isArray(value)) {
      lua.lua_createtable(L, value.length, 0);
      value.forEach((item: unknown, index) => {
        push(L, item, depth + 1);
        lua.lua_rawseti(L, -2, index + 1);
      });
      lua.lua_getfield(L, lua.LUA_REGISTRYINDEX, arrayMarkerKey);
      lua.lua_setmetatable(L, -2);
    } else {
      const entries = Object.entries(value as Record<string, unknown>);
      lua.lua_createtable(L, 0, entries.length);
      for (const [key, item] of entries) {
        lua.lua_pushstring(L, luaText(key));
        push(L, item, depth + 1);
        lua.lua_rawset(L, -3);
      }
    }
  }
}
