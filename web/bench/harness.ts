/**
 * Benchmark harness (bench/src/web-render.bench.ts drives it in Chromium through Vite's dev
 * server; it is not part of the dashboard build). Mounts the real dashboard components with
 * synthetic data and exposes measurements on `window.coBench`:
 * - `?case=graph&jobs=500`: time from mount to the drawn run graph (ReadOnlyGraph, as on the run
 *   page) plus two frames; `&renderer=editor` draws the same run as the editor does (the same
 *   component, `editable`: link handles and fit-to-view) for comparison;
 * - `?case=log&lines=200000`: a LogViewer holding that many lines; `scroll(frames)` scrolls it
 *   end to end one step per frame and reports frame times.
 * - `?case=fanout&instances=100000`: the run page's content for a run whose job fans out to that
 *   many instances (issue 16): the graph (50 other jobs plus the fan-out as ONE node with its
 *   bar) and the fan-out's instance list open, its pages answered from a synthetic list shaped as
 *   the API lists them (ended, then running); ready once the graph and the first rows are drawn,
 *   plus two frames. `scrollInstances(pages)` scrolls the list to its end `pages` times (each
 *   reads the next page) and reports the most rows ever in the DOM.
 * - `?case=runchart&runs=100`: the workflow page's chart of its last runs (RunDurationsChart,
 *   ECharts, issue 17) for that many finished runs; ready once every run's bar is drawn (SVG
 *   paths in the chart), plus two frames.
 */
import { createApp, h, markRaw } from 'vue';
import '../src/styles/app.css';
import ReadOnlyGraph from '../src/components/ReadOnlyGraph.vue';
import LogViewer from '../src/components/LogViewer.vue';
import FanOutInstances from '../src/components/FanOutInstances.vue';
import RunDurationsChart from '../src/components/RunDurationsChart.vue';
import type {
  FanOutInstance,
  FanOutInstancePage,
  LogLine,
  NodeStatus,
  RunStatus,
  RunSummary,
} from '../src/api/types.js';
import { LogBuffer } from '../src/stores/log-buffer.js';
import type { TreeStage } from '../src/workflow/flow-tree.js';

interface BenchApi {
  /** Resolves with the first-render time of the graph case (ms). */
  graphReady?: Promise<number>;
  scroll?: (frames: number) => Promise<{ frames: number[]; longTasks: number[] }>;
  /** Resolves with the first-render time of the fan-out case (ms). */
  fanOutReady?: Promise<number>;
  scrollInstances?: (pages: number) => Promise<{ rowsRead: number; maxDomRows: number }>;
  /** Resolves with the first-render time of the run chart case (ms). */
  runChartReady?: Promise<number>;
}

declare global {
  interface Window {
    coBench: BenchApi;
  }
}

const params = new URLSearchParams(location.search);
const api: BenchApi = {};
window.coBench = api;

const frame = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

/** A run-like tree: 10 stages, half parallel, `jobs` jobs in total, every job with a status. */
function runTree(jobs: number): TreeStage[] {
  const statuses = ['SUCCEEDED', 'RUNNING', 'PENDING', 'FAILED'] as const;
  const stages: TreeStage[] = [];
  const perStage = Math.ceil(jobs / 10);
  let made = 0;
  for (let s = 0; s < 10 && made < jobs; s++) {
    const actions = [];
    for (let a = 0; a < 5 && made < jobs; a++) {
      const list = [];
      for (let j = 0; j < perStage / 5 && made < jobs; j++, made++) {
        const path = `s${s}.a${a}.j${j}`;
        list.push({
          id: path,
          name: `j${j}`,
          path,
          outputs: [],
          status: statuses[made % 4],
          durationMs: 1234,
        });
      }
      actions.push({ id: `s${s}.a${a}`, name: `a${a}`, path: `s${s}.a${a}`, jobs: list });
    }
    stages.push({ id: `s${s}`, name: `s${s}`, type: 'normal', parallel: s % 2 === 0, actions });
  }
  return stages;
}

