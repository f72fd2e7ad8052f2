import { describe, expect, it } from 'vitest';
import { REMOVED_OUTSIDE, exitFromState } from './container-exit.js';

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

  it('never reports a container that was never started as exited (Docker says code 0 for it)', () => {
    expect(
      exitFromState({ ExitCode: 0, OOMKilled: false, Status: 'created' }, false, undefined),
    ).toEqual({
      exitCode: null,
      reason: 'error',
      message: 'the container was never started',
    });
    expect(
      exitFromState(
        { ExitCode: 127, OOMKilled: false, Status: 'created', Error: 'exec: "x": not found' },
        false,
        undefined,
      ).message,
    ).toBe('the container was never started: exec: "x": not found');
  });

  it('follows OOMKilled, not the exit code: 137 without it stays exited 137', () => {
    expect(
      exitFromState({ ExitCode: 137, OOMKilled: false, Status: 'exited' }, false, undefined),
    ).toEqual({
      exitCode: 137,
      reason: 'exited',
    });
  });

  it('reports a container being removed by someone else as removed, not as its kill code', () => {
    for (const Status of ['removing', 'dead']) {
      expect(exitFromState({ ExitCode: 137, OOMKilled: false, Status }, false, undefined)).toEqual({
        exitCode: null,
        reason: 'error',
        message: REMOVED_OUTSIDE,
      });
    }
  });
});
