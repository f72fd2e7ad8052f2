import { readdir, readFile, stat } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPluginCompatibility, createPluginInstance } from '@containerops/sdk';
import type { JobSpec, LogChunk, Orchestrator, RunContext } from '@containerops/sdk';
import { LocalOrchestrator } from './local-orchestrator.js';
import { localOrchestratorPlugin } from './plugin.js';
import { jobSpec } from './testdata/job-spec.js';

let rootDir: string;
let local: LocalOrchestrator;
let counter = 0;
const run: RunContext = { runId: 'local-test-run', workflow: 'a/b/c', labels: {} };

function job(command: readonly string[] | undefined, extra: Partial<JobSpec> = {}): JobSpec {
  return jobSpec(`local-test-${++counter}`, run.runId, command, extra);
}

async function runToEnd(
  o: Orchestrator,
  spec: JobSpec,
): Promise<{ lines: LogChunk[]; exitCode: number | null }> {
  const handle = await o.start(spec);
  const lines: LogChunk[] = [];
  const [exit] = await Promise.all([
    o.wait(handle),
    (async () => {
      for await (const line of o.logs(handle)) lines.push(line);
    })(),
  ]);
  await o.remove(handle);
  return { lines, exitCode: exit.exitCode };
}

/** Live (non-zombie) processes whose process group is `pgid`, from /proc. */
async function groupMembers(pgid: number): Promise<number[]> {
  const members: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && fields[0] !== undefined && Number(fields[2]) === pgid)
      members.push(Number(entry));
  }
  return members;
}

