import { describe, expect, it } from 'vitest';
import type { JobExit } from '../orchestrator/orchestrator.js';
import { decideJobResult } from './result.js';
import type { JobResultInput } from './result.js';

const exited = (exitCode: number | null): JobExit => ({ exitCode, reason: 'exited' });
const base: JobResultInput = { exit: exited(0), timedOut: false, cancelled: false };

describe('decideJobResult', () => {
  it.each([
    [0, undefined, 'succeeded', undefined],
    [0, true, 'succeeded', undefined],
    [0, false, 'failed', 'printed CO_RESULT = false'],
    [1, undefined, 'failed', 'exited with code 1'],
    [1, true, 'failed', 'exited with code 1'],
    [1, false, 'failed', 'exited with code 1'],
    [143, undefined, 'failed', 'exited with code 143 (killed by SIGTERM)'],
    // No "out of memory?" guess: an OOM kill the backend saw comes as reason `oom`.
    [137, undefined, 'failed', 'exited with code 137 (killed by SIGKILL)'],
    [null, undefined, 'failed', 'exited without an exit code'],
  ] as const)('exit %s + CO_RESULT %s -> %s', (code, coResult, status, reason) => {
    const r = decideJobResult({ ...base, exit: exited(code), coResult });
    expect(r).toEqual(reason === undefined ? { status } : { status, reason });
  });

  it('fails on an output error even with exit 0', () => {
    expect(decideJobResult({ ...base, outputError: 'outputs too large' })).toEqual({
      status: 'failed',
      reason: 'outputs too large',
    });
  });

  it('reports timeouts and cancellations first', () => {
    expect(
      decideJobResult({ ...base, exit: { exitCode: null, reason: 'killed' }, timedOut: true }),
    ).toEqual({
      status: 'timed_out',
      reason: 'timed out',
    });
    expect(decideJobResult({ ...base, timedOut: true, timeoutMs: 600_000 }).reason).toBe(
      'timed out after 10m',
    );
    expect(decideJobResult({ ...base, cancelled: true, timedOut: true })).toEqual({
      status: 'cancelled',
      reason: 'cancelled',
    });
    expect(
      decideJobResult({ ...base, cancelled: true, cancelReason: 'cancelled by user' }).reason,
    ).toBe('cancelled by user');
  });

  it('fails on OOM, backend errors, kills, start errors and a missing exit', () => {
    expect(decideJobResult({ ...base, exit: { exitCode: 137, reason: 'oom' } })).toEqual({
      status: 'failed',
      reason: 'killed: out of memory',
    });
    expect(
      decideJobResult({ ...base, exit: { exitCode: null, reason: 'error', message: 'node lost' } }),
    ).toEqual({
      status: 'failed',
      reason: 'node lost',
    });
    expect(
      decideJobResult({ ...base, exit: { exitCode: null, reason: 'killed', message: 'SIGKILL' } })
        .reason,
    ).toBe('killed (SIGKILL)');
    expect(decideJobResult({ ...base, exit: undefined, startError: 'image not found' })).toEqual({
      status: 'failed',
      reason: 'image not found',
    });
    expect(decideJobResult({ ...base, exit: undefined }).status).toBe('failed');
  });
});
