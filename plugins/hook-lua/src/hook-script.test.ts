/** The sandboxed script run itself, in-process (no worker): json, string helpers, values. */
import { describe, expect, it } from 'vitest';
import { runHookScript } from './hook-script.js';
import { defaultLimits } from './limits.js';

const limits = { ...defaultLimits, instructionBudget: 1_000_000 };

/** Runs a pre hook and returns `input` after it, or throws with the hook's error. */
function inputAfter(script: string, input: Record<string, string> = {}): Record<string, string> {
  const outcome = runHookScript({ phase: 'pre', script, input, env: {}, limits }, () => {});
  if ('error' in outcome) throw new Error(outcome.error);
  if (outcome.phase !== 'pre') throw new Error('not a pre outcome');
  return outcome.input;
}

function errorOf(script: string): string | undefined {
  const outcome = runHookScript({ phase: 'pre', script, input: {}, env: {}, limits }, () => {});
  return 'error' in outcome ? outcome.error : undefined;
}

describe('json', () => {
  it('round-trips nested objects, arrays, nulls, unicode and numbers', () => {
    const document =
      '{"a":[1,2,{"b":null}],"c":"é ✓ \\"q\\"\\n","d":1.5,"e":[],"f":{},"g":-7,"h":true}';
    const { out } = inputAfter(`input.out = json.encode(json.decode(input.doc))`, {
      doc: document,
    });
    expect(JSON.parse(out ?? '')).toEqual(JSON.parse(document));
  });

  it('encodes arrays versus objects', () => {
    const result = inputAfter(`
      input.list = json.encode({ 'a', 'b', 'c' })
      input.object = json.encode({ b = 1, a = { x = false } })
      input.empty = json.encode({})
      input.empty_array = json.encode(json.array())
      input.sparse = json.encode({ [1] = 'a', [3] = 'c' })
      input.mixed = json.encode({ 'a', key = 'v' })
      input.null_in_array = json.encode({ 1, json.null, 3 })
      input.float = json.encode({ 0.25, 3.0, 2^53 })
    `);
    expect(result).toEqual({
      list: '["a","b","c"]',
      object: '{"a":{"x":false},"b":1}',
      empty: '{}',
      empty_array: '[]',
      sparse: '{"1":"a","3":"c"}',
      mixed: '{"1":"a","key":"v"}',
      null_in_array: '[1,null,3]',
      float: '[0.25,3,9007199254740992]',
    });
  });

  it('decodes to Lua values', () => {
    const result = inputAfter(`
      local v = json.decode('{"n":42,"f":0.5,"s":"x","list":[10,20],"none":null,"yes":true}')
      input.n = math.type(v.n) .. ':' .. v.n
      input.f = math.type(v.f) .. ':' .. v.f
      input.len = #v.list .. ':' .. v.list[2]
      input.none = tostring(v.none == json.null)
      input.yes = tostring(v.yes)
      input.top = tostring(json.decode('3'))
    `);
    expect(result).toEqual({
      n: 'integer:42',
      f: 'float:0.5',
      len: '2:20',
      none: 'true',
      yes: 'true',
      top: '3',
    });
  });

  it('reports errors', () => {
    expect(errorOf(`json.decode('{"a": }')`)).toMatch(
      /^\[string "pre"\]:1: json\.decode: Unexpected token/,
    );
    expect(errorOf(`local t = {} t.self = t json.encode(t)`)).toBe(
      '[string "pre"]:1: json.encode: cannot encode a table that contains itself',
    );
    expect(errorOf(`json.encode({ f = print })`)).toBe(
      '[string "pre"]:1: json.encode: cannot encode a function value',
    );
    expect(errorOf(`json.encode(0/0)`)).toBe(
      '[string "pre"]:1: json.encode: cannot encode NaN or infinity',
    );
    expect(errorOf(`json.encode({ [true] = 1 })`)).toBe(
      '[string "pre"]:1: json.encode: object keys must be strings or numbers, not boolean',
    );
    expect(
      errorOf(`local t = {} local c = t for i = 1, 300 do c[1] = {} c = c[1] end json.encode(t)`),
    ).toBe('[string "pre"]:1: json.encode: nesting deeper than 200 levels');
    expect(errorOf(`json.decode(string.rep('[', 300) .. string.rep(']', 300))`)).toBe(
      '[string "pre"]:1: json.decode: nesting deeper than 200 levels',
    );
  });

  it('lets a shared (non-cyclic) table appear twice', () => {
    expect(inputAfter(`local t = { 1 } input.out = json.encode({ t, t })`).out).toBe('[[1],[1]]');
  });
});

describe('string helpers', () => {
  it('string.rep and table.concat behave like Lua', () => {
    expect(
      inputAfter(`
        input.rep = string.rep('ab', 3)
        input.sep = ('x'):rep(4, ', ')
        input.one = string.rep('ab', 1, '-')
        input.none = string.rep('ab', 0) .. '|' .. string.rep('', 1e9)
        input.concat = table.concat({ 'a', 1, 'c' }, '-')
        input.range = table.concat({ 'a', 'b', 'c', 'd' }, '', 2, 3)
        input.empty = table.concat({})
      `),
    ).toEqual({
      rep: 'ababab',
      sep: 'x, x, x, x',
      one: 'ab',
      none: '|',
      concat: 'a-1-c',
      range: 'bc',
      empty: '',
    });
    expect(errorOf(`table.concat({ 'a', {} })`)).toBe(
      `[string "pre"]:1: invalid value (at index 2) in table for 'concat'`,
    );
  });
});

describe('values', () => {
  it('converts numbers and booleans to text, drops nils, keeps "__proto__" as a key', () => {
    expect(
      inputAfter(
        `input.i = 3 input.f = 0.5 input.b = false input.gone = nil input['__proto__'] = 'p'`,
        { gone: 'x' },
      ),
    ).toEqual(
      Object.fromEntries([
        ['i', '3'],
        ['f', '0.5'],
        ['b', 'false'],
        ['__proto__', 'p'],
      ]),
    );
  });

  it('passes non-UTF-8 bytes through as replacement characters', () => {
    expect(inputAfter(`input.bytes = '\\255ok'`).bytes).toBe('\uFFFDok');
  });
});
