import { describe, expect, it } from 'vitest';
import { parseWorkflow } from '../definition/parse-workflow.js';
import type { ContainerOpsError } from '../errors.js';
import { RUN_INPUTS_INVALID, resolveRunInputs, runInputNameProblem } from './run-inputs.js';

const declared = [
  { name: 'GREETING', required: false },
  { name: 'BRANCH', default: 'main', required: false },
  { name: 'TARGET', required: true },
];

function refusal(given: Record<string, string>): ContainerOpsError {
  try {
    resolveRunInputs(declared, given);
  } catch (error) {
    return error as ContainerOpsError;
  }
  throw new Error('not refused');
}

describe('run input names', () => {
  it.each([
    'PATH',
    'path',
    'BASH_ENV',
    'NODE_OPTIONS',
    'LD_PRELOAD',
    'ld_library_path',
    'DYLD_INSERT_LIBRARIES',
    'CO_DATA',
    'CO_RUN_ID',
    'co_workspace',
    'BASH_FUNC_x%%',
    '=x',
    '',
    'A-B',
    '1ABC',
    'A=B',
  ])('refuses %j', (name) => {
    expect(runInputNameProblem(name)).toEqual(expect.any(String));
  });

  it.each(['GREETING', 'branch', '_X', 'DEPLOY_TARGET', 'PATHS', 'COLOR'])('accepts %j', (name) => {
    expect(runInputNameProblem(name)).toBeUndefined();
  });
});

describe('resolveRunInputs', () => {
  it('keeps declared inputs and fills defaults', () => {
    expect(resolveRunInputs(declared, { TARGET: 'prod', GREETING: 'hi' })).toEqual({
      TARGET: 'prod',
      GREETING: 'hi',
      BRANCH: 'main',
    });
  });

  it('refuses reserved, undeclared and missing names together, listing each', () => {
    const error = refusal({ PATH: '/tmp', '=x': '1', CO_DATA: 'a=b', EXTRA: 'x' });
    expect(error.code).toBe(RUN_INPUTS_INVALID);
    expect(error.details).toEqual({
      reserved: ['=x', 'CO_DATA', 'PATH'],
      undeclared: ['EXTRA'],
      missing: ['TARGET'],
    });
    for (const name of ['"PATH"', '"=x"', '"CO_DATA"', '"EXTRA"', '"TARGET"'])
      expect(error.message).toContain(name);
  });

  it('a workflow that declares nothing takes nothing', () => {
    expect(resolveRunInputs(undefined, {})).toEqual({});
    expect(() => resolveRunInputs(undefined, { GREETING: 'x' })).toThrow(/declares no inputs/);
  });
});

describe('inputs: in a workflow file', () => {
  const file = (inputs: string): string => `uri: a/b/c
inputs:
${inputs}
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: 'true'
`;

  it('reads names and maps', () => {
    const parsed = parseWorkflow(
      file(`  - GREETING
  - { name: BRANCH, default: main }
  - { name: TARGET, required: true, description: where }`),
    );
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(parsed.workflow?.inputs).toEqual([
      { name: 'GREETING', required: false },
      { name: 'BRANCH', default: 'main', required: false },
      { name: 'TARGET', required: true, description: 'where' },
    ]);
  });

  it('refuses reserved and repeated names with a positioned diagnostic', () => {
    const parsed = parseWorkflow(file(`  - PATH\n  - { name: LD_PRELOAD }\n  - A\n  - A`));
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.line])).toEqual([
      ['invalid-env-name', 3],
      ['invalid-env-name', 4],
      ['duplicate-name', 6],
    ]);
    expect(parsed.workflow).toBeUndefined();
  });
});
