/**
 * Two replicas in one test process on one database (PostgreSQL, MariaDB, TiDB) and the real Redis
 * (issue 13, item 3): each replica is its own database connection pool, `TypeOrmRunStore` (its own seq counter, so
 * the two race for numbers as two servers do), event bus and `ReplicaSync`. Checked: every event
 * committed by either reaches both buses exactly once and in seq order; a subscriber connection
 * killed mid-stream (`CLIENT KILL`) loses nothing; a token deleted on one replica is refused on
 * the other at once; cancel and approve sent on one replica act on a run the other one drives.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTerminal, parseWorkflow } from '@containerops/core';
import type { EngineEvent, NewEngineEvent, WorkflowDefinition } from '@containerops/core';
import { FakeOrchestrator } from '@containerops/core/testing';
import { createSqliteLogStore } from '@containerops/logstore-sqlite';
import type { SqliteLogStore } from '@containerops/logstore-sqlite';
import { Database } from '../db/database.js';
import { EngineHost } from '../engine-host/engine-host.js';
import { EventBus } from '../services/event-bus.js';
import { TypeOrmIdentityService } from '../services/identity.service.js';
import { TypeOrmRunStore } from '../stores/typeorm-run-store.js';
import { REDIS_URL, requireRedis } from '../testing/require-redis.js';
import { dialectAvailable, openTestDatabase } from '../testing/test-databases.js';
import type { TestDatabase, TestDialect } from '../testing/test-databases.js';
import { replicaNamespace } from './namespace.js';
import { MAX_EVENTS_MESSAGE_CHARS } from './replica-link.js';
import { ReplicaSync } from './replica-sync.js';
import { RUN_NOT_DRIVEN } from './run-control.js';
import { shareCaches } from './shared-caches.js';

const redis = await requireRedis();
/** Every database replicas can share. */
const SHARED_DIALECTS: readonly TestDialect[] = ['postgres', 'mysql', 'tidb'];
/** Generous bound of every wait for something to arrive (never an assertion on speed). */
const ARRIVAL_MS = 20_000;

interface Replica {
  readonly db: Database;
  readonly store: TypeOrmRunStore;
  readonly bus: EventBus;
  readonly sync: ReplicaSync;
  /** Every stored (not live-only) event this replica's bus delivered, in delivery order. */
  readonly received: EngineEvent[];
}

