import { describe, expect, it } from 'vitest';
import type { JobSpec, LogChunk } from '../orchestrator/orchestrator.js';
import { FakeOrchestrator } from './fake-orchestrator.js';

let counter = 0;
function job(env: Record<string, string>, overrides: Partial<JobSpec> = {}): JobSpec {
  counter++;
  return {
    id: `job-${counter}`,
    runId: 'run-1',
    workflow: 'a/b/c',
    stage: 's',
    action: 'a',
    job: 'j',
    attempt: 1,
    env,
    resources: {},
    labels: { 'containerops.run-id': 'run-1' },
    ...overrides,
  };
}

async function collect(lines: AsyncIterable<LogChunk>): Promise<LogChunk[]> {
  const out: LogChunk[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

const run = { runId: 'run-1', workflow: 'a/b/c', labels: {} };

describe('FakeOrchestrator', () => {
  it('prints lines, exits with the code and returns the output file', async () => {
    const fake = new FakeOrchestrator();
    await fake.prepare(run);
    const h = await fake.start(
      job({ FAKE_STDOUT: 'a\nb', FAKE_STDERR: 'e', FAKE_EXIT_CODE: '3', FAKE_OUTPUT_FILE: 'K=V' }),
    );
    const [lines, exit] = await Promise.all([collect(fake.logs(h)), fake.wait(h)]);
    expect(lines.map((l) => `${l.stream}:${l.text}`)).toEqual(['stdout:a', 'stdout:b', 'stderr:e']);
    expect(exit).toEqual({ exitCode: 3, reason: 'exited', outputFile: 'K=V' });
    expect(fake.liveJobs()).toBe(0);
    await fake.remove(h);
    expect(fake.retainedJobs()).toBe(0);
  });

  it('emits large outputs in order without loss', async () => {
    const fake = new FakeOrchestrator();
    const h = await fake.start(job({ FAKE_STDOUT_REPEAT: '10000' }));
    const lines = await collect(fake.logs(h));
    expect(lines).toHaveLength(10000);
    expect(lines[9999]?.text).toBe('line 10000');
  });

  it('throws start errors with the right code', async () => {
    const fake = new FakeOrchestrator();
    await expect(fake.start(job({ FAKE_START_ERROR: 'image x not found' }))).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND',
    });
    await expect(fake.start(job({ FAKE_START_ERROR: 'boom' }))).rejects.toMatchObject({
      code: 'JOB_START_FAILED',
    });
    expect(fake.started).toHaveLength(2);
  });

  it('stops a delayed job, honours ignoreTerm until graceMs', async () => {
    const fake = new FakeOrchestrator();
    const a = await fake.start(job({ FAKE_DELAY_MS: '60000' }));
    await fake.stop(a, { graceMs: 10 });
    expect(await fake.wait(a)).toMatchObject({ exitCode: null, reason: 'killed' });
    const b = await fake.start(job({ FAKE_DELAY_MS: '60000', FAKE_IGNORE_TERM: '1' }));
    const t0 = Date.now();
    await fake.stop(b, { graceMs: 50 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    expect(await fake.wait(b)).toMatchObject({ reason: 'killed' });
    await fake.stop(b, { graceMs: 50 });
    expect(fake.events).toContain(`stop:${b.id}`);
  });

  it('simulates oom, failing attempts, env echo and the workspace', async () => {
    const fake = new FakeOrchestrator();
    await fake.prepare(run);
    expect(await fake.wait(await fake.start(job({ FAKE_OOM: '1' })))).toMatchObject({
      exitCode: 137,
      reason: 'oom',
    });
    expect(await fake.wait(await fake.start(job({ FAKE_FAIL_ATTEMPTS: '1' })))).toMatchObject({
      exitCode: 1,
    });
    expect(
      await fake.wait(await fake.start(job({ FAKE_FAIL_ATTEMPTS: '1' }, { attempt: 2 }))),
    ).toMatchObject({
      exitCode: 0,
    });
    const echo = await fake.start(job({ FAKE_ECHO_ENV: 'X', X: 'a b=c' }));
    expect((await collect(fake.logs(echo))).map((l) => l.text)).toEqual(['[COUT] X = a b=c']);
    await fake.wait(await fake.start(job({ FAKE_WRITE_FILE: 'f.txt=hello' })));
    const read = await fake.start(job({ FAKE_READ_FILE: 'f.txt' }));
    expect((await collect(fake.logs(read))).map((l) => l.text)).toEqual(['hello']);
    await fake.cleanup(run, { keepWorkspace: false });
    const missing = await fake.start(job({ FAKE_READ_FILE: 'f.txt' }));
    expect(await fake.wait(missing)).toMatchObject({ exitCode: 1 });
  });

  it('reattaches running and ended jobs of a run until they are removed', async () => {
    const fake = new FakeOrchestrator();
    const h = await fake.start(job({ FAKE_DELAY_MS: '60000' }));
    expect(await fake.reattach({ runId: 'run-1' })).toEqual([h]);
    expect(await fake.reattach({ runId: 'other' })).toEqual([]);
    await fake.stop(h, { graceMs: 0 });
    expect(await fake.reattach({ runId: 'run-1' })).toEqual([h]);
    await fake.remove(h);
    expect(await fake.reattach({ runId: 'run-1' })).toEqual([]);
  });
});
