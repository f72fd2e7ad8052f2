import { describe, expect, it } from 'vitest';
import { exitFromState } from './container-exit.js';

describe('exitFromState', () => {
  it('reports a normal exit with its code and the output file', () => {
    expect(exitFromState({ ExitCode: 3, OOMKilled: false, Error: '' }, false, 'A=1')).toEqual({
      exitCode: 3,
      reason: 'exited',
      outputFile: 'A=1',
    });
  });

  it('puts OOMKilled first, even when we also stopped it', () => {
    expect(exitFromState({ ExitCode: 137, OOMKilled: true }, true, undefined)).toMatchObject({
      exitCode: null,
      reason: 'oom',
    });
  });

  it('reports a job stopped by us as killed: null code for a signal death, its own code otherwise', () => {
    expect(exitFromState({ ExitCode: 137, OOMKilled: false }, true, undefined)).toMatchObject({
      exitCode: null,
      reason: 'killed',
    });
    expect(exitFromState({ ExitCode: 0, OOMKilled: false }, true, undefined)).toMatchObject({
      exitCode: 0,
      reason: 'killed',
    });
  });

  it('reports a runtime error as error', () => {
    expect(
      exitFromState({ ExitCode: 127, OOMKilled: false, Error: 'exec failed' }, false, undefined),
    ).toEqual({
      exitCode: null,
      reason: 'error',
      message: 'exec failed',
    });
  });
});
