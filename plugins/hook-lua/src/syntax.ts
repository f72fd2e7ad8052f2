/** Compile-only check of a hook script, for validation time (no worker, nothing runs). */
import fengari from 'fengari';
import { luaText, stringAt } from './lua-util.js';

const { lua, lauxlib } = fengari;

/** A syntax error in a hook script. `line` is 1-based within the script. */
export interface LuaSyntaxError {
  readonly line: number;
  /** 1-based column of the offending token, when it can be located unambiguously on its line. */
  readonly col?: number;
  /** Lua's message without the position prefix, e.g. "unexpected symbol near 'x'". */
  readonly message: string;
}

/**
 * Compiles `source` as a text chunk (bytecode is refused, as at run time) without running it.
 * Returns undefined when it compiles. Pure and synchronous; safe to call on the engine's thread
 * (compiling is linear in the source size).
 */
export function checkLuaSyntax(source: string): LuaSyntaxError | undefined {
  const L = lauxlib.luaL_newstate();
  const status = lauxlib.luaL_loadbufferx(
    L,
    luaText(source),
    null,
    luaText('=script'),
    luaText('t'),
  );
  if (status === lua.LUA_OK) return undefined;
  const text = stringAt(L, -1);
  const match = /^script:(\d+): ([\s\S]*)$/.exec(text);
  if (match === null) return { line: 1, message: text };
  const line = Number(match[1]);
  const message = match[2] ?? text;
  const col = locateToken(source, line, message);
  return col === undefined ? { line, message } : { line, col, message };
}

/** Lua names the token it stopped at ("near 'x'"); find it on the reported line if it is there once. */
function locateToken(source: string, line: number, message: string): number | undefined {
  const lines = source.split('\n');
  const text = lines[line - 1];
  if (text === undefined) return undefined;
  if (message.endsWith('near <eof>')) return line === lines.length ? text.length + 1 : undefined;
  const near = /near '([\s\S]*)'$/.exec(message);
  const token = near?.[1];
  if (token === undefined || token === '') return undefined;
  const first = text.indexOf(token);
  if (first < 0 || text.indexOf(token, first + 1) >= 0) return undefined;
  return first + 1;
}
