import { describe, expect, it } from 'vitest';
import { MAX_FAN_OUT_INSTANCES } from './fan-out-limits.js';
import { parseWorkflow } from './parse-workflow.js';

const errors = (source: string): string[] =>
  parseWorkflow(source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);

/** A split job in stage `plan`, then job `run` in stage `test` with `block` (indented 12). */
function workflow(block: string, extra = ''): string {
  return `uri: a/b/c
stages:
  - type: normal
    name: plan
    actions:
      - name: list
        jobs:
          - name: split
            command: split
            outputs: [SHARDS]
  - type: normal
    name: test
    actions:
      - name: shards
        jobs:
          - name: run
            command: test
${block.replace(/^/gm, '            ')}
${extra}`;
}

describe('matrix', () => {
  it('reads axes in declared order, include, exclude and the controls', () => {
    const { workflow: wf, diagnostics } = parseWorkflow(
      workflow(`matrix:
  axes: { shard: [1, 2], db: [mysql8, tidb] }
  include: [{ shard: 3, db: tidb }]
  exclude: [{ db: tidb }]
  max-parallel: 5
  fail-fast: false`),
    );
    expect(diagnostics).toEqual([]);
    expect(wf?.stages[1]?.actions[0]?.jobs[0]?.fanOut).toEqual({
      kind: 'matrix',
      axes: [
        { name: 'shard', values: ['1', '2'] },
        { name: 'db', values: ['mysql8', 'tidb'] },
      ],
      include: [{ shard: '3', db: 'tidb' }],
      exclude: [{ db: 'tidb' }],
      maxParallel: 5,
      failFast: false,
    });
  });

  it('defaults: max-parallel 100, fail-fast on', () => {
    const wf = parseWorkflow(workflow('matrix: { axes: { n: [1] } }')).workflow;
    expect(wf?.stages[1]?.actions[0]?.jobs[0]?.fanOut).toMatchObject({
      maxParallel: 100,
      failFast: true,
    });
  });

  it('reports empty axes, an axis without values, repeated values and unknown axes at their place', () => {
    expect(errors(workflow('matrix: { axes: {} }'))).toEqual([
      '18:29 fan-out-invalid matrix "axes" is empty: name at least one axis',
    ]);
    expect(errors(workflow('matrix:\n  axes: { n: [] }'))).toEqual([
      '19:26 fan-out-invalid axis "n" has no values: it would give no instance',
    ]);
    expect(errors(workflow('matrix:\n  axes: { n: [1, 1] }'))).toEqual([
      '19:30 fan-out-invalid axis "n" lists "1" twice: instance names would clash',
    ]);
    expect(
      errors(
        workflow(`matrix:
  axes: { n: [1, 2] }
  include: [{ m: 1 }]
  exclude: [{ k: 2 }]`),
      ),
    ).toEqual([
      '20:27 fan-out-invalid include names axis "m", which the matrix does not have (axes: n)',
      '21:27 fan-out-invalid exclude names axis "k", which the matrix does not have (axes: n)',
    ]);
    expect(errors(workflow('matrix:\n  axes: { a: [1], b: [2] }\n  include: [{ a: 3 }]'))).toEqual([
      '20:25 fan-out-invalid an include entry must give every axis; missing: b',
    ]);
    expect(errors(workflow('matrix:\n  axes: { n: [1] }\n  max-parallel: 0'))).toEqual([
      '20:29 invalid-value must be an integer >= 1, got 0',
    ]);
  });

  it(`refuses more than ${MAX_FAN_OUT_INSTANCES} combinations`, () => {
    const values = (n: number) => `[${Array.from({ length: n }, (_, i) => i).join(', ')}]`;
    const ok = workflow(`matrix:\n  axes: { a: ${values(1000)}, b: ${values(100)} }`);
    expect(errors(ok)).toEqual([]);
    const tooMany = workflow(
      `matrix:\n  axes: { a: ${values(1000)}, b: ${values(100)} }\n  include: [{ a: x, b: y }]`,
    );
    expect(errors(tooMany)).toEqual([
      `19:15 fan-out-too-large the matrix has 100001 combinations (axes multiplied, plus includes, before excludes); at most ${MAX_FAN_OUT_INSTANCES} are allowed`,
    ]);
  });

  it('a job fans out one way only', () => {
    expect(
      errors(
        workflow(
          'matrix: { axes: { n: [1] } }\nfan-out:\n  over: plan.list.split[SHARDS]\n  as: shard',
        ),
      ),
    ).toEqual([
      '19:13 fan-out-invalid a job fans out either over a "matrix" or with "fan-out", not both',
    ]);
  });
});