describe.each(['helper', 'in-process'] as const)('local orchestrator (spawn: %s)', (spawnMode) => {
  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'co-local-test-'));
    local = new LocalOrchestrator({ rootDir, spawn: spawnMode });
    await local.prepare(run);
  });

  afterAll(async () => {
    await local.cleanup(run, { keepWorkspace: false });
    await rm(rootDir, { recursive: true, force: true });
  });

  it('refuses an image-only job, pointing to a container orchestrator', async () => {
    await expect(local.start(job(undefined, { image: 'alpine:3' }))).rejects.toMatchObject({
      code: 'IMAGE_NOT_SUPPORTED',
      kind: 'user',
      message: expect.stringMatching(/alpine:3.*container orchestrator/s) as unknown,
    });
  });

  it('runs the command of a job that also names an image', async () => {
    const { lines, exitCode } = await runToEnd(
      local,
      job(['sh', '-c', 'echo hi'], { image: 'alpine:3' }),
    );
    expect(exitCode).toBe(0);
    expect(lines.map((l) => l.text)).toEqual(['hi']);
  });

  it('reports a missing command as JOB_START_FAILED', async () => {
    await expect(local.start(job(['/no/such/binary-xyz']))).rejects.toMatchObject({
      code: 'JOB_START_FAILED',
    });
    await expect(local.start(job([]))).rejects.toMatchObject({ code: 'JOB_START_FAILED' });
  });

  it('stop() kills the whole process group, grandchildren included', async () => {
    const handle = await local.start(job(['sh', '-c', 'sleep 100 & echo $!; sleep 100 & wait']));
    const pgid = Number(handle.backendId);
    const iterator = local.logs(handle)[Symbol.asyncIterator]();
    const first = await iterator.next();
    const grandchild = Number((first.value as LogChunk).text);
    expect((await groupMembers(pgid)).length).toBeGreaterThanOrEqual(2);
    expect(await groupMembers(pgid)).toContain(grandchild);
    await local.stop(handle, { graceMs: 5_000 });
    expect(await local.wait(handle)).toMatchObject({ reason: 'killed' });
    expect(await groupMembers(pgid)).toEqual([]);
    await local.remove(handle);
  });

  it('kills what a job leaves behind when its main process exits', async () => {
    const handle = await local.start(job(['sh', '-c', 'sleep 100 & echo started']));
    const pgid = Number(handle.backendId);
    const lines: string[] = [];
    for await (const line of local.logs(handle)) lines.push(line.text);
    expect(lines).toEqual(['started']);
    expect(await local.wait(handle)).toMatchObject({ exitCode: 0, reason: 'exited' });
    expect(await groupMembers(pgid)).toEqual([]);
    await local.remove(handle);
  });

  it('reads the $CO_OUTPUT file a job wrote and deletes it on remove', async () => {
    const spec = job(['sh', '-c', 'echo A=1 > "$CO_OUTPUT"']);
    const file = join(rootDir, 'runs', run.runId, `output-${spec.id}`);
    const handle = await local.start(spec);
    for await (const _ of local.logs(handle)) void _;
    expect(await local.wait(handle)).toMatchObject({ exitCode: 0, outputFile: 'A=1\n' });
    expect((await stat(file)).isFile()).toBe(true);
    await local.remove(handle);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports a signal it did not send as 128 + signal number', async () => {
    const { exitCode } = await runToEnd(local, job(['sh', '-c', 'kill -KILL $$']));
    expect(exitCode).toBe(137);
  });

  it('passes exactly the job env, inheriting PATH and HOME only when absent', async () => {
    process.env.CO_LOCAL_TEST_LEAK = 'leaked';
    try {
      const script =
        'echo "leak=${CO_LOCAL_TEST_LEAK-}"; echo "path=$PATH"; echo "home=$HOME"; echo "ws=$PWD"';
      const inherited = await runToEnd(local, job(['sh', '-c', script]));
      const texts = inherited.lines.map((l) => l.text);
      expect(texts).toContain('leak=');
      expect(texts).toContain(`path=${process.env.PATH}`);
      expect(texts).toContain(`ws=${local.workspaceDir(run.runId)}`);
      const custom = await runToEnd(
        local,
        job(['/bin/sh', '-c', script], { env: { PATH: '/usr/bin:/bin', HOME: '/nowhere' } }),
      );
      expect(custom.lines.map((l) => l.text)).toEqual(
        expect.arrayContaining(['path=/usr/bin:/bin', 'home=/nowhere']),
      );
    } finally {
      delete process.env.CO_LOCAL_TEST_LEAK;
    }
  });

  it('splits real output: CRLF, very long lines, a final line without newline', async () => {
    const script = "printf 'a\\r\\nb\\n'; head -c 200000 /dev/zero | tr '\\0' x; printf '\\nlast'";
    const { lines } = await runToEnd(local, job(['sh', '-c', script]));
    expect(lines.map((l) => l.text)).toEqual(['a', 'b', 'x'.repeat(200_000), 'last']);
  });

  it('keeps no job state after remove and keeps the workspace only when asked', async () => {
    for (let i = 0; i < 20; i++) expect((await runToEnd(local, job(['true']))).exitCode).toBe(0);
    const other: RunContext = { runId: 'local-test-keep', workflow: 'a/b/c', labels: {} };
    await local.prepare(other);
    await local.cleanup(other, { keepWorkspace: true });
    expect((await stat(local.workspaceDir(other.runId))).isDirectory()).toBe(true);
    await local.cleanup(other, { keepWorkspace: false });
    await expect(stat(local.workspaceDir(other.runId))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await local.reattach({ runId: run.runId })).toEqual([]);
  });
});

describe('localOrchestratorPlugin', () => {
  beforeAll(async () => {
    rootDir = await mkdtemp(join(tmpdir(), 'co-local-test-'));
  });

  afterAll(async () => {
    await rm(rootDir, { recursive: true, force: true });
  });

  it('is a valid plugin for this SDK and validates its config', async () => {
    expect(() => checkPluginCompatibility(localOrchestratorPlugin)).not.toThrow();
    const instance = await createPluginInstance(
      localOrchestratorPlugin,
      { rootDir },
      { kind: 'orchestrator' },
    );
    expect(instance.name).toBe('local');
    await expect(
      createPluginInstance(localOrchestratorPlugin, { rootDir: 'relative' }),
    ).rejects.toMatchObject({
      code: 'PLUGIN_INVALID',
    });
    await expect(createPluginInstance(localOrchestratorPlugin, { other: 1 })).rejects.toThrow(
      /unknown setting other/,
    );
    await expect(createPluginInstance(localOrchestratorPlugin, { spawn: 'fork' })).rejects.toThrow(
      /spawn must be one of helper, in-process/,
    );
    const inProcess = await createPluginInstance(
      localOrchestratorPlugin,
      { rootDir, spawn: 'in-process' },
      { kind: 'orchestrator' },
    );
    expect((inProcess as LocalOrchestrator).spawnMode).toBe('in-process');
  });
});
