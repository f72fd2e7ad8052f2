/**
 * The log path end to end, by counting (speed is `bench/src/engine-local.bench.ts`'s business):
 * a job's 100,000 lines go from its pipe through the orchestrator and the engine to the log sink
 * and to an observer, each line once and in order, in both spawn modes, through `logBatches`
 * (what the engine reads from this orchestrator) and through `logs` alone (an orchestrator wrapped
 * without `logBatches`), with a fast sink and with a slow one that makes the reader wait.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine, MemoryLogSink, parseWorkflow } from '@containerops/sdk';
import type { JobLogLine, LogSink, Orchestrator } from '@containerops/sdk';
import { LocalOrchestrator } from './local-orchestrator.js';
import type { LocalSpawnMode } from './local-orchestrator.js';

const LINES = 100_000;
const ERR_LINES = 1_000;
let rootDir: string;

beforeAll(async () => {
  rootDir = await mkdtemp(join(tmpdir(), 'co-log-path-test-'));
});

afterAll(async () => {
  await rm(rootDir, { recursive: true, force: true });
});

const workflow = (() => {
  const parsed = parseWorkflow(`uri: test/local/log-path
stages:
  - type: normal
    name: s
    actions:
      - name: a
        jobs:
          - name: j
            command: ["sh", "-c", "seq 1 ${LINES}; seq 1 ${ERR_LINES} >&2"]
`);
  if (!parsed.workflow) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.workflow;
})();

/** A sink that takes its time over every append, so the reader has to wait for it. */
class SlowSink implements LogSink {
  readonly inner = new MemoryLogSink();
  async append(lines: readonly JobLogLine[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await this.inner.append(lines);
  }
  read: LogSink['read'] = (query) => this.inner.read(query);
}

/** The orchestrator as a host that forwards only `logs` sees it (no `logBatches`). */
function withoutBatches(inner: Orchestrator): Orchestrator {
  return {
    name: inner.name,
    capabilities: inner.capabilities,
    isAvailable: () => inner.isAvailable(),
    prepare: (run) => inner.prepare(run),
    start: (job) => inner.start(job),
    logs: (handle, options) => inner.logs(handle, options),
    wait: (handle) => inner.wait(handle),
    stop: (handle, options) => inner.stop(handle, options),
    remove: (handle) => inner.remove(handle),
    cleanup: (run, options) => inner.cleanup(run, options),
    reattach: (selector) => inner.reattach(selector),
  };
}

function expectSequence(texts: readonly string[], count: number): void {
  expect(texts).toHaveLength(count);
  for (let i = 0; i < count; i++) {
    if (texts[i] !== String(i + 1)) expect.fail(`line ${i + 1} is "${texts[i]}"`);
  }
}

const cases: [LocalSpawnMode, 'batches' | 'lines', 'fast' | 'slow'][] = [
  ['helper', 'batches', 'fast'],
  ['in-process', 'batches', 'fast'],
  ['helper', 'batches', 'slow'],
  ['helper', 'lines', 'slow'],
  ['in-process', 'lines', 'fast'],
];

describe('the log path from a local job to the store', () => {
  it.each(cases)(
    'stores and delivers each of 100,000 lines once, in order (%s spawn, %s, %s sink)',
    async (mode, reading, speed) => {
      const local = new LocalOrchestrator({ rootDir, spawn: mode });
      const sink = speed === 'slow' ? new SlowSink() : new MemoryLogSink();
      const engine = new Engine({
        orchestrator: reading === 'batches' ? local : withoutBatches(local),
        logs: sink,
      });
      const observed: JobLogLine[] = [];
      const stopObserving = engine.observe({ onLog: (line) => observed.push(line) });
      const final = await engine.start(workflow).done;
      stopObserving();
      expect(final.status).toBe('succeeded');

      const stored = await sink.read({ runId: final.runId, jobPath: 's.a.j' });
      const job = stored.filter((line) => line.stream !== 'system');
      // Every line once: seq numbers 1..n without a gap, in the order stored.
      expect(job.map((line) => line.seq)).toEqual(job.map((_, i) => i + 1));
      expectSequence(
        job.filter((line) => line.stream === 'stdout').map((line) => line.text),
        LINES,
      );
      expectSequence(
        job.filter((line) => line.stream === 'stderr').map((line) => line.text),
        ERR_LINES,
      );
      // Observers get the same lines in the same order.
      const seen = observed.filter(
        (line) => line.runId === final.runId && line.stream !== 'system',
      );
      expect(seen.map((line) => line.seq)).toEqual(job.map((line) => line.seq));
    },
  );
});
