/**
 * Two real servers (`startServer`, `replicas: many`) on one PostgreSQL schema and the real Redis,
 * in one test process: the start-server wiring of the replica link. A live feed on B follows a
 * run A drives, B's run service cancels it, a workflow applied on A is the one B triggers at
 * once; `many` without Redis is refused before anything opens.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal } from '@containerops/core';
import type { EngineEvent } from '@containerops/core';
import { dataSourceOptions } from '../db/data-source.js';
import { silentServerLogger } from '../logger.js';
import type { Principal } from '../services/contracts.js';
import { startServer } from '../start-server.js';
import type { StartedServer } from '../start-server.js';
import { REDIS_URL, requireRedis } from '../testing/require-redis.js';
import { dialectAvailable, PG_URL } from '../testing/test-databases.js';

const redis = await requireRedis();
const postgres = await dialectAvailable('postgres');

const workflow = (message: string): string => `
uri: default/replicas/sleepy
stages:
  - type: start
    name: start
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: wait
            command: "echo ${message}; sleep 60"
  - type: end
    name: end
`;

describe('replicas: many refuses to start without Redis', () => {
  it('says what to set, before opening anything', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'co-replicas-noredis-'));
    try {
      await expect(
        startServer(
          {
            port: 0,
            host: '127.0.0.1',
            dataDir,
            orchestrator: 'local',
            // Never reached: the check comes first.
            database: { type: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' },
            replicas: 'many',
          },
          { logger: silentServerLogger },
        ),
      ).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringContaining('CONTAINEROPS_REDIS_URL') as unknown,
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!redis.available || !postgres)('two servers, replicas: many, one database', () => {
  const schema = `co_test_replicas_${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  let admin: DataSource;
  let a: StartedServer;
  let b: StartedServer;
  let userA: Principal;
  let userB: Principal;

  async function start(): Promise<StartedServer> {
    const dataDir = mkdtempSync(join(tmpdir(), 'co-replicas-'));
    dirs.push(dataDir);
    return startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        orchestrator: 'local',
        // The schema through the connection's search path: both servers' tables live there.
        database: {
          type: 'postgres',
          url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
        },
        replicas: 'many',
        redisUrl: REDIS_URL,
        announce: () => undefined,
      },
      { logger: silentServerLogger },
    );
  }

  beforeAll(async () => {
    admin = new DataSource(dataSourceOptions({ type: 'postgres', url: PG_URL }));
    await admin.initialize();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    a = await start();
    b = await start();
    const token = `Bearer ${a.adminToken ?? ''}`;
    userA = (await a.services.identity.authenticate(token))!;
    userB = (await b.services.identity.authenticate(token))!;
  }, 120_000);

  afterAll(async () => {
    await b?.close();
    await a?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.destroy();
  });

  it('refuses to start when Redis does not answer, naming it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'co-replicas-'));
    dirs.push(dataDir);
    await expect(
      startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir,
          orchestrator: 'local',
          database: {
            type: 'postgres',
            url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
          },
          replicas: 'many',
          redisUrl: 'redis://:secret@127.0.0.1:1/0',
        },
        { logger: silentServerLogger },
      ),
    ).rejects.toMatchObject({
      code: 'REDIS_UNREACHABLE',
      message: expect.stringMatching(
        /Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0 is not reachable/,
      ) as unknown,
    });
  }, 60_000);

  it('follows on B a run that A drives, and cancels it from B', async () => {
    expect(userB).toBeDefined();
    await a.services.workflows.apply(userA, workflow('first'));
    const run = await a.services.runs.trigger(userA, 'default/replicas/sleepy');
    const runId = run.snapshot.runId;
    expect(b.engines.liveRun('default', runId)).toBeUndefined(); // A drives it

    const controller = new AbortController();
    const seen: EngineEvent[] = [];
    let jobRunning!: () => void;
    const running = new Promise<void>((resolve) => (jobRunning = resolve));
    const feed = (async () => {
      for await (const e of b.services.live.events(userB, { runId }, controller.signal)) {
        seen.push(e);
        if (e.scope === 'job' && e.status === 'running') jobRunning();
        if (e.scope === 'run' && isTerminal(e.status as never)) controller.abort();
      }
    })();
    await running;
    const cancelled = await b.services.runs.cancel(userB, runId, 'from B');
    expect(cancelled.snapshot.status).toBe('cancelled');
    await feed;
    expect(seen.at(-1)).toMatchObject({ scope: 'run', status: 'cancelled' });
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    // B's feed got exactly what the store has for the run.
    const stored = await b.dataSource.query<{ seq: string }[]>(
      'SELECT seq FROM events WHERE run_id = $1 ORDER BY seq',
      [runId],
    );
    expect(seqs).toEqual(stored.map((r) => Number(r.seq)));
  }, 60_000);

  it("answers a run list on B with a lastSeq that includes A's latest commits", async () => {
    // B commits (its store's own counter moves), then A commits more: B must count those too.
    const onB = await b.services.runs.trigger(userB, 'default/replicas/sleepy');
    await b.services.runs.cancel(userB, onB.snapshot.runId);
    const onA = await a.services.runs.trigger(userA, 'default/replicas/sleepy');
    await a.services.runs.cancel(userA, onA.snapshot.runId);
    const [row] = await a.dataSource.query<{ max: string }[]>('SELECT MAX(seq) AS max FROM events');
    const max = Number(row?.max);
    const deadline = Date.now() + 20_000;
    let lastSeq = 0;
    while ((lastSeq = (await b.services.runs.list(userB, {}, { first: 1 })).lastSeq) < max)
      if (Date.now() > deadline) break;
      else await new Promise((resolve) => setTimeout(resolve, 5));
    expect(lastSeq).toBe(max);
  }, 60_000);

  it("empties B's workflow cache when A applies a new version", async () => {
    const uri = 'default/replicas/sleepy';
    expect((await b.services.workflows.get(userB, uri))?.latestVersion).toBe(1); // cached on B
    const workflows = b.services.workflows;
    let invalidations = 0;
    const changedElsewhere = workflows.changedElsewhere.bind(workflows);
    workflows.changedElsewhere = () => {
      invalidations++;
      changedElsewhere();
    };
    await a.services.workflows.apply(userA, workflow('second'));
    const deadline = Date.now() + 20_000;
    while (invalidations === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    expect(invalidations).toBe(1);
    expect((await b.services.workflows.get(userB, uri))?.latestVersion).toBe(2);
  }, 30_000);
});
