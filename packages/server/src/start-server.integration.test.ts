import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '@containerops/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentServerLogger } from './logger.js';
import type { Principal } from './services/contracts.js';
import { startServer } from './start-server.js';
import type { StartedServer } from './start-server.js';
import { startLocalTestServer } from './testing/local-test-server.js';
import type { LocalTestServer } from './testing/local-test-server.js';

const WORKFLOW = `
uri: default/demo/hello
stages:
  - type: start
    name: start
  - type: normal
    name: build
    actions:
      - name: compile
        jobs:
          - name: greet
            command: "echo hello $WHO; echo \\"[COUT] TOKEN = \${SECRET_VALUE}\\"; i=1; while [ $i -le 5 ]; do echo line $i; i=$((i+1)); done"
            environments:
              - SECRET_VALUE: "\${{ secrets.API_KEY }}"
            outputs: [TOKEN]
  - type: end
    name: end
inputs: [WHO]
`;

describe('startServer on local + SQLite', () => {
  let local: LocalTestServer | undefined;
  let dir: string;
  let server: StartedServer;
  let admin: Principal;
  let announced = '';

  beforeAll(async () => {
    local = await startLocalTestServer('co-server');
    ({ server, admin, announced, dataDir: dir } = local);
  });
  afterAll(() => local?.close());

  it('bootstraps an admin with a one-time token, printed once', () => {
    expect(server.adminToken).toMatch(/^co_[A-Za-z0-9_-]{43}$/);
    expect(announced).toContain(server.adminToken);
    expect(admin).toMatchObject({ userName: 'admin', siteAdmin: true });
    expect(admin.roles.get('default')).toBe('admin');
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
  });

  it('answers health, readiness, metrics, unknown hooks and the dashboard placeholder', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain(
      'containerops_queue_depth',
    );
    const hook = await fetch(`${server.url}/hooks/nope/x`, { method: 'POST' });
    expect(hook.status).toBe(404);
    expect(await hook.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('applies a workflow, runs it with a secret, lists it, serves its logs and events', async () => {
    await server.services.secrets.set(admin, 'default', 'API_KEY', 's3cr3t-value');
    const applied = await server.services.workflows.apply(admin, WORKFLOW);
    expect(applied).toMatchObject({ ok: true, changed: true, version: { number: 1 } });
    expect((await server.services.workflows.apply(admin, WORKFLOW)).changed).toBe(false);

    const controller = new AbortController();
    const seen: EngineEvent[] = [];
    const feed = (async () => {
      for await (const e of server.services.live.events(
        admin,
        { organization: 'default' },
        controller.signal,
      )) {
        seen.push(e);
        if (e.scope === 'run' && ['succeeded', 'failed'].includes(e.status)) controller.abort();
      }
    })();

    const run = await server.services.runs.trigger(admin, 'default/demo/hello', {
      inputs: { WHO: 'world' },
    });
    await feed;
    const done = await server.services.runs.get(admin, run.snapshot.runId);
    expect(done?.snapshot.status).toBe('succeeded');
    const job = done?.snapshot.stages[1]?.actions[0]?.jobs[0];
    expect(job?.outputs['TOKEN']).toBe('***');
    const seqs = seen.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    const lines = await server.services.runs.logs(admin, {
      runId: run.snapshot.runId,
      jobPath: 'build.compile.greet',
    });
    const texts = lines.map((l) => l.text);
    expect(texts).toContain('hello world');
    expect(texts.filter((t) => t.startsWith('line '))).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
    ]);
    expect(texts.join('\n')).not.toContain('s3cr3t-value');

    // Replay from the start: the same events, in order, then the log feed ends by itself.
    const replay: number[] = [];
    const again = new AbortController();
    for await (const e of server.services.live.events(
      admin,
      { runId: run.snapshot.runId },
      again.signal,
    )) {
      replay.push(e.seq);
      if (e.seq === seqs.at(-1)) again.abort();
    }
    expect(replay).toEqual(
      seqs.filter((s) => seen.find((e) => e.seq === s)?.runId === run.snapshot.runId),
    );
    const chunks: number[] = [];
    for await (const chunk of server.services.live.logs(
      admin,
      { runId: run.snapshot.runId, jobPath: 'build.compile.greet', afterSeq: 2 },
      new AbortController().signal,
    )) {
      chunks.push(...chunk.map((l) => l.seq));
    }
    expect(chunks).toEqual(lines.filter((l) => l.seq > 2).map((l) => l.seq));

    const page = await server.services.runs.list(
      admin,
      { organization: 'default', statuses: ['succeeded'] },
      { first: 10 },
    );
    expect(page.totalCount).toBe(1);
    // The page says where a live feed resumes: at least past every event of the runs it shows.
    expect(page.lastSeq).toBeGreaterThanOrEqual(seqs.at(-1) ?? Infinity);
    expect(page.runs[0]?.snapshot.runId).toBe(run.snapshot.runId);
    expect((await server.services.runs.counts(admin, 'default')).succeeded).toBe(1);
  });

  it('starts a many-run feed without afterSeq live, not from the beginning of history', async () => {
    const earlier = await server.services.runs.list(
      admin,
      { organization: 'default' },
      { first: 1 },
    );
    const oldRunId = earlier.runs[0]?.snapshot.runId;
    expect(oldRunId).toBeDefined(); // the previous test's run: its events are history now

    const controller = new AbortController();
    const seen: EngineEvent[] = [];
    let subscribed!: () => void;
    const ready = new Promise<void>((resolve) => (subscribed = resolve));
    const feed = (async () => {
      const events = server.services.live.events(
        admin,
        { organization: 'default' },
        controller.signal,
      );
      const iterator = events[Symbol.asyncIterator]();
      const first = iterator.next();
      subscribed();
      for (let next = await first; next.done !== true; next = await iterator.next()) {
        seen.push(next.value);
        if (next.value.scope === 'run' && ['succeeded', 'failed'].includes(next.value.status))
          controller.abort();
      }
    })();
    await ready;
    // Give the feed time to read the current seq before the new run's first event is stored.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const run = await server.services.runs.trigger(admin, 'default/demo/hello', {
      inputs: { WHO: 'again' },
    });
    await feed;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((e) => e.runId === run.snapshot.runId)).toBe(true);
  });

  it('refuses callers without the role, with stable codes', async () => {
    await server.services.identity.setMember(admin, 'default', 'viewer1', 'viewer');
    const created = await server.services.identity.createToken(admin, 'v', { forUser: 'viewer1' });
    const viewer = (await server.services.identity.authenticate(created.secret)) as Principal;
    await expect(server.services.runs.trigger(viewer, 'default/demo/hello')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(server.services.secrets.set(viewer, 'default', 'X', 'y')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(await server.services.secrets.list(viewer, 'default')).toEqual([
      expect.objectContaining({ name: 'API_KEY' }),
    ]);
    expect(await server.services.identity.authenticate('co_unknown')).toBeUndefined();
    await expect(
      server.services.identity.removeMember(admin, 'default', 'admin'),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('refuses a site admin who names an organisation that does not exist', async () => {
    await expect(server.services.secrets.set(admin, 'no-such-org', 'X', 'y')).rejects.toMatchObject(
      { code: 'NOT_FOUND' },
    );
    await expect(
      server.services.workflows.apply(
        admin,
        WORKFLOW.replace('default/demo/hello', 'no-such-org/demo/hello'),
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await server.services.secrets.list(admin, 'no-such-org')).toEqual([]);
  });

  it('resolves component references and reports unknown ones at their line', async () => {
    await server.services.components.publish(
      admin,
      'name: default/echoer\nversion: 1.2.0\nimage: containerops/busybox:latest\ninputs:\n  - key: WHO\n    required: true\ntimeout: 5m\n',
    );
    const yaml = WORKFLOW.replace('uri: default/demo/hello', 'uri: default/demo/comp').replace(
      '            command:',
      '            component: default/echoer@1.2\n            inputs: { WHO: x }\n            command:',
    );
    const ok = await server.services.workflows.validate(admin, yaml);
    expect(ok.ok).toBe(true);
    const job = ok.model?.stages[1]?.actions[0]?.jobs[0];
    expect(job).toMatchObject({ image: 'containerops/busybox:latest', timeoutMs: 300_000 });
    const bad = await server.services.workflows.validate(
      admin,
      yaml.replace('default/echoer@1.2', 'default/missing@1'),
    );
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', line: 12 });
  });
});

describe('startServer restart', () => {
  it('never bootstraps twice and keeps its data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'co-server-'));
    try {
      const first = await startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: dir,
          orchestrator: 'local',
          announce: () => undefined,
        },
        { logger: silentServerLogger },
      );
      const token = first.adminToken;
      await first.close();
      let printed = '';
      const second = await startServer(
        {
          port: 0,
          host: '127.0.0.1',
          dataDir: dir,
          orchestrator: 'local',
          announce: (t) => (printed += t),
        },
        { logger: silentServerLogger },
      );
      expect(second.adminToken).toBeUndefined();
      expect(printed).toBe('');
      expect(await second.services.identity.authenticate(token ?? '')).toMatchObject({
        userName: 'admin',
      });
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses replicas: many on SQLite, naming what would work, before opening anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'co-server-'));
    try {
      await expect(
        startServer(
          { port: 0, host: '127.0.0.1', dataDir: dir, orchestrator: 'local', replicas: 'many' },
          { logger: silentServerLogger },
        ),
      ).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
        message: expect.stringMatching(
          /^replicas: many needs a database that several servers can share \(PostgreSQL, MySQL\/MariaDB or TiDB/,
        ),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
