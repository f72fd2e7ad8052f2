import { describe, expect, it } from 'vitest';
import { ev, logLine, snapshotOf, twoStageYaml, workflowOf } from '../../test/fixtures.js';
import { MemoryStream } from '../../test/memory-io.js';
import { JsonRenderer } from './json-renderer.js';

describe('JsonRenderer', () => {
  it('writes one parseable object per line, ending with the result', () => {
    const out = new MemoryStream();
    const r = new JsonRenderer(out);
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'fake' });
    r.event(ev('job', 'build.compile.version', 'running', 1000, { attempt: 1 }));
    r.log(logLine('build.compile.version', 'hello "quoted"'));
    r.notice('cancelling');
    r.finish({
      snapshot: snapshotOf('failed', {
        'build.compile.version': { status: 'failed', reason: 'exited with code 2' },
      }),
      interrupted: false,
      exitCode: 1,
    });
    const objects = out.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.map((o) => o['type'])).toEqual(['start', 'event', 'log', 'notice', 'result']);
    expect(objects[0]).toEqual({
      type: 'start',
      runId: 'r1',
      workflow: 'acme/demo/ci',
      orchestrator: 'fake',
    });
    expect(objects[1]).toMatchObject({
      type: 'event',
      scope: 'job',
      path: 'build.compile.version',
      status: 'running',
    });
    expect(objects[2]).toMatchObject({ type: 'log', text: 'hello "quoted"', stream: 'stdout' });
    expect(objects[4]).toMatchObject({
      type: 'result',
      status: 'failed',
      exitCode: 1,
      durationMs: 3200,
      failedJobs: [
        {
          path: 'build.compile.version',
          status: 'failed',
          reason: 'exited with code 2',
          attempt: 1,
        },
      ],
    });
  });
});
