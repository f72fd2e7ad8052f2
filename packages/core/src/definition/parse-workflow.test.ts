import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { parseWorkflow } from './parse-workflow.js';

const errors = (source: string): string[] =>
  parseWorkflow(source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.code}`);

const MINIMAL = `uri: acme/payments/ci
stages:
  - type: normal
    name: build
    actions:
      - jobs:
          - command: make
`;

describe('parseWorkflow: top level', () => {
  it('applies the defaults', () => {
    const { workflow, diagnostics } = parseWorkflow(MINIMAL);
    expect(diagnostics).toEqual([]);
    expect(workflow).toMatchObject({
      uri: 'acme/payments/ci',
      namespace: 'acme',
      repository: 'payments',
      name: 'ci',
      version: 1,
      tag: 'latest',
      env: {},
      receivers: [],
      triggers: [],
      outputs: 'stdout-and-file',
      outputLimitBytes: 1048576,
      labels: {},
    });
    expect(workflow?.timeoutMs).toBeUndefined();
    expect(workflow?.concurrency).toBeUndefined();
  });

  it('reads every top-level field', () => {
    const { workflow, diagnostics } = parseWorkflow(`uri: acme/payments/ci
title: Payments
version: 7
tag: 1.10
timeout: 1h30m
labels: { team: pay, tier: 1 }
concurrency: { group: deploy, limit: 2, cancelInProgress: true }
outputs: file-only
outputLimit: 64Ki
receivers:
  - type: mail
    address: team@example.com
triggers:
  - type: cron
    schedule: "0 3 * * *"
stages: []
`);
    expect(diagnostics).toEqual([]);
    expect(workflow).toMatchObject({
      title: 'Payments',
      version: 7,
      tag: '1.10',
      timeoutMs: 5_400_000,
      labels: { team: 'pay', tier: '1' },
      concurrency: { group: 'deploy', limit: 2, cancelInProgress: true },
      outputs: 'file-only',
      outputLimitBytes: 65536,
      receivers: [{ type: 'mail', address: 'team@example.com' }],
      triggers: [{ type: 'cron', schedule: '0 3 * * *' }],
    });
  });

  it('defaults the concurrency group to the uri and the limit to 1', () => {
    const { workflow } = parseWorkflow(`uri: a/b/c\nconcurrency: {}\nstages: []\n`);
    expect(workflow?.concurrency).toEqual({ group: 'a/b/c', limit: 1, cancelInProgress: false });
  });

  it.each([
    ['acme/payments', '1:6 invalid-uri'],
    ['acme//ci', '1:6 invalid-uri'],
    ['a/b/c/d', '1:6 invalid-uri'],
    ['"a b/c/d"', '1:6 invalid-uri'],
  ])('refuses the uri %s', (uri, expected) => {
    expect(errors(`uri: ${uri}\nstages: []\n`)).toEqual([expected]);
  });

  it('requires uri and stages', () => {
    expect(errors('title: x\n')).toEqual(['1:1 missing-field', '1:1 missing-field']);
  });

  it('checks types and values of top-level fields', () => {
    expect(
      errors(`uri: a/b/c
version: 1.5
tag: [x]
outputs: both
outputLimit: 0
concurrency: { limit: 0, cancelInProgress: "no" }
receivers:
  - address: x@example.com
  - mail
stages: []
`),
    ).toEqual([
      '2:10 wrong-type',
      '3:6 wrong-type',
      '4:10 invalid-value',
      '5:14 invalid-quantity',
      '6:23 invalid-value',
      '6:44 wrong-type',
      '8:5 missing-field',
      '9:5 wrong-type',
    ]);
  });

  it('warns about unknown fields with a suggestion and still returns the workflow', () => {
    const { workflow, diagnostics } = parseWorkflow(`${MINIMAL}timout: 5m\n`);
    expect(workflow).toBeDefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'unknown-field',
        line: 8,
        col: 1,
        path: 'timout',
      }),
    ]);
    expect(diagnostics[0]?.message).toContain('did you mean "timeout"?');
  });

  it('reports every YAML syntax error with its position, plus duplicate keys', () => {
    const result = parseWorkflow(`uri: a/b/c
