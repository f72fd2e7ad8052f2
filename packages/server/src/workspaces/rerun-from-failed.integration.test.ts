import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobRunSnapshot, RunSnapshot } from '@containerops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentServerLogger } from '../logger.js';
import type { Principal } from '../services/contracts.js';
import { startServer } from '../start-server.js';
import type { StartedServer } from '../start-server.js';

const KEEP_FOR_MS = 3_600_000;

/** Job 1 builds a file in the workspace (and counts its runs); job 2 needs it and `$MARKER`. */
const WORKFLOW = `
uri: default/demo/two-jobs
inputs: [MARKER]
stages:
  - type: start
    name: start
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: make
            command: "echo built > artifact; echo run >> build-count; echo \\"[COUT] BUILT = yes\\""
            outputs: [BUILT]
  - type: normal
    name: test
    actions:
      - name: check
        jobs:
          - name: verify
            command: "test -f artifact && test -f \\"$MARKER\\" && echo verified"
  - type: end
    name: end
`;

describe('re-run from the failed job (local orchestrator, SQLite)', () => {
  let dir: string;
  let server: StartedServer;
  let admin: Principal;
  let markers = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'co-rerun-'));
    server = await startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir: dir,
        orchestrator: 'local',
        retention: { workspacesMs: KEEP_FOR_MS },
        announce: () => undefined,
      },
      { logger: silentServerLogger },
    );
    admin = (await server.services.identity.authenticate(
      `Bearer ${server.adminToken ?? ''}`,
    )) as Principal;
    expect((await server.services.workflows.apply(admin, WORKFLOW)).ok).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A marker path that does not exist yet (job 2 fails until the test creates it). */
  function newMarker(): string {
    return join(dir, `marker-${++markers}`);
  }

  function workspaceDir(workspaceId: string): string {
    return join(dir, 'workspaces', 'runs', workspaceId, 'workspace');
  }

  async function finished(runId: string): Promise<RunSnapshot> {
    const done = server.engines.whenDone(runId);
    if (done === undefined) throw new Error(`run ${runId} is not running here`);
    return done;
  }

  async function runToEnd(marker: string): Promise<RunSnapshot> {
    const run = await server.services.runs.trigger(admin, 'default/demo/two-jobs', {
      inputs: { MARKER: marker },
    });
    return finished(run.snapshot.runId);
  }

  function job(snapshot: RunSnapshot, path: string): JobRunSnapshot | undefined {
    return snapshot.stages
      .flatMap((s) => s.actions)
      .flatMap((a) => a.jobs)
      .find((j) => j.path === path);
  }

  async function refusal(promise: Promise<unknown>): Promise<{ code?: string; message?: string }> {
    return (await promise.then(
      () => ({}),
      (e: unknown) => e as { code?: string; message?: string },
    )) as { code?: string; message?: string };
  }

  it('removes the workspace of a run as soon as it succeeded', async () => {
    const marker = newMarker();
    writeFileSync(marker, '');
    const total = async (): Promise<number> =>
      (await server.services.runs.list(admin, { workflow: 'default/demo/two-jobs' }, { first: 1 }))
        .totalCount;
    const before = await total();
    const done = await runToEnd(marker);
    // The cached total of the runs query follows the new run.
    expect(await total()).toBe(before + 1);
    expect(done.status).toBe('succeeded');
    expect(existsSync(join(dir, 'workspaces', 'runs', done.runId))).toBe(false);
    expect(
      await server.services.runs.rerun(admin, done.runId, true).catch((e: unknown) => e),
    ).toMatchObject({
      code: 'RERUN_NOT_POSSIBLE',
      message: expect.stringContaining('it succeeded') as unknown,
    });
  }, 60_000);

  it('keeps a failed run workspace; the re-run skips job 1 (outputs kept) and re-runs job 2 only', async () => {
    const marker = newMarker();
    const failed = await runToEnd(marker);
    expect(failed.status).toBe('failed');
    expect(job(failed, 'build.compile.make')?.status).toBe('succeeded');
    expect(job(failed, 'test.check.verify')?.status).toBe('failed');
    expect(readFileSync(join(workspaceDir(failed.runId), 'artifact'), 'utf8')).toBe('built\n');

    writeFileSync(marker, ''); // "the fix": job 2 can pass now
    const rerun = await server.services.runs.rerun(admin, failed.runId, true);
    const done = await finished(rerun.snapshot.runId);

    expect(done.status).toBe('succeeded');
    expect(done.rerunOf).toBe(failed.runId);
    expect(done.workspaceRunId).toBe(failed.runId);
    expect(job(done, 'build.compile.make')).toMatchObject({
      status: 'succeeded',
      outputs: { BUILT: 'yes' },
      reason: `reused from run ${failed.runId}`,
    });
    expect(job(done, 'test.check.verify')).toMatchObject({ status: 'succeeded', attempt: 1 });
    const lines = await server.services.runs.logs(admin, {
      runId: done.runId,
      jobPath: 'test.check.verify',
    });
    expect(lines.map((l) => l.text)).toContain('verified');
    expect(
      await server.services.runs.logs(admin, { runId: done.runId, jobPath: 'build.compile.make' }),
    ).toEqual([]);
    // The successful re-run removed the shared workspace: nothing is left to re-run from.
    expect(existsSync(join(dir, 'workspaces', 'runs', failed.runId))).toBe(false);
    const again = await refusal(server.services.runs.rerun(admin, failed.runId, true));
    expect(again.code).toBe('RERUN_NOT_POSSIBLE');
    expect(again.message).toContain('its workspace was removed');
  }, 60_000);

  it('a re-run that fails again keeps the workspace; job 1 ran once in all', async () => {
    const failed = await runToEnd(newMarker());
    const second = await finished(
      (await server.services.runs.rerun(admin, failed.runId, true)).snapshot.runId,
    );
    expect(second.status).toBe('failed');
    const marker = newMarker();
    writeFileSync(marker, '');
    // Re-running the re-run goes on in the first run's workspace; its inputs come along, so the
    // marker of the first run is still missing: the same failure, the workspace kept again.
    const third = await finished(
      (await server.services.runs.rerun(admin, second.runId, true)).snapshot.runId,
    );
    expect(third.status).toBe('failed');
    expect(third.workspaceRunId).toBe(failed.runId);
    expect(readFileSync(join(workspaceDir(failed.runId), 'build-count'), 'utf8')).toBe('run\n');
  }, 60_000);

  it('retention removes kept workspaces after retention.workspaces, and then refuses the re-run', async () => {
    const failed = await runToEnd(newMarker());
    expect(existsSync(workspaceDir(failed.runId))).toBe(true);

    const early = await server.retention.runOnce((failed.finishedAt ?? 0) + KEEP_FOR_MS / 2);
    expect(existsSync(workspaceDir(failed.runId))).toBe(true);
    expect(early.workspaces).toBe(0);

    const late = await server.retention.runOnce((failed.finishedAt ?? 0) + KEEP_FOR_MS + 1000);
    expect(late.workspaces).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(dir, 'workspaces', 'runs', failed.runId))).toBe(false);
    const refused = await refusal(server.services.runs.rerun(admin, failed.runId, true));
    expect(refused).toMatchObject({ code: 'RERUN_NOT_POSSIBLE' });
    expect(refused.message).toContain('retention.workspaces');
    // A plain re-run still works: it starts over in a fresh workspace (job 1 runs again).
    const plain = await server.services.runs.rerun(admin, failed.runId, false);
    const replayed = await finished(plain.snapshot.runId);
    expect(replayed.workspaceRunId).toBe(replayed.runId);
    expect(job(replayed, 'build.compile.make')).toMatchObject({ status: 'succeeded', attempt: 1 });
  }, 60_000);
});
