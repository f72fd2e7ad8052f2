import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parse-workflow.js';
import type { ScriptChecker } from './parse-result.js';

/** Reports the first `BAD` token at its line and column; `EOF` reports past the last line. */
const checker: ScriptChecker = (source) => {
  const lines = source.split('\n');
  for (const [i, line] of lines.entries()) {
    const col = line.indexOf('BAD');
    if (col >= 0) return { line: i + 1, col: col + 1, message: "unexpected symbol near 'BAD'" };
    if (line.includes('EOF')) return { line: lines.length, message: "'end' expected near <eof>" };
  }
  return undefined;
};

function diagnosticsOf(hooks: string, withChecker = true) {
  const source = `uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: 'true'
${hooks}`;
  return parseWorkflow(source, withChecker ? { scriptChecker: checker } : {}).diagnostics.map(
    (d) => `${d.line}:${d.col} ${d.code} ${d.path ?? ''} ${d.message}`,
  );
}

describe('hook scripts at validation time', () => {
  it('maps a line of a literal block to its line and column in the YAML', () => {
    expect(
      diagnosticsOf(`            pre: |
              log('a')
              if x then BAD end
`),
    ).toEqual([
      "12:25 lua-syntax stages[0].actions[0].jobs[0].pre pre hook: unexpected symbol near 'BAD'",
    ]);
  });

  it('keeps blank lines of a block in the count, and reads the indentation of the block', () => {
    expect(
      diagnosticsOf(`            post: |+

                  x = 1
                  BAD
`),
    ).toEqual([
      "13:19 lua-syntax stages[0].actions[0].jobs[0].post post hook: unexpected symbol near 'BAD'",
    ]);
  });

  it('points at the column of a single-line plain or quoted script', () => {
    expect(diagnosticsOf(`            pre: x = BAD\n`)).toEqual([
      "10:22 lua-syntax stages[0].actions[0].jobs[0].pre pre hook: unexpected symbol near 'BAD'",
    ]);
    expect(diagnosticsOf(`            post: "x = BAD"\n`)).toEqual([
      "10:24 lua-syntax stages[0].actions[0].jobs[0].post post hook: unexpected symbol near 'BAD'",
    ]);
    // An escape shifts columns: point at the value instead.
    expect(diagnosticsOf(`            pre: "s = '\\t' BAD"\n`)).toEqual([
      "10:18 lua-syntax stages[0].actions[0].jobs[0].pre pre hook: unexpected symbol near 'BAD'",
    ]);
  });

  it('points at the value for a line of a multi-line flow scalar', () => {
    expect(diagnosticsOf(`            pre: "a = 1\n\n              BAD"\n`)).toEqual([
      "10:18 lua-syntax stages[0].actions[0].jobs[0].pre pre hook: unexpected symbol near 'BAD'",
    ]);
  });

  it('puts an error at <eof> after the last line of the block, not on the next key', () => {
    expect(
      diagnosticsOf(`            pre: |
              if EOF then
            post: x
`),
    ).toEqual([
      "11:26 lua-syntax stages[0].actions[0].jobs[0].pre pre hook: 'end' expected near <eof>",
    ]);
  });

  it('checks nothing without a checker, and reports a checker that throws', () => {
    expect(diagnosticsOf(`            pre: BAD\n`, false)).toEqual([]);
    const result = parseWorkflow(
      `uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - { name: j, command: x, post: 'y' }
`,
      {
        scriptChecker: () => {
          throw new Error('no Lua here');
        },
      },
    );
    expect(result.diagnostics.map((d) => [d.line, d.col, d.message])).toEqual([
      [8, 42, 'post hook: the script checker failed: no Lua here'],
    ]);
    expect(result.workflow).toBeUndefined();
  });
});
