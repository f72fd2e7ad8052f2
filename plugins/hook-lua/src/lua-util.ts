/** Small helpers over the fengari C-like API, shared by the sandbox pieces. */
import fengari from 'fengari';
import type { LuaState, LuaString } from 'fengari';

const { lua, lauxlib } = fengari;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** JS string -> Lua string (UTF-8 bytes). */
export function luaText(text: string): LuaString {
  return encoder.encode(text);
}

/** Lua string -> JS string; invalid UTF-8 becomes U+FFFD instead of throwing. */
export function jsText(bytes: LuaString): string {
  return decoder.decode(bytes);
}

/**
 * The position prefix Lua puts on errors ("[string "pre"]:3: "), of the Lua code running at
 * `level` (0: the running Lua function, as in a hook; 1: the caller of a JS function); when that
 * level is not Lua code, the next one is tried. Empty when there is none.
 */
export function position(L: LuaState, level: 0 | 1): string {
  // Inside the VM (a string check during `..`) the frame may have no free slot.
  lua.lua_checkstack(L, 4);
  lauxlib.luaL_where(L, level);
  if (lua.lua_rawlen(L, -1) === 0 && level === 0) {
    lua.lua_pop(L, 1);
    lauxlib.luaL_where(L, 1);
  }
  const text = stringAt(L, -1);
  lua.lua_pop(L, 1);
  return text;
}

/** Raises a Lua error "<position>message"; see {@link position} for `level`. */
export function raise(L: LuaState, message: string, level: 0 | 1 = 1): never {
  return raiseText(L, position(L, level) + message);
}

/** Raises a Lua error whose value is exactly `text`. */
export function raiseText(L: LuaState, text: string): never {
  lua.lua_checkstack(L, 2);
  lua.lua_pushstring(L, luaText(text));
  return lua.lua_error(L);
}

/** Reads the string at `idx` (which must be a string or a number) as JS text. */
export function stringAt(L: LuaState, idx: number): string {
  const bytes = lua.lua_tostring(L, idx);
  return bytes === null ? '' : jsText(bytes);
}

/** The Lua type name of the value at `idx` ("nil", "table", ...), without running metamethods. */
export function typeNameAt(L: LuaState, idx: number): string {
  switch (lua.lua_type(L, idx)) {
    case lua.LUA_TNIL:
      return 'nil';
    case lua.LUA_TBOOLEAN:
      return 'boolean';
    case lua.LUA_TNUMBER:
      return 'number';
    case lua.LUA_TSTRING:
      return 'string';
    case lua.LUA_TTABLE:
      return 'table';
    case lua.LUA_TFUNCTION:
      return 'function';
    case lua.LUA_TTHREAD:
      return 'thread';
    case lua.LUA_TNONE:
      return 'no value';
    default:
      return 'userdata';
  }
}