async function until(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + ARRIVAL_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function seqsOf(events: readonly EngineEvent[]): number[] {
  return events.map((e) => e.seq);
}

for (const dialect of SHARED_DIALECTS) {
  describe(`replicas over Redis on ${dialect}`, async () => {
    const available = redis.available && (await dialectAvailable(dialect));
    let test: TestDatabase;
    let second: Database;
    const replicas: Replica[] = [];
    let namespaceCount = 0;
    const testNamespace = (): string =>
      `containerops-test:${process.pid}:${Date.now().toString(36)}:${namespaceCount++}`;

    beforeAll(async () => {
      if (!available) return;
      test = await openTestDatabase(dialect);
      // A second pool on the same schema: the other "server".
      const dataSource = new DataSource(test.db.dataSource.options);
      await dataSource.initialize();
      second = new Database(dataSource);
    }, 120_000);

    afterAll(async () => {
      for (const r of replicas) await r.sync.close();
      await second?.close();
      await test?.cleanup();
    });

    /** Both replicas of one test, on one channel namespace of their own. */
    async function pair(options: { sweepMs?: number } = {}): Promise<[Replica, Replica]> {
      const namespace = testNamespace();
      const make = async (db: Database): Promise<Replica> => {
        const bus = new EventBus();
        const received: EngineEvent[] = [];
        bus.subscribe((events) => received.push(...events.filter((e) => e.liveOnly !== true)));
        // As start-server.ts wires it: the store's commits go through the replica's link.
        const committed = new EventBus();
        const store = new TypeOrmRunStore(db, (events) => committed.publish(events));
        const sync = await ReplicaSync.start({
          redisUrl: REDIS_URL,
          db,
          store,
          bus,
          namespace,
          relay: { sweepMs: options.sweepMs ?? 0 },
          answerTimeoutMs: 1_000,
        });
        committed.subscribe((events) => sync.committed(events));
        const replica = { db, store, bus, sync, received };
        replicas.push(replica);
        return replica;
      };
      return [await make(test.db), await make(second)];
    }

    /** Appends like the engine's outbox: a batch that lost the race for its numbers is retried. */
    async function append(store: TypeOrmRunStore, runId: string, size: number): Promise<void> {
      const now = Date.now();
      const events: NewEngineEvent[] = Array.from({ length: size }, (_, i) => ({
        runId,
        time: now,
        scope: 'job',
        path: `s.a.j${i}`,
        status: 'running',
      }));
      for (let attempt = 1; ; attempt++) {
        try {
          await store.appendEvents(events);
          return;
        } catch (error) {
          if (attempt >= 100) throw error;
        }
      }
    }

    async function storedSeqs(after: number): Promise<number[]> {
      const reader = new TypeOrmRunStore(test.db);
      const out: number[] = [];
      for (;;) {
        const page = await reader.readEvents({ afterSeq: out.at(-1) ?? after, limit: 5000 });
        out.push(...seqsOf(page));
        if (page.length < 5000) return out;
      }
    }

    it.skipIf(!available)('derives one namespace per database and schema', async () => {
      const other = await openTestDatabase(dialect);
      try {
        const mine = await replicaNamespace(test.db);
        expect(await replicaNamespace(second)).toBe(mine);
        expect(await replicaNamespace(other.db)).not.toBe(mine);
        expect(mine).toMatch(/^containerops:[0-9a-f]{16}$/);
      } finally {
        await other.cleanup();
      }
    });

    it.skipIf(!available)(
      'delivers every event committed by either replica to both buses once, in seq order',
      async () => {
        const [a, b] = await pair();
        const start = Math.max(a.sync.relayedSeq, b.sync.relayedSeq);
        const sizes = Array.from({ length: 150 }, (_, i) => 1 + (i % 4));
        const writer = async (r: Replica, name: string): Promise<void> => {
          for (const size of sizes) await append(r.store, `run-${name}`, size);
        };
        await Promise.all([writer(a, 'a'), writer(b, 'b')]);
        const stored = await storedSeqs(start);
        expect(stored).toHaveLength(2 * sizes.reduce((sum, n) => sum + n, 0));
        await until('both buses', () =>
          [a, b].every((r) => r.received.filter((e) => e.seq > start).length >= stored.length),
        );
        for (const r of [a, b])
          expect(seqsOf(r.received.filter((e) => e.seq > start))).toEqual(stored);
        console.info(
          `relay on ${dialect}: ${stored.length} events in 300 interleaved batches; held ahead ` +
            `of a gap A ${a.sync.relayStats.held}, B ${b.sync.relayStats.held}; from the store ` +
            `(gaps filled) A ${a.sync.relayStats.fromStore}, B ${b.sync.relayStats.fromStore}; ` +
            `duplicates dropped A ${a.sync.relayStats.duplicates}, B ${b.sync.relayStats.duplicates}`,
        );
      },
      60_000,
    );

    it.skipIf(!available)(
      'loses nothing when the subscriber connection is killed mid-stream',
      async () => {
        const [a, b] = await pair();
        const start = b.sync.relayedSeq;
        const admin = new Redis(REDIS_URL);
        try {
          for (let i = 0; i < 50; i++) await append(a.store, 'run-kill', 2);
          const clients = await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub');
          const line = String(clients)
            .split('\n')
            .find((l) => l.includes(` name=containerops-${b.sync.replicaId} `));
          const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
          expect(id, 'the subscriber of replica B').toBeDefined();
          expect(await admin.call('CLIENT', 'KILL', 'ID', id!)).toBe(1);
          // Published while B's subscriber is away (it reconnects after 100 ms at the earliest).
          for (let i = 0; i < 50; i++) await append(a.store, 'run-kill', 2);
          const stored = await storedSeqs(start);
          expect(stored).toHaveLength(200);
          await until('B to catch up', () => b.received.filter((e) => e.seq > start).length >= 200);
          expect(seqsOf(b.received.filter((e) => e.seq > start))).toEqual(stored);
          expect(b.sync.relayStats.fromStore).toBeGreaterThan(0);
          console.info(
            `${dialect}: subscriber killed after 100 of 200 events: B read ${b.sync.relayStats.fromStore} ` +
              `from the store, got all 200 once, in order`,
          );
        } finally {
          admin.disconnect();
        }
      },
      60_000,
    );

    it.skipIf(!available)(
      'announces a batch too large for one message by its last seq, read from the store',
      async () => {
        const [a, b] = await pair();
        const start = b.sync.relayedSeq;
        const reason = 'x'.repeat(2_000);
        const events: NewEngineEvent[] = Array.from({ length: 200 }, (_, i) => ({
          runId: 'run-large',
          time: Date.now(),
          scope: 'job',
          path: `s.a.j${i}`,
          status: 'failed',
          reason,
        }));
        expect(JSON.stringify(events).length).toBeGreaterThan(MAX_EVENTS_MESSAGE_CHARS);
        await a.store.appendEvents(events);
        await until('all of it on B', () => b.received.filter((e) => e.seq > start).length >= 200);
        expect(seqsOf(b.received.filter((e) => e.seq > start))).toEqual(await storedSeqs(start));
        expect(b.sync.relayStats.fromStore).toBe(200);
      },
      30_000,
    );

    it.skipIf(!available)(
      'catches up by its periodic read when the last message is lost and nothing follows',
      async () => {
        const [a, b] = await pair({ sweepMs: 200 });
        const start = b.sync.relayedSeq;
        // Committed without announcing it (a message lost with no later one to reveal the gap).
        const silent = new TypeOrmRunStore(a.db);
        await append(silent, 'run-silent', 3);
        await until('the periodic read', () => b.received.some((e) => e.runId === 'run-silent'));
        expect(seqsOf(b.received.filter((e) => e.seq > start))).toEqual(await storedSeqs(start));
      },
      30_000,
    );

    it.skipIf(!available)(
      'makes a token deleted on one replica refused on the other at once',
      async () => {
        const [a, b] = await pair();
        const identityA = new TypeOrmIdentityService(a.db);
        const identityB = new TypeOrmIdentityService(b.db);
        let changesSeenByB = 0;
        identityB.onIdentityChanged(() => changesSeenByB++);
        for (const [r, identity] of [
          [a, identityA],
          [b, identityB],
        ] as const) {
          shareCaches(r.sync.caches, {
            identity,
            workflows: { changedElsewhere: () => undefined },
            onWorkflowsChanged: () => undefined,
          });
        }
        const admin = await identityA.bootstrap();
        const principal = await identityA.authenticate(admin!);
        const created = await identityA.createToken(principal!, 'second');
        expect(await identityB.authenticate(created.secret)).toBeDefined(); // now cached on B
        await identityA.deleteToken(principal!, created.record.id);
        await until('the invalidation', () => changesSeenByB === 1);
        expect(await identityB.authenticate(created.secret)).toBeUndefined();
      },
      30_000,
    );

    describe('run control', () => {
      let dir: string;
      const logStores: SqliteLogStore[] = [];

      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'co-replica-control-'));
      });
      afterAll(async () => {
        for (const logs of logStores) await logs.close();
        rmSync(dir, { recursive: true, force: true });
      });

      function hostOf(r: Replica, name: string): EngineHost {
        const logs = createSqliteLogStore({ path: join(dir, `${name}.db`) });
        logStores.push(logs);
        const host = new EngineHost({
          orchestrator: new FakeOrchestrator(),
          store: r.store,
          logs,
          secretsFor: () => ({ get: () => Promise.resolve(undefined) }),
          onLiveEvent: (event) => r.sync.live(event),
        });
        r.sync.attachEngines(host);
        return host;
      }

      function workflow(stages: string): WorkflowDefinition {
        const parsed = parseWorkflow(`uri: default/replicas/control\nstages:\n${stages}`);
        if (parsed.workflow === undefined) throw new Error(JSON.stringify(parsed.diagnostics));
        return parsed.workflow;
      }

      const longJob = `  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: go
            endpoint: example/go:1
            environments:
              FAKE_DELAY_MS: "60000"
`;
      const pause = `  - type: pause
    name: approve
    timeout: 60s
  - type: normal
    name: deploy
    actions:
      - name: push
        jobs:
          - name: push
            endpoint: example/push:1
`;

      it.skipIf(!available)(
        'cancels on replica A a run that replica B drives',
        async () => {
          const [a, b] = await pair();
          hostOf(a, 'a1');
          const hostB = hostOf(b, 'b1');
          const handle = hostB.track(hostB.engineFor('default').start(workflow(longJob)));
          // Seen on A's bus: A follows the run B drives.
          await until('the job to run', () =>
            a.received.some(
              (e) => e.runId === handle.runId && e.scope === 'job' && e.status === 'running',
            ),
          );
          await a.sync.control!.cancel('default', handle.runId, 'asked on A', ARRIVAL_MS);
          // Resolved on A's bus: the run's terminal event, committed by B, relayed to A.
          const ended = a.received.find(
            (e) => e.runId === handle.runId && e.scope === 'run' && isTerminal(e.status as never),
          );
          expect(ended?.status).toBe('cancelled');
          expect((await handle.done).status).toBe('cancelled');
        },
        60_000,
      );

      it.skipIf(!available)(
        'approves on replica A a pause stage of a run that replica B drives',
        async () => {
          const [a, b] = await pair();
          hostOf(a, 'a2');
          const hostB = hostOf(b, 'b2');
          const handle = hostB.track(hostB.engineFor('default').start(workflow(pause)));
          await until('the stage to wait', () =>
            a.received.some(
              (e) => e.runId === handle.runId && e.path === 'approve' && e.status === 'waiting',
            ),
          );
          // A stage that is not waiting: the holder's refusal comes back with its code.
          await expect(
            a.sync.control!.decide(
              'default',
              handle.runId,
              'deploy',
              { approved: true, by: 'a' },
              5_000,
            ),
          ).rejects.toMatchObject({ code: 'STAGE_NOT_WAITING' });
          await a.sync.control!.decide(
            'default',
            handle.runId,
            'approve',
            { approved: true, by: 'alice', comment: 'from A' },
            ARRIVAL_MS,
          );
          expect((await handle.done).status).toBe('succeeded');
        },
        60_000,
      );

      it.skipIf(!available)(
        'says so when no replica drives the run',
        async () => {
          const [a, b] = await pair();
          hostOf(a, 'a3');
          hostOf(b, 'b3');
          await expect(
            a.sync.control!.cancel('default', 'no-such-run', undefined, 5_000),
          ).rejects.toMatchObject({ code: RUN_NOT_DRIVEN });
        },
        30_000,
      );
    });
  });
}
