import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { signalGroup } from '../process-group.js';
import type { LaunchedProcess, ProcessListener } from '../process-launcher.js';
import { SpawnerLauncher } from './spawner-launcher.js';

/** A launched job and what it reported. */
interface Job {
  readonly process: LaunchedProcess;
  readonly exit: Promise<{ code: number | null; lost?: string }>;
}

const launched: Job[] = [];

async function launch(pool: SpawnerLauncher, command: string[]): Promise<Job> {
  let onExit: (exit: { code: number | null; lost?: string }) => void = () => undefined;
  const exit = new Promise<{ code: number | null; lost?: string }>((resolve) => (onExit = resolve));
  const listener: ProcessListener = {
    lines: () => undefined,
    closed: () => undefined,
    exited: (_pid, code, _signal, lost) => onExit(lost === undefined ? { code } : { code, lost }),
  };
  const [file, ...args] = command as [string, ...string[]];
  const process = await pool.launch(
    { file, args, cwd: tmpdir(), env: { PATH: globalThis.process.env['PATH'] ?? '' } },
    listener,
  );
  const job = { process, exit };
  launched.push(job);
  return job;
}

/** The pid of the helper that spawned `job` (its parent: jobs lead their own group, not session). */
function helperOf(job: Job): number {
  const stat = readFileSync(`/proc/${job.process.pid}/stat`, 'utf8');
  // Fields after the command name (in parentheses, which may hold spaces): state, ppid, ...
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Polls `check` every 20 ms until it holds; the test's own timeout bounds the wait. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

afterEach(async () => {
  for (const job of launched.splice(0)) signalGroup(job.process.pid, 9);
  await new Promise((resolve) => setTimeout(resolve, 50));
});

describe('spawner pool', () => {
  it('grows while every helper is spawning, up to its size, and routes jobs to the least busy', async () => {
    const pool = new SpawnerLauncher({ size: 2 });
    // Sequential launches never need a second helper.
    for (let i = 0; i < 3; i++) await (await launch(pool, ['true'])).exit;
    expect(pool.helperCount).toBe(1);

    // A burst: the second launch finds the only helper spawning, so a second one boots.
    const burst = await Promise.all(Array.from({ length: 6 }, () => launch(pool, ['sleep', '30'])));
    expect(pool.helperCount).toBe(2);
    // Once both are up, new jobs go to the less busy one: the new helper gets some.
    await until(() => pool.readyCount === 2);
    const more = await Promise.all(Array.from({ length: 6 }, () => launch(pool, ['sleep', '30'])));
    const helpers = new Set([...burst, ...more].map(helperOf));
    expect(helpers.size).toBe(2);
    // Never beyond its size, however many bursts.
    await Promise.all(Array.from({ length: 6 }, () => launch(pool, ['sleep', '30'])));
    expect(pool.helperCount).toBe(2);
  });

  it('replaces a dead helper; the jobs of the others run on', async () => {
    const pool = new SpawnerLauncher({ size: 2 });
    await launch(pool, ['true']).then((job) => job.exit);
    const jobs = await Promise.all(Array.from({ length: 6 }, () => launch(pool, ['sleep', '30'])));
    await until(() => pool.readyCount === 2);
    const more = await Promise.all(Array.from({ length: 6 }, () => launch(pool, ['sleep', '30'])));
    const all = [...jobs, ...more];
    const helpers = [...new Set(all.map(helperOf))];
    expect(helpers).toHaveLength(2);
    const [victim, survivor] = helpers as [number, number];
    process.kill(victim, 'SIGKILL');
    for (const job of all.filter((j) => helperOf(j) === victim)) {
      expect(await job.exit).toMatchObject({ code: null, lost: expect.stringMatching(/SIGKILL/) });
    }
    const alive = all.filter((j) => helperOf(j) === survivor);
    expect(alive.every((j) => signalGroup(j.process.pid, 0))).toBe(true);
    await until(() => pool.helperCount === 1);
    // The next launches work, and a burst grows the pool back to its size.
    expect(await (await launch(pool, ['true'])).exit).toEqual({ code: 0 });
    await Promise.all(Array.from({ length: 4 }, () => launch(pool, ['sleep', '30'])));
    expect(pool.helperCount).toBe(2);
  });

  it('ends an idle helper beyond the first, and keeps the first', async () => {
    const pool = new SpawnerLauncher({ size: 2, idleMs: 50 });
    await launch(pool, ['true']).then((job) => job.exit);
    const jobs = await Promise.all(Array.from({ length: 4 }, () => launch(pool, ['true'])));
    expect(pool.helperCount).toBe(2);
    await Promise.all(jobs.map((job) => job.exit));
    await until(() => pool.helperCount === 1);
    expect(await (await launch(pool, ['true'])).exit).toEqual({ code: 0 });
  });
});
