/**
 * The server of the webhook deliveries bench (`webhook-deliveries.bench.ts`), in its own process
 * so the bench's 100 connections do not share its event loop: `startServer` on a temp data dir
 * (SQLite state and log store), `local` orchestrator, the github trigger configured with the
 * bench's secret, one workflow subscribed to pushes of `bench/widgets` (one `true` job). Prints
 * `READY {"url"}`; answers each `STATS` line on stdin with `STATS {runs, unfinished, deliveries}`
 * (counted in the database); shuts down when stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { silentServerLogger, startServer } from '@containerops/server';

const SECRET = process.env['BENCH_SECRET'] ?? 'bench-webhook-secret';
const PLUGIN = resolve(import.meta.dirname, '../../plugins/trigger-github/src/index.ts');

const dir = mkdtempSync(join(tmpdir(), 'co-bench-hooks-'));
const server = await startServer(
  {
    port: 0,
    host: '127.0.0.1',
    dataDir: dir,
    orchestrator: 'local',
    announce: () => undefined,
    plugins: [{ module: PLUGIN, config: { secret: SECRET } }],
  },
  { logger: silentServerLogger },
);
const admin = await server.services.identity.authenticate(`Bearer ${server.adminToken ?? ''}`);
if (admin === undefined) throw new Error('no admin');
const applied = await server.services.workflows.apply(
  admin,
  `
uri: default/bench/on-push
triggers:
  - type: github
    repository: bench/widgets
    events: [push]
stages:
  - { type: start, name: start }
  - type: normal
    name: ci
    actions:
      - name: it
        jobs:
          - name: noop
            command: 'true'
  - { type: end, name: end }
`,
);
if (!applied.ok) throw new Error(JSON.stringify(applied));

const count = async (sql: string): Promise<number> =>
  Number(((await server.dataSource.query(sql)) as { n: number | string }[])[0]?.n ?? 0);

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() !== 'STATS') return;
    void (async () => {
      const stats = {
        runs: await count(
          `SELECT COUNT(*) AS n FROM runs WHERE workflow_uri = 'default/bench/on-push'`,
        ),
        unfinished: await count(
          `SELECT COUNT(*) AS n FROM runs WHERE workflow_uri = 'default/bench/on-push' AND status NOT IN ('succeeded','failed','timed_out','cancelled')`,
        ),
        accepted: await count(
          `SELECT COUNT(*) AS n FROM trigger_deliveries WHERE trigger_type = 'github' AND status = 'accepted'`,
        ),
        duplicate: await count(
          `SELECT COUNT(*) AS n FROM trigger_deliveries WHERE trigger_type = 'github' AND status = 'duplicate'`,
        ),
        claims: await count(`SELECT COUNT(*) AS n FROM trigger_claims WHERE plugin = 'github'`),
      };
      process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
    })();
  })
  .on('close', () => {
    void server.close().then(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  });

process.stdout.write(`READY ${JSON.stringify({ url: server.url })}\n`);
