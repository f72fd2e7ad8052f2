import { describe, expect, it } from 'vitest';
import {
  baseJobName,
  componentBaseName,
  imageBaseName,
  isValidEnvName,
  isValidName,
  uniqueNames,
} from './names.js';
import { parseWorkflow } from './parse-workflow.js';

const errors = (source: string) =>
  parseWorkflow(source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.line}:${d.col} ${d.code}`);

describe('name helpers', () => {
  it.each([
    ['hub.opshub.sh/containerops/pybuilder:latest', 'pybuilder'],
    ['localhost:5000/acme/go-test:1.2', 'go-test'],
    ['busybox', 'busybox'],
    ['acme/tool@sha256:abcd', 'tool'],
    ['acme/tool:1@sha256:abcd', 'tool'],
    ['acme/my.tool:1', 'my-tool'],
    ['acme/:1', undefined],
  ])('image %s -> %s', (image, name) => {
    expect(imageBaseName(image)).toBe(name);
  });

  it('derives from component, then job-N', () => {
    expect(componentBaseName('library/go-test@1.2')).toBe('go-test');
    expect(baseJobName({ component: 'library/go-test@1.2' }, 3)).toBe('go-test');
    expect(baseJobName({ image: 'a/b:1', component: 'library/c@1' }, 3)).toBe('b');
    expect(baseJobName({}, 3)).toBe('job-3');
  });

  it('resolves clashes with -2, -3 and never takes an explicit name', () => {
    expect(
      uniqueNames([{ base: 'x' }, { base: 'x' }, { explicit: 'x-2', base: 'y' }, { base: 'x' }]),
    ).toEqual(['x', 'x-3', 'x-2', 'x-4']);
  });

  it('validates names', () => {
    expect(isValidName('go-test_2')).toBe(true);
    expect(isValidName('-x')).toBe(false);
    expect(isValidName('a.b')).toBe(false);
    expect(isValidEnvName('_A1')).toBe(true);
    expect(isValidEnvName('1A')).toBe(false);
  });
});

describe('names in workflows', () => {
  it('generates stable names for unnamed jobs and actions, skipping empty entries', () => {
    const { workflow, diagnostics } = parseWorkflow(`uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      -
      - jobs:
          -
          - endpoint: hub.opshub.sh/containerops/pybuilder:latest
          - endpoint: other.registry/x/pybuilder:v2
          - component: library/go-test@1.2
          - command: make
          - name: pybuilder-3
            command: make
      -
      - name: action-1
        jobs:
          - command: "true"
      - jobs:
          - command: "true"
`);
    expect(diagnostics).toEqual([]);
    const actions = workflow?.stages[0]?.actions ?? [];
    expect(actions.map((a) => [a.name, a.generatedName])).toEqual([
      ['action-1-2', true],
      ['action-1', false],
      ['action-3', true],
    ]);
    expect(actions[0]?.jobs.map((j) => [j.name, j.generatedName])).toEqual([
      ['pybuilder', true],
      ['pybuilder-2', true],
      ['go-test', true],
      ['job-4', true],
      ['pybuilder-3', false],
    ]);
  });

  it('reports duplicate and invalid names', () => {
    expect(
      errors(`uri: a/b/c
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: x
          - name: j
            command: x
      - name: a
        jobs:
          - name: bad.name
            command: x
  - type: end
    name: s
  - type: end
    name: -end
  - type: end
`),
    ).toEqual([
      '10:19 duplicate-name',
      '12:15 duplicate-name',
      '14:19 invalid-value',
      '17:11 duplicate-name',
      '19:11 invalid-value',
      '20:5 missing-field',
    ]);
  });
});