describe('dynamic fan-out', () => {
  const over = (address: string, as = 'shard') =>
    workflow(`fan-out:\n  over: ${address}\n  as: ${as}`);

  it('reads over and as', () => {
    const { workflow: wf, diagnostics } = parseWorkflow(over('plan.list.split[SHARDS]'));
    expect(diagnostics).toEqual([]);
    expect(wf?.stages[1]?.actions[0]?.jobs[0]?.fanOut).toEqual({
      kind: 'list',
      over: { stage: 'plan', action: 'list', job: 'split', output: 'SHARDS' },
      as: 'shard',
      maxParallel: 100,
      failFast: true,
    });
    // `over` is not a subscription: it sets no variable.
    expect(wf?.stages[1]?.actions[0]?.jobs[0]?.subscriptions).toEqual([]);
  });

  it('rejects an output the source does not declare, a source that does not run earlier, an unknown job', () => {
    expect(errors(over('plan.list.split[OTHER]'))).toEqual([
      '19:21 fan-out-link fan-out over plan.list.split[OTHER]: job "split" does not declare output OTHER (declare it in its "outputs")',
    ]);
    expect(errors(over('test.shards.run[X]'))[0]).toContain(
      'subscription-not-earlier fan-out over test.shards.run[X]: a job cannot subscribe to its own output',
    );
    expect(errors(over('plan.list.nope[X]'))).toEqual([
      '19:21 subscription-unknown-job fan-out over plan.list.nope[X]: action "plan.list" has no job named "nope"',
    ]);
    expect(errors(over('nonsense', '1bad'))).toEqual([
      '19:21 fan-out-invalid "nonsense" is not an output address: write stage.action.job[OUTPUT]',
      '20:19 fan-out-invalid "1bad" is not a valid input key: use [A-Za-z_][A-Za-z0-9_.-]*',
    ]);
  });

  it('rejects a fan-out over another fan-out (its outputs are objects, not lists)', () => {
    const source = workflow(
      'matrix: { axes: { n: [1] } }\noutputs: [LIST]',
      `  - type: normal
    name: later
    actions:
      - name: again
        jobs:
          - name: more
            command: more
            fan-out:
              over: test.shards.run[LIST]
              as: item`,
    );
    expect(errors(source)).toEqual([
      '28:21 fan-out-link fan-out over test.shards.run[LIST]: job "run" fans out itself: its outputs are JSON objects keyed by instance, not lists',
    ]);
  });
});

describe('links to a fan-out', () => {
  const later = (key: string) =>
    workflow(
      'matrix: { axes: { n: [1] } }\noutputs: [RESULT]',
      `  - type: normal
    name: later
    actions:
      - name: gather
        jobs:
          - name: report
            command: report
            subscriptions:
              - ${key}: VALUE`,
    );

  it('accepts the fan-in of a declared output and the counts', () => {
    expect(errors(later('test.shards.run[RESULT]'))).toEqual([]);
    expect(errors(later('test.shards.run[fan-out.failed]'))).toEqual([]);
    expect(errors(later('test.shards.run[OTHER]'))[0]).toContain('subscription-undeclared-output');
  });

  it('rejects a link to a single instance', () => {
    expect(errors(later('"test.shards.run[n=1][RESULT]"'))).toEqual([
      '28:17 fan-out-link "test.shards.run[n=1][RESULT]" links to one instance of a fan-out, which cannot resolve before the run: link to the fan-out job itself ("stage.action.job[OUTPUT]") to get every instance\'s value as one JSON object keyed by instance name',
    ]);
  });
});
