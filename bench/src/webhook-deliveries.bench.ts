/**
 * Webhook deliveries (issue 14): 1,000 signed GitHub push deliveries, each with its own
 * `X-GitHub-Delivery`, sent over loopback with 100 in flight at once (100 keep-alive
 * connections), each starting one run of a one-job workflow; then the first 200 sent again (as
 * GitHub's "Redeliver" does). Checks, by counting in the server's database, that none is lost
 * (1,000 runs, 1,000 accepted deliveries) or duplicated (no run for a redelivery), and reports
 * the accept latency (request sent → 202) percentiles. Writes bench/results/webhook-deliveries.json.
 *
 *   npm run -w @containerops/bench bench:webhook-deliveries
 */
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { writeResults } from './results.js';
import { percentile, round } from './stats.js';

const DELIVERIES = Number(process.env['BENCH_DELIVERIES'] ?? 1_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 100);
const REDELIVER = Number(process.env['BENCH_REDELIVER'] ?? 200);
const SECRET = 'bench-webhook-secret';

const serverScript = fileURLToPath(new URL('./webhook-deliveries-server.ts', import.meta.url));
const child = spawn(process.execPath, [...process.execArgv, serverScript], {
  stdio: ['pipe', 'pipe', 'inherit'],
  env: { ...process.env, BENCH_SECRET: SECRET },
});
let onStats: ((stats: Record<string, number>) => void) | undefined;
const { url } = await new Promise<{ url: string }>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as { url: string });
    else if (line.startsWith('STATS '))
      onStats?.(JSON.parse(line.slice(6)) as Record<string, number>);
  });
});
const stats = (): Promise<Record<string, number>> => {
  const answer = new Promise<Record<string, number>>((resolve) => (onStats = resolve));
  child.stdin.write('STATS\n');
  return answer;
};

// 100 keep-alive connections: each of the 100 senders reuses one.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
interface Delivery {
  readonly id: string;
  readonly body: string;
  readonly signature: string;
}
const deliveries: Delivery[] = Array.from({ length: DELIVERIES }, (_, i) => {
  const body = JSON.stringify({
    ref: 'refs/heads/main',
    after: createHmac('sha1', 'x').update(String(i)).digest('hex'),
    repository: { full_name: 'bench/widgets', clone_url: 'https://example.com/bench/widgets.git' },
    pusher: { name: 'bench' },
    sender: { login: 'bench' },
    commits: [{ added: [`file-${i}.txt`], modified: [], removed: [] }],
  });
  return {
    id: randomUUID(),
    body,
    signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
  };
});

interface Outcome {
  readonly status: number;
  readonly ms: number;
  /** Time to connect, when this request opened a new connection (part of `ms`). */
  readonly connectMs?: number;
  readonly runIds: readonly string[];
  readonly duplicate: boolean;
}
async function send(delivery: Delivery): Promise<Outcome> {
  const started = performance.now();
  let connectMs: number | undefined;
  const { status, text } = await new Promise<{ status: number; text: string }>(
    (resolve, reject) => {
      const req = request(
        `${url}/hooks/github`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(delivery.body),
            'x-github-event': 'push',
            'x-github-delivery': delivery.id,
            'x-hub-signature-256': delivery.signature,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      // A new connection's set-up is part of the latency: reported apart, to tell a slow accept
      // from a slow connect (a SYN dropped by a full listen queue is retried 1 s, 3 s, 7 s… later).
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        const opening = performance.now();
        socket.once('connect', () => (connectMs = performance.now() - opening));
      });
      req.end(delivery.body);
    },
  );
  const ms = performance.now() - started;
  const json = JSON.parse(text) as { runs?: { runId?: string; duplicate?: boolean }[] };
  const runs = json.runs ?? [];
  return {
    status,
    ms,
    ...(connectMs === undefined ? {} : { connectMs }),
    runIds: runs.flatMap((r) => (r.runId === undefined || r.duplicate === true ? [] : [r.runId])),
    duplicate: runs.some((r) => r.duplicate === true),
  };
}

/** Sends every delivery with at most `CONCURRENCY` in flight. */
async function sendAll(
  list: readonly Delivery[],
): Promise<{ outcomes: Outcome[]; wallMs: number }> {
  const outcomes: Outcome[] = new Array(list.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < list.length; i = next++) outcomes[i] = await send(list[i]!);
    }),
  );
  return { outcomes, wallMs: performance.now() - started };
}

const loadBefore = loadavg();
const first = await sendAll(deliveries);
const again = await sendAll(deliveries.slice(0, REDELIVER));

// Wait for every run to end, then count in the database.
let counted = await stats();
const deadline = Date.now() + 300_000;
while (counted['unfinished']! > 0 && Date.now() < deadline) {
  await new Promise((r) => setTimeout(r, 500));
  counted = await stats();
}

const loadAfter = loadavg();
const latencies = first.outcomes.map((o) => o.ms);
const connects = first.outcomes.flatMap((o) => (o.connectMs === undefined ? [] : [o.connectMs]));
const runIds = new Set(first.outcomes.flatMap((o) => o.runIds));
const results = {
  deliveries: DELIVERIES,
  concurrency: CONCURRENCY,
  redelivered: REDELIVER,
  answers: {
    first: countBy(first.outcomes.map((o) => o.status)),
    redelivered: countBy(again.outcomes.map((o) => o.status)),
  },
  distinctRunIdsAnswered: runIds.size,
  redeliveriesAnsweredDuplicate: again.outcomes.filter((o) => o.duplicate && o.runIds.length === 0)
    .length,
  database: counted,
  acceptLatencyMs: {
    p50: round(percentile(latencies, 50), 1),
    p90: round(percentile(latencies, 90), 1),
    p99: round(percentile(latencies, 99), 1),
    max: round(Math.max(...latencies), 1),
  },
  /** Requests that opened a connection, and the slowest connect (included in the latency). */
  connections: {
    opened: connects.length,
    connectMsMax: round(Math.max(0, ...connects), 1),
  },
  /** `uptime`'s 1/5/15-minute load averages before and after the first wave (2 cores, shared). */
  loadAverage: {
    before: loadBefore.map((l) => round(l, 2)),
    after: loadAfter.map((l) => round(l, 2)),
  },
  redeliveryLatencyMsP99: round(
    percentile(
      again.outcomes.map((o) => o.ms),
      99,
    ),
    1,
  ),
  wallMs: { first: round(first.wallMs, 0), redelivered: round(again.wallMs, 0) },
  deliveriesPerSecond: round((DELIVERIES / first.wallMs) * 1000, 1),
};
const lostOrDuplicated =
  results.answers.first['202'] !== DELIVERIES ||
  runIds.size !== DELIVERIES ||
  counted['runs'] !== DELIVERIES ||
  counted['accepted'] !== DELIVERIES ||
  counted['duplicate'] !== REDELIVER ||
  results.redeliveriesAnsweredDuplicate !== REDELIVER;
const file = await writeResults('webhook-deliveries', { ...results, ok: !lostOrDuplicated });
console.log(JSON.stringify(results, null, 2));
console.log(
  `${lostOrDuplicated ? 'FAILED: lost or duplicated deliveries' : 'ok: none lost, none duplicated'}; results in ${file}`,
);
agent.destroy();
child.stdin.end();
process.exitCode = lostOrDuplicated ? 1 : 0;

function countBy(values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
