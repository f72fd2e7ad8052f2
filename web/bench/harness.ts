/**
 * Benchmark harness (bench/src/web-render.bench.ts drives it in Chromium through Vite's dev
 * server; it is not part of the dashboard build). Mounts the real dashboard components with
 * synthetic data and exposes measurements on `window.coBench`:
 * - `?case=graph&jobs=500`: time from mount to the drawn run graph (ReadOnlyGraph, as on the run
 *   page) plus two frames; `&renderer=vueflow` draws the same run with the editor's FlowCanvas
 *   (Vue Flow: all nodes measured and placed, then two frames) for comparison;
 * - `?case=log&lines=200000`: a LogViewer holding that many lines; `scroll(frames)` scrolls it
 *   end to end one step per frame and reports frame times.
 */
import { createApp, h, markRaw } from 'vue';
import '@vue-flow/core/dist/style.css';
import '@vue-flow/core/dist/theme-default.css';
import '../src/styles/app.css';
import FlowCanvas from '../src/components/FlowCanvas.vue';
import ReadOnlyGraph from '../src/components/ReadOnlyGraph.vue';
import LogViewer from '../src/components/LogViewer.vue';
import type { LogLine } from '../src/api/types.js';
import { LogBuffer } from '../src/stores/log-buffer.js';
import type { TreeStage } from '../src/workflow/flow-tree.js';

interface BenchApi {
  /** Resolves with the first-render time of the graph case (ms). */
  graphReady?: Promise<number>;
  scroll?: (frames: number) => Promise<{ frames: number[]; longTasks: number[] }>;
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
  const t0 = performance.now();
  createApp({
    render: () =>
      h(params.get('renderer') === 'vueflow' ? FlowCanvas : ReadOnlyGraph, {
        stages,
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
