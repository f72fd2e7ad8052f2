import { describe, expect, it } from 'vitest';
import { ev, logLine, snapshotOf, twoStageYaml, workflowOf } from '../../test/fixtures.js';
import { MemoryStream } from '../../test/memory-io.js';
import { noPaint } from './style.js';
import { TtyRenderer } from './tty-renderer.js';

function renderer(out: MemoryStream, size = { columns: 80, rows: 30 }) {
  let now = 1000;
  const r = new TtyRenderer(out, {
    paint: noPaint,
    size: () => size,
    now: () => now,
    intervalMs: 0,
  });
  return { r, setNow: (t: number) => (now = t) };
}

describe('TtyRenderer', () => {
  it('draws the tree with symbols, durations and reasons; markers hidden', () => {
    const out = new MemoryStream(true);
    const { r, setNow } = renderer(out);
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'local' });
    r.event(ev('run', '', 'running', 1000));
    r.event(ev('stage', 'build', 'running', 1000));
    r.event(ev('action', 'build.compile', 'running', 1000));
    r.event(ev('job', 'build.compile.version', 'running', 1000, { attempt: 1 }));
    r.event(ev('job', 'build.compile.version', 'succeeded', 1500));
    r.event(ev('job', 'build.compile.artifact', 'running', 1500, { attempt: 1 }));
    r.event(ev('job', 'build.compile.artifact', 'failed', 1600, { reason: 'exited with code 1' }));
    r.event(ev('job', 'build.compile.artifact', 'running', 1700, { attempt: 2 }));
    setNow(3000);
    r.flush(true);
    expect(out.text).toBe(
      [
        'run r1 of acme/demo/ci on the local orchestrator',
        '● acme/demo/ci  running  2.0s',
        '  ● build  2.0s',
        '    ● compile  2.0s',
        '      ✓ version  500ms',
        '      ● artifact  attempt 2/3  1.5s',
        '  ○ check  parallel',
        '    ○ lint',
        '      ○ words',
        '    ○ test',
        '      ○ content',
        '',
      ].join('\n'),
    );
  });

  it('redraws in place: log lines go above the tree, the old tree is erased', () => {
    const out = new MemoryStream(true);
    const { r } = renderer(out);
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'local' });
    r.flush();
    out.text = '';
    r.log(logLine('build.compile.version', 'compiling'));
    r.flush();
    const treeHeight = 10; // run line + 9 nodes
    expect(
      out.text.startsWith(`\x1b[${treeHeight}A\x1b[0J[build.compile.version] compiling\n`),
    ).toBe(true);
    expect(out.text.split('\n')).toHaveLength(1 + treeHeight + 1);
  });

  it('fits the tree to the terminal: finished stages fold, lines are cut to the width', () => {
    const out = new MemoryStream(true);
    const { r } = renderer(out, { columns: 30, rows: 8 });
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'local' });
    r.event(ev('stage', 'build', 'succeeded', 1000));
    r.event(ev('stage', 'check', 'running', 1000));
    r.event(
      ev('job', 'check.lint.words', 'failed', 1000, {
        reason: 'a very long reason that does not fit',
      }),
    );
    r.flush();
    out.text = '';
    r.flush(true);
    const erase = out.text.indexOf('J') + 1; // the cursor-up/clear sequence before the frame
    const lines = out.text.slice(erase).trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(lines).toContain('  ✓ build');
    expect(lines.some((l) => l.includes('compile'))).toBe(false);
    expect(lines.find((l) => l.includes('words'))).toBe('      ✗ words  a very long r…');
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(29);
  });

  it('prints the final tree and the summary at the end', () => {
    const out = new MemoryStream(true);
    const { r } = renderer(out);
    r.start({ runId: 'r1', workflow: workflowOf(twoStageYaml), orchestrator: 'local' });
    r.notice('SIGINT: cancelling the run…');
    r.finish({ snapshot: snapshotOf('succeeded', {}), interrupted: false, exitCode: 0 });
    expect(out.text).toContain('SIGINT: cancelling the run…\n');
    expect(out.text.endsWith('\n✓ acme/demo/ci succeeded in 3.2s (run r1)\n')).toBe(true);
  });
});
