/** Moves the hook's string maps (input, env, outputs) into and out of Lua tables. */
import fengari from 'fengari';
import type { LuaState } from 'fengari';
import { luaText, stringAt, typeNameAt } from './lua-util.js';

const { lua } = fengari;

/** A value the script left in a table cannot become a string. The message names the field. */
export class TableValueError extends Error {
  override readonly name = 'TableValueError';
}

/** Pushes a new table holding `values`. */
export function pushStringTable(L: LuaState, values: Readonly<Record<string, string>>): void {
  const entries = Object.entries(values);
  lua.lua_createtable(L, 0, entries.length);
  for (const [key, value] of entries) {
    lua.lua_pushstring(L, luaText(value));
    lua.lua_setfield(L, -2, luaText(key));
  }
}

/**
 * Reads the table at `idx` back as strings, with raw reads only. Numbers and booleans become
 * their Lua text ("42", "0.5", "true"); a missing key (set to nil) is dropped. Throws
 * {@link TableValueError} for non-string keys, other value types, or when `idx` is no table.
 */
export function readStringTable(L: LuaState, idx: number, name: string): Record<string, string> {
  if (lua.lua_type(L, idx) !== lua.LUA_TTABLE) {
    throw new TableValueError(`${name} must stay a table, not become a ${typeNameAt(L, idx)}`);
  }
  const table = idx < 0 ? lua.lua_gettop(L) + idx + 1 : idx;
  // No prototype: a key named "__proto__" must stay an ordinary key.
  const values = Object.create(null) as Record<string, string>;
  lua.lua_pushnil(L);
  while (lua.lua_next(L, table)) {
    if (lua.lua_type(L, -2) !== lua.LUA_TSTRING) {
      const keyType = typeNameAt(L, -2);
      lua.lua_pop(L, 2);
      throw new TableValueError(`${name}: keys must be strings, not ${keyType}s`);
    }
    const key = stringAt(L, -2);
    const type = lua.lua_type(L, -1);
    if (type === lua.LUA_TSTRING || type === lua.LUA_TNUMBER) {
      // A copy, so that converting a number does not change the key slot lua_next reads.
      lua.lua_pushvalue(L, -1);
      values[key] = stringAt(L, -1);
      lua.lua_pop(L, 1);
    } else if (type === lua.LUA_TBOOLEAN) {
      values[key] = lua.lua_toboolean(L, -1) ? 'true' : 'false';
    } else {
      const valueType = typeNameAt(L, -1);
      lua.lua_pop(L, 2);
      throw new TableValueError(
        `${name}.${key} must be a string, number or boolean, not a ${valueType} (use json.encode for structured values)`,
      );
    }
    lua.lua_pop(L, 1);
  }
  return values;
}
