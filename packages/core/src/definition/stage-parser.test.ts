import { describe, expect, it } from 'vitest';
import { parseWorkflow } from './parse-workflow.js';

const parse = (stages: string) => parseWorkflow(`uri: a/b/c\nstages:\n${stages}`);
const problems = (stages: string) =>
  parse(stages).diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`);

describe('stages and actions', () => {
  it('reads every stage kind with its settings', () => {
    const { workflow, diagnostics } = parse(`  - type: start
    name: start
  - type: normal
    name: build
    title: Build
    sequencing: parallel
    timeout: 30m
    active: false
    labels: { team: pay }
    actions:
      - name: compile
        title: Compile
        timeout: 90s
        active: false
        labels: { lang: go }
        jobs:
          - command: make
  - type: pause
    name: approve
    timeout: 24h
  - type: end
    name: end
`);
    expect(diagnostics).toEqual([]);
    expect(
      workflow?.stages.map((s) => [s.type, s.name, s.sequencing, s.timeoutMs, s.active]),
    ).toEqual([
      ['start', 'start', 'sequence', undefined, true],
      ['normal', 'build', 'parallel', 1_800_000, false],
      ['pause', 'approve', 'sequence', 86_400_000, true],
      ['end', 'end', 'sequence', undefined, true],
    ]);
    expect(workflow?.stages[1]).toMatchObject({ title: 'Build', labels: { team: 'pay' } });
    expect(workflow?.stages[1]?.actions[0]).toMatchObject({
      name: 'compile',
      generatedName: false,
      title: 'Compile',
      timeoutMs: 90_000,
      active: false,
      labels: { lang: 'go' },
    });
  });

  it('refuses unknown stage types and sequencing, never skipping them', () => {
    expect(
      problems(
        `  - type: build\n    name: a\n  - type: normal\n    name: b\n    sequencing: random\n    actions: [{ jobs: [{ command: x }] }]\n`,
      ),
    ).toEqual(['3:11 error unknown-stage-type', '7:17 error unknown-sequencing']);
  });

  it('defaults a missing type to normal and requires a name', () => {
    const { workflow } = parse(`  - name: a\n    actions: [{ jobs: [{ command: x }] }]\n`);
    expect(workflow?.stages[0]?.type).toBe('normal');
    expect(problems(`  - type: start\n`)).toEqual(['3:5 error missing-field']);
  });

  it('warns about a normal stage without actions and an action without jobs', () => {
    expect(
      problems(
        `  - type: normal\n    name: a\n  - type: normal\n    name: b\n    actions:\n      - name: x\n        jobs:\n          -\n`,
      ),
    ).toEqual(['4:11 warning empty-stage', '8:15 warning empty-action']);
  });

  it('ignores empty action and job entries silently', () => {
    const { workflow, diagnostics } = parse(`  - type: normal
    name: a
    actions:
      -
      - jobs:
          -
          - command: x
          -
      -
`);
    expect(diagnostics).toEqual([]);
    expect(workflow?.stages[0]?.actions.map((a) => [a.name, a.jobs.length])).toEqual([
      ['action-1', 1],
    ]);
  });

  it('warns that actions of marker and pause stages are ignored', () => {
    const { workflow, diagnostics } = parse(
      `  - type: start\n    name: s\n    actions:\n      - jobs: [{ command: x }]\n`,
    );
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}`)).toEqual([
      '5:5 warning invalid-value',
    ]);
    expect(workflow?.stages[0]?.actions).toEqual([]);
  });

  it('reports non-map entries and wrong types', () => {
    expect(
      problems(
        `  - just-a-name\n  - type: normal\n    name: b\n    actions: nope\n    active: "true"\n`,
      ),
    ).toEqual(['3:5 error wrong-type', '6:14 error wrong-type', '7:13 error wrong-type']);
  });
});
