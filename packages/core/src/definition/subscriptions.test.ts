import { describe, expect, it } from 'vitest';
import { runsBefore } from './job-order.js';
import { parseWorkflow } from './parse-workflow.js';
import { formatSubscriptionKey, parseSubscriptionKey } from './subscription-key.js';

const codes = (source: string) =>
  parseWorkflow(source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.code}`);

/**
 * build (sequence): compile[go-build -> BINARY_URL, go-vet], package[docker]
 * test (parallel): unit[go-test], e2e[run]
 * `sub` is placed as the subscriptions of the job named by `at`.
 */
function workflow(at: string, sub: string, sequencing = 'parallel'): string {
  const subs = (name: string) =>
    name === at ? `\n            subscriptions:\n${sub.replace(/^/gm, '              ')}` : '';
  return `uri: a/b/c
stages:
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: go-build
            command: make${subs('go-build')}
            outputs: [BINARY_URL, VERSION]
          - name: go-vet
            command: go vet${subs('go-vet')}
      - name: package
        jobs:
          - name: docker
            command: docker build${subs('docker')}
  - type: normal
    name: test
    sequencing: ${sequencing}
    actions:
      - name: unit
        jobs:
          - name: go-test
            command: go test${subs('go-test')}
      - name: e2e
        jobs:
          - name: run
            command: e2e${subs('run')}
`;
}

describe('parseSubscriptionKey', () => {
  it('parses and formats stage.action.job[OUTPUT]', () => {
    const key = parseSubscriptionKey(' build.compile.go-build[BINARY_URL] ');
    expect(key).toEqual({
      stage: 'build',
      action: 'compile',
      job: 'go-build',
      output: 'BINARY_URL',
    });
    expect(key && formatSubscriptionKey(key)).toBe('build.compile.go-build[BINARY_URL]');
    expect(parseSubscriptionKey('a.b.c[x.y-z]')?.output).toBe('x.y-z');
  });

  it.each([
    'build.compile[OUT]',
    'a.b.c',
    'a.b.c[]',
    'a.b.c[1X]',
    'a.b.c.d[X]',
    'a.b.c[X]y',
    'a..c[X]',
  ])('refuses %j', (text) => {
    expect(parseSubscriptionKey(text)).toBeUndefined();
  });
});

describe('subscriptions', () => {
  it('accepts links to earlier stages, earlier jobs of the action, earlier actions of a sequence stage', () => {
    const fromEarlierStage = parseWorkflow(
      workflow('go-test', '- build.compile.go-build[BINARY_URL]: CO_BIN'),
    );
    expect(fromEarlierStage.diagnostics).toEqual([]);
    expect(fromEarlierStage.workflow?.stages[1]?.actions[0]?.jobs[0]?.subscriptions).toEqual([
      { stage: 'build', action: 'compile', job: 'go-build', output: 'BINARY_URL', env: 'CO_BIN' },
    ]);
    expect(codes(workflow('go-vet', '- build.compile.go-build[VERSION]: V'))).toEqual([]);
    expect(codes(workflow('docker', '- build.compile.go-build[VERSION]: V'))).toEqual([]);
    expect(codes(workflow('run', '- test.unit.go-test[X]: V', 'sequence'))).toEqual([]);
  });

  it('refuses parallel siblings, later jobs and the job itself', () => {
    expect(codes(workflow('run', '- test.unit.go-test[X]: V'))).toEqual([
      '30:17 subscription-not-earlier',
    ]);
    expect(codes(workflow('go-test', '- test.e2e.run[X]: V'))).toEqual([
      '26:17 subscription-not-earlier',
    ]);
    expect(codes(workflow('go-build', '- build.compile.go-vet[X]: V'))).toEqual([
      '11:17 subscription-not-earlier',
    ]);
    expect(codes(workflow('go-build', '- build.package.docker[X]: V'))).toEqual([
      '11:17 subscription-not-earlier',
    ]);
    expect(codes(workflow('go-build', '- build.compile.go-build[VERSION]: V'))).toEqual([
      '11:17 subscription-not-earlier',
    ]);
    const [d] = parseWorkflow(workflow('run', '- test.unit.go-test[X]: V')).diagnostics;
    expect(d?.message).toContain('parallel');
  });

  it('reports unknown jobs, undeclared outputs and accepts anything from a job without outputs', () => {
    expect(
      codes(
        workflow(
          'go-test',
          '- nope.compile.go-build[X]: A\n- build.nope.go-build[X]: B\n- build.compile.nope[X]: C',
        ),
      ),
    ).toEqual([
      '26:17 subscription-unknown-job',
      '27:17 subscription-unknown-job',
      '28:17 subscription-unknown-job',
    ]);
    expect(codes(workflow('go-test', '- build.compile.go-build[COVERAGE]: A'))).toEqual([
      '26:17 subscription-undeclared-output',
    ]);
    expect(codes(workflow('go-test', '- build.compile.go-vet[ANYTHING]: A'))).toEqual([]);
  });

  it('reports syntax errors and invalid env names', () => {
    expect(
      codes(
        workflow(
          'go-test',
          '- build.compile[X]: A\n- build.compile.go-build[VERSION]: 9LIVES\n- just-text',
        ),
      ),
    ).toEqual(['26:17 subscription-syntax', '27:50 invalid-env-name', '28:17 subscription-syntax']);
  });

  it('accepts the map form', () => {
    const source = workflow('go-test', '').replace(
      'subscriptions:\n',
      'subscriptions:\n              build.compile.go-build[BINARY_URL]: A\n              build.compile.go-build[VERSION]: B\n',
    );
    const job = parseWorkflow(source).workflow?.stages[1]?.actions[0]?.jobs[0];
    expect(job?.subscriptions.map((s) => s.env)).toEqual(['A', 'B']);
  });

  it('reports an event conflict: two links, or a link and an environment entry, writing one name', () => {
    expect(
      codes(
        workflow(
          'go-test',
          '- build.compile.go-build[BINARY_URL]: V\n- build.compile.go-build[VERSION]: V',
        ),
      ),
    ).toEqual(['27:50 event-conflict']);
    const withEnv = workflow('go-test', '- build.compile.go-build[VERSION]: CO_V').replace(
      'command: go test',
      'command: go test\n            environments:\n              - CO_V: fixed',
    );
    expect(codes(withEnv)).toEqual(['28:50 event-conflict']);
  });
});

describe('runsBefore', () => {
  const stages = [{ sequencing: 'sequence' as const }, { sequencing: 'parallel' as const }];
  it.each([
    [{ stage: 0, action: 1, job: 5 }, { stage: 1, action: 0, job: 0 }, true],
    [{ stage: 0, action: 0, job: 0 }, { stage: 0, action: 0, job: 1 }, true],
    [{ stage: 0, action: 0, job: 3 }, { stage: 0, action: 1, job: 0 }, true],
    [{ stage: 1, action: 0, job: 0 }, { stage: 1, action: 1, job: 0 }, false],
    [{ stage: 1, action: 0, job: 0 }, { stage: 1, action: 0, job: 1 }, true],
    [{ stage: 0, action: 0, job: 1 }, { stage: 0, action: 0, job: 1 }, false],
    [{ stage: 1, action: 0, job: 0 }, { stage: 0, action: 0, job: 0 }, false],
  ])('%j before %j: %s', (source, target, expected) => {
    expect(runsBefore(stages, source, target)).toBe(expected);
  });
});