if (params.get('case') === 'graph') {
  const stages = runTree(Number(params.get('jobs') ?? 500));
  let resolveReady: (ms: number) => void = () => undefined;
  api.graphReady = new Promise((r) => (resolveReady = r));
  const renderer = params.get('renderer');
  const t0 = performance.now();
  createApp({
    render: () =>
      h(ReadOnlyGraph, {
        stages,
        editable: renderer === 'editor',
        style: 'height: 100vh',
        onReady: () => {
          void frame()
            .then(frame)
            .then(() => resolveReady(performance.now() - t0));
        },
      }),
  }).mount('#app');
}

if (params.get('case') === 'log') {
  const total = Number(params.get('lines') ?? 200_000);
  const buffer = markRaw(new LogBuffer());
  const lines: LogLine[] = [];
  for (let i = 1; i <= total; i++) {
    const text =
      i % 7 === 0
        ? `\u001b[31merror\u001b[0m step ${i}: something \u001b[1mfailed\u001b[0m, retrying`
        : `step ${i}: compiled package-${i % 97} in ${i % 1000} ms`;
    lines.push({
      seq: i,
      stream: i % 13 === 0 ? 'STDERR' : 'STDOUT',
      text,
      time: '2026-01-01T00:00:00.000Z',
    });
  }
  buffer.append(lines);
  createApp({ render: () => h(LogViewer, { buffer, version: 1 }) }).mount('#app');
  api.scroll = async (frames: number) => {
    const box = document.querySelector<HTMLElement>('[data-testid=log]');
    if (!box) throw new Error('no log viewer');
    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask' });
    box.scrollTop = 0;
    await frame();
    const step = (box.scrollHeight - box.clientHeight) / frames;
    const times: number[] = [];
    let last = await frame();
    for (let i = 1; i <= frames; i++) {
      box.scrollTop = step * i;
      const now = await frame();
      times.push(now - last);
      last = now;
    }
    observer.disconnect();
    return { frames: times, longTasks };
  };
}

/** The instance of index `i` of a synthetic fan-out: ended ones first (1 in 50 failed), then running. */
function syntheticInstance(i: number, ended: number): FanOutInstance {
  const status: NodeStatus = i >= ended ? 'RUNNING' : i % 50 === 7 ? 'FAILED' : 'SUCCEEDED';
  const name = `test[shard=${Math.floor(i / 100)},db=${i % 100}]`;
  return {
    name,
    path: `test.unit.${name}`,
    status,
    attempt: 1,
    exitCode: status === 'RUNNING' ? null : status === 'FAILED' ? 1 : 0,
    reason: status === 'FAILED' ? 'exited with code 1' : null,
    durationMs: status === 'RUNNING' ? null : 800 + (i % 400),
  };
}

