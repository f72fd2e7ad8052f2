import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSpec, RunContext } from '@containerops/sdk';
import { LocalOrchestrator } from '../local-orchestrator.js';
import { signalGroup } from '../process-group.js';
import { jobSpec } from '../testdata/job-spec.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..', '..');
let rootDir: string;
let counter = 0;
const run: RunContext = { runId: 'spawner-test-run', workflow: 'a/b/c', labels: {} };

function job(command: readonly string[]): JobSpec {
  return jobSpec(`spawner-test-${++counter}`, run.runId, command);
}

/** Polls until group `pgid` has no process left (zombies included); false after `ms`. */
async function groupGone(pgid: number, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!signalGroup(pgid, 0)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

/** Pids of this process's children running the spawner helper. */
async function helperPids(): Promise<number[]> {
  const { stdout } = await promisify(execFile)('pgrep', [
    '-P',
    String(process.pid),
    '-f',
    'spawner-main',
  ]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean).map(Number);
}

/** Starts `testdata/host.ts` in `mode`; resolves with the process and its first stdout line. */
function startHost(mode: 'exit' | 'hang' | 'warm') {
  const host = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'testdata', 'host.ts'), mode],
    {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const firstLine = new Promise<string>((resolve) => {
    let text = '';
    host.stdout.setEncoding('utf8');
    host.stdout.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
  });
  const exited = new Promise<number | null>((resolve) =>
    host.once('exit', (code) => resolve(code)),
  );
  return { host, firstLine, exited };
}

beforeAll(async () => {
  rootDir = await mkdtemp(join(tmpdir(), 'co-spawner-test-'));
});

afterAll(async () => {
  await rm(rootDir, { recursive: true, force: true });
});

describe('spawner helper', () => {
  it('reports running jobs lost when the helper dies, kills them, and starts a new helper', async () => {
    const local = new LocalOrchestrator({ rootDir, spawn: 'helper' });
    await local.prepare(run);
    const handle = await local.start(job(['sleep', '60']));
    // The process's one helper (shared by every local orchestrator here) runs the job.
    const helpers = await helperPids();
    expect(helpers.length).toBe(1);
    process.kill(helpers[0] as number, 'SIGKILL');
    expect(await local.wait(handle)).toMatchObject({
      exitCode: null,
      reason: 'error',
      message: expect.stringMatching(/spawner process was killed by SIGKILL/) as unknown,
    });
    expect(await groupGone(Number(handle.backendId))).toBe(true);
    await local.remove(handle);

    const next = await local.start(job(['sh', '-c', 'echo again']));
    const lines: string[] = [];
    for await (const line of local.logs(next)) lines.push(line.text);
    expect(lines).toEqual(['again']);
    expect(await local.wait(next)).toMatchObject({ exitCode: 0, reason: 'exited' });
    await local.remove(next);
    await local.cleanup(run, { keepWorkspace: false });
  });

  it('serves every local orchestrator of the process from one helper', async () => {
    const first = new LocalOrchestrator({ rootDir, spawn: 'helper' });
    const second = new LocalOrchestrator({ rootDir, spawn: 'helper' });
    await first.prepare(run);
    const a = await first.start(job(['sleep', '5']));
    const b = await second.start(job(['sleep', '5']));
    expect(await helperPids()).toHaveLength(1);
    for (const [local, handle] of [
      [first, a],
      [second, b],
    ] as const) {
      await local.stop(handle, { graceMs: 1_000 });
      expect(await local.wait(handle)).toMatchObject({ reason: 'killed' });
      await local.remove(handle);
    }
    await first.cleanup(run, { keepWorkspace: false });
  });

  it('does not keep the host process alive once its jobs are done', async () => {
    const { firstLine, exited } = startHost('exit');
    expect(await firstLine).toBe('exit 0');
    // The test's own timeout is the bound: a helper kept referenced would hang the host forever.
    expect(await exited).toBe(0);
  });

  it('starts the helper when asked whether it is available, before any job, keeping no host alive', async () => {
    const { firstLine, exited } = startHost('warm');
    expect(await firstLine).toBe('warm true');
    expect(await exited).toBe(0);
  });

  it('kills the jobs when the host process is SIGKILLed', async () => {
    const { host, firstLine, exited } = startHost('hang');
    const line = await firstLine;
    expect(line).toMatch(/^pid \d+$/);
    const pgid = Number(line.slice(4));
    expect(signalGroup(pgid, 0)).toBe(true);
    host.kill('SIGKILL');
    await exited;
    expect(await groupGone(pgid)).toBe(true);
  });
});
