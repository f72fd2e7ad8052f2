import { describe, expect, it } from 'vitest';
import { ev, logLine, snapshotOf, twoStageYaml, workflowOf } from '../../test/fixtures.js';
import { MemoryStream } from '../../test/memory-io.js';
import { PlainRenderer } from './plain-renderer.js';

describe('PlainRenderer', () => {
  it('prints one line per status change and per log line, prefixed by the path', () => {
    const out = new MemoryStream();
    const r = new PlainRenderer(out);
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'local' });
    r.event(ev('run', '', 'running', 1000));
    r.event(ev('stage', 'start', 'succeeded', 1000));
    r.event(ev('stage', 'build', 'running', 1000));
    r.event(ev('job', 'build.compile.version', 'running', 1000, { attempt: 1 }));
    r.log(logLine('build.compile.version', 'hello'));
    r.log(logLine('build.compile.version', 'warning: x', 'stderr'));
    r.log(logLine('build.compile.version', 'retrying', 'system'));
    r.event(ev('job', 'build.compile.version', 'succeeded', 2250, { exitCode: 0 }));
    r.event(ev('job', 'build.compile.artifact', 'running', 2300, { attempt: 2 }));
    r.event(
      ev('job', 'build.compile.artifact', 'failed', 2400, {
        reason: 'exited with code 1',
        exitCode: 1,
      }),
    );
    r.notice('SIGINT: cancelling the run…');
    r.finish({
      snapshot: snapshotOf(
        'failed',
        {
          'build.compile.artifact': { status: 'failed', reason: 'exited with code 1', attempt: 2 },
        },
        'stage "build" failed',
      ),
      interrupted: false,
      exitCode: 1,
    });
    expect(out.text).toBe(
      [
        'run r1: acme/demo/ci on the local orchestrator',
        'run started',
        '[build] running',
        '[build.compile.version] running',
        '[build.compile.version] hello',
        '[build.compile.version] warning: x',
        '[build.compile.version] (system) retrying',
        '[build.compile.version] succeeded (1.2s)',
        '[build.compile.artifact] running (attempt 2/3)',
        '[build.compile.artifact] failed: exited with code 1 (100ms)',
        'SIGINT: cancelling the run…',
        '',
        '✗ acme/demo/ci failed in 3.2s (run r1)',
        '  stage "build" failed',
        '  ✗ build.compile.artifact: exited with code 1 (attempt 2)',
        '',
      ].join('\n'),
    );
  });

  it('colours when given a painter', () => {
    const out = new MemoryStream();
    const r = new PlainRenderer(out, (colour, text) => `<${colour}>${text}</>`);
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'local' });
    r.event(ev('job', 'build.compile.version', 'failed', 1000, { reason: 'boom' }));
    expect(out.text).toContain('<red>failed</>: boom');
  });
});