if (params.get('case') === 'fanout') {
  const total = Number(params.get('instances') ?? 100_000);
  const running = Math.min(1_000, total);
  const ended = total - running;
  const failed = Math.floor((ended + 42) / 50);
  const counts = { total, started: total, running, passed: ended - failed, failed, skipped: 0 };
  // The graph: the 50-job run tree of the graph case, plus a stage whose one job fans out.
  const stages = runTree(50);
  stages.splice(5, 0, {
    id: 'test',
    name: 'test',
    type: 'normal',
    parallel: false,
    status: 'RUNNING',
    actions: [
      {
        id: 'test.unit',
        name: 'unit',
        path: 'test.unit',
        status: 'RUNNING',
        jobs: [
          {
            id: 'test.unit.test',
            name: 'test',
            path: 'test.unit.test',
            outputs: [],
            status: 'RUNNING',
            fanOut: counts,
          },
        ],
      },
    ],
  });
  // Pages as the API gives them (`i:N` cursors over ended-then-running), at once: the bench
  // measures the browser, not the server (the API's page time is the fan-out bench's figure).
  const fetchPage = async (
    status: NodeStatus | '',
    after: string | null,
  ): Promise<FanOutInstancePage> => {
    const nodes: FanOutInstance[] = [];
    let i = after === null ? 0 : Number(after.slice(2));
    for (; i < total && nodes.length < 100; i++) {
      const row = syntheticInstance(i, ended);
      if (status === '' || row.status === status) nodes.push(row);
    }
    return {
      nodes,
      pageInfo: { endCursor: nodes.length > 0 ? `i:${i}` : null, hasNextPage: i < total },
      totalCount:
        status === ''
          ? total
          : status === 'RUNNING'
            ? running
            : status === 'FAILED'
              ? failed
              : counts.passed,
    };
  };
  let resolveReady: (ms: number) => void = () => undefined;
  api.fanOutReady = new Promise((r) => (resolveReady = r));
  let graphDrawn = false;
  const t0 = performance.now();
  const whenRowsDrawn = async (): Promise<void> => {
    while (document.querySelector('[data-testid=instance-row]') === null) await frame();
  };
  createApp({
    render: () =>
      h('div', [
        h(ReadOnlyGraph, {
          stages,
          selectedId: 'test.unit.test',
          onReady: () => {
            graphDrawn = true;
          },
        }),
        h(FanOutInstances, {
          runId: 'bench',
          jobPath: 'test.unit.test',
          counts,
          fetchPage,
        }),
      ]),
  }).mount('#app');
  void whenRowsDrawn()
    .then(frame)
    .then(frame)
    .then(() => {
      if (!graphDrawn) throw new Error('graph not drawn');
      resolveReady(performance.now() - t0);
    });
  api.scrollInstances = async (pages: number) => {
    const list = document.querySelector<HTMLElement>('[data-testid=instance-list]');
    if (!list) throw new Error('no instance list');
    let maxDomRows = 0;
    for (let p = 0; p < pages; p++) {
      const before = list.scrollHeight;
      list.scrollTop = list.scrollHeight;
      list.dispatchEvent(new Event('scroll'));
      while (list.scrollHeight === before) await frame();
      maxDomRows = Math.max(maxDomRows, list.querySelectorAll('[data-testid=instance-row]').length);
    }
    await frame();
    const rowsRead = Math.round(list.scrollHeight / 30);
    return { rowsRead, maxDomRows };
  };
}

if (params.get('case') === 'runchart') {
  const count = Number(params.get('runs') ?? 100);
  // Finished runs a minute apart, 1 in 5 failed, durations varying so the bars differ.
  const outcomes: RunStatus[] = ['SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED', 'CANCELLED'];
  const start = Date.UTC(2026, 0, 1);
  const runs: RunSummary[] = Array.from({ length: count }, (_, i) => {
    const created = start + i * 60_000;
    const durationMs = 20_000 + ((i * 7919) % 90_000);
    return {
      id: `run-${String(i).padStart(8, '0')}`,
      workflowUri: 'bench/repo/ci',
      organization: 'bench',
      workflowVersion: 1,
      status: outcomes[i % outcomes.length] ?? 'SUCCEEDED',
      reason: null,
      createdAt: new Date(created).toISOString(),
      startedAt: new Date(created + 1_000).toISOString(),
      finishedAt: new Date(created + 1_000 + durationMs).toISOString(),
      durationMs,
      triggerType: 'api',
      triggeredBy: 'bench',
      lastSeq: 10,
    };
  });
  let resolveReady: (ms: number) => void = () => undefined;
  api.runChartReady = new Promise((r) => (resolveReady = r));
  const t0 = performance.now();
  createApp({ render: () => h(RunDurationsChart, { runs }) }).mount('#app');
  // ECharts draws on an animation frame after mounting: wait until every bar is a path.
  const bars = ['#1a7f37', '#cf222e', '#8c959f']
    .map((fill) => `[data-testid=run-chart] svg path[fill="${fill}"]`)
    .join(', ');
  const barsDrawn = (): boolean => document.querySelectorAll(bars).length >= count;
  void (async () => {
    while (!barsDrawn()) await frame();
    await frame();
    await frame();
    resolveReady(performance.now() - t0);
  })();
}