uri: a/b/d
stages:
  - name: x
    type: start
    name: y
bad: [1, 2
`);
    expect(result.workflow).toBeUndefined();
    const syntax = result.diagnostics.filter((d) => d.code === 'yaml-syntax');
    // The unclosed flow sequence is reported where the input ends.
    expect(syntax.map((d) => `${d.line}:${d.col}`)).toEqual(['2:1', '6:5', '8:1']);
    expect(syntax[0]?.message).toBe('duplicate key "uri": keys of a map must be unique');
  });

  it('handles an empty file and a non-map document', () => {
    expect(errors('')).toEqual(['1:1 missing-field']);
    expect(errors('# just a comment\n')).toEqual(['1:1 missing-field']);
    expect(errors('- a\n- b\n')).toEqual(['1:1 wrong-type']);
  });

  it('sorts diagnostics by line and column and omits the workflow on errors', () => {
    const result = parseWorkflow(`stages:
  - type: normal
    name: b
    timeout: soon
version: x
`);
    expect(result.workflow).toBeUndefined();
    const positions = result.diagnostics.map((d) => [d.line, d.col] as const);
    expect(positions).toEqual([...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    expect(result.diagnostics.map((d) => d.code)).toEqual([
      'missing-field',
      'empty-stage',
      'invalid-duration',
      'wrong-type',
    ]);
  });

  it('formats diagnostics like a compiler', () => {
    const [d] = parseWorkflow('uri: a/b\nstages: []\n').diagnostics;
    expect(d && formatDiagnostic('ci.yaml', d)).toMatch(/^ci\.yaml:1:6: error invalid-uri: /);
  });

  it('keeps a source map of every field, with model indices', () => {
    const { sourceMap } = parseWorkflow(`uri: a/b/c
environments:
  - A: "1"
stages:
  - type: normal
    name: s
    actions:
      -
      - name: a
        jobs:
          -
          - command: make
            pre: |
              print("hi")
            subscriptions:
              - s.a.x[OUT]: V
`);
    expect(sourceMap.get('uri')).toEqual({ line: 1, col: 6 });
    expect(sourceMap.get('environments.A')).toEqual({ line: 3, col: 8 });
    expect(sourceMap.get('stages[0].actions[0].name')).toEqual({ line: 9, col: 15 });
    expect(sourceMap.get('stages[0].actions[0].jobs[0]')).toEqual({ line: 12, col: 13 });
    expect(sourceMap.get('stages[0].actions[0].jobs[0].pre')).toEqual({ line: 13, col: 18 });
    expect(sourceMap.get('stages[0].actions[0].jobs[0].subscriptions[0]')).toEqual({
      line: 16,
      col: 17,
    });
  });

  it('reports an alias to an unknown anchor', () => {
    const result = parseWorkflow(`uri: a/b/c
receivers:
  - type: mail
    to: [a, *nobody]
stages:
  - *missing
`);
    expect(result.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`)).toEqual([
      '4:9 yaml-syntax',
      '6:5 yaml-syntax',
    ]);
  });

  it('expands YAML anchors and merge keys', () => {
    const { workflow, diagnostics } = parseWorkflow(`uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - &base
            name: one
            endpoint: x/y:1
            resources: { cpu: 1 }
          - <<: *base
            name: two
`);
    expect(diagnostics).toEqual([]);
    const jobs = workflow?.stages[0]?.actions[0]?.jobs;
    expect(jobs?.map((j) => [j.name, j.image, j.resources.cpuMillis])).toEqual([
      ['one', 'x/y:1', 1000],
      ['two', 'x/y:1', 1000],
    ]);
  });
});
