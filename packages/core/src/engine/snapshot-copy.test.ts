import { describe, expect, it } from 'vitest';
import { newFanOut } from './fan-out-state.js';
import type { RunSnapshot } from './snapshot.js';
import { copySnapshot } from './snapshot-copy.js';

function runWithFanOut(): RunSnapshot {
  const fan = newFanOut(3);
  fan.instances.push(Object.freeze({ name: 't[0]', status: 'succeeded' as const, attempt: 1 }));
  fan.active['t[1]'] = {
    name: 't[1]',
    path: 's.a.t[1]',
    status: 'running',
    attempt: 1,
    outputs: {},
  };
  return {
    runId: 'r',
    workflow: 'o/r/w',
    workflowVersion: 1,
    status: 'running',
    createdAt: 1,
    lastSeq: 4,
    stages: [
      {
        name: 's',
        type: 'normal',
        status: 'running',
        actions: [
          {
            name: 'a',
            path: 's.a',
            status: 'running',
            jobs: [
              { name: 't', path: 's.a.t', status: 'running', attempt: 1, outputs: {}, fanOut: fan },
            ],
          },
        ],
      },
    ],
  };
}

describe('copySnapshot', () => {
  it('copies the tree deeply but shares the frozen instance summaries', () => {
    const run = runWithFanOut();
    const copy = copySnapshot(run);
    expect(copy).toEqual(run);
    const fan = run.stages[0]!.actions[0]!.jobs[0]!.fanOut!;
    const copied = copy.stages[0]!.actions[0]!.jobs[0]!.fanOut!;
    expect(copied.instances).not.toBe(fan.instances);
    expect(copied.instances[0]).toBe(fan.instances[0]);
    expect(copied.active['t[1]']).not.toBe(fan.active['t[1]']);
    // The copy moves on its own; the original keeps its instances.
    copied.instances.push({ name: 't[2]', status: 'failed', attempt: 1 });
    expect(fan.instances).toHaveLength(1);
    copied.active['t[1]']!.status = 'succeeded';
    expect(fan.active['t[1]']!.status).toBe('running');
  });
});
