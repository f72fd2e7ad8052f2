import { describe, expect, it } from 'vitest';
import { buildJobEnv } from './job-env.js';
import type { JobRunMetadata } from './job-env.js';

const run: JobRunMetadata = {
  runId: 'r1',
  workflow: 'acme/pay/ci',
  stage: 'test',
  action: 'unit',
  job: 'go-test',
  attempt: 2,
};

describe('buildJobEnv', () => {
  it('sets run metadata and empty CO_DATA when there is no input', () => {
    const { env, inputs } = buildJobEnv({ run });
    expect(inputs).toEqual({});
    expect(env).toEqual({
      CO_DATA: '',
      CO_DATA_JSON: '{}',
      CO_RUN_ID: 'r1',
      CO_WORKFLOW: 'acme/pay/ci',
      CO_STAGE: 'test',
      CO_ACTION: 'unit',
      CO_JOB: 'go-test',
      CO_ATTEMPT: '2',
    });
  });

  it('applies the precedence run inputs < workflow env < job env < inputs < links < metadata', () => {
    const { env } = buildJobEnv({
      run,
      runInputs: { A: 'run', B: 'run', C: 'run', CO_X: 'run', CO_L: 'run', CO_JOB: 'run' },
      workflowEnv: { B: 'wf', C: 'wf', CO_X: 'wf' },
      jobEnv: { C: 'job', CO_X: 'job', CO_L: 'job' },
      jobInputs: { x: 'input', l: 'input', job: 'input' },
      links: { CO_L: 'link', CO_RUN_ID: 'link' },
    });
    expect(env).toMatchObject({
      A: 'run',
      B: 'wf',
      C: 'job',
      CO_X: 'input',
      CO_L: 'link',
      CO_JOB: 'go-test',
      CO_RUN_ID: 'r1',
    });
  });

  it('builds CO_DATA from the inputs map when no CO_DATA is given', () => {
    const { env, inputs } = buildJobEnv({ run, jobInputs: { repo: 'r', 'git-url': 'a b' } });
    expect(inputs).toEqual({ repo: 'r', 'git-url': 'a b' });
    expect(env['CO_DATA']).toBe('repo=r git-url="a b"');
    expect(JSON.parse(env['CO_DATA_JSON'] as string)).toEqual(inputs);
    expect(env['CO_REPO']).toBe('r');
    expect(env['CO_GIT_URL']).toBe('a b');
  });

  it('keeps a given CO_DATA verbatim and merges its pairs under the inputs map', () => {
    const given = 'repo=https://x/a.git?x=1  branch=main stray';
    const { env, inputs } = buildJobEnv({
      run,
      jobEnv: { CO_DATA: given },
      jobInputs: { branch: 'dev', extra: 'e' },
    });
    expect(env['CO_DATA']).toBe(given);
    expect(inputs).toEqual({ repo: 'https://x/a.git?x=1', branch: 'dev', extra: 'e' });
    expect(JSON.parse(env['CO_DATA_JSON'] as string)).toEqual(inputs);
    expect(env['CO_REPO']).toBe('https://x/a.git?x=1');
    expect(env['CO_BRANCH']).toBe('dev');
  });

  it('does not modify its arguments', () => {
    const jobEnv = { CO_DATA: 'a=1' };
    const jobInputs = { b: '2' };
    buildJobEnv({ run, jobEnv, jobInputs });
    expect(jobEnv).toEqual({ CO_DATA: 'a=1' });
    expect(jobInputs).toEqual({ b: '2' });
  });
});
