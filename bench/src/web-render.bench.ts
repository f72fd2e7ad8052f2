/**
 * Dashboard rendering in real Chromium (Debian's, through playwright-core):
 * - a run graph with 500 jobs: time from mount to drawn (target ≤ 1 s), with the run page's
 *   renderer (ReadOnlyGraph) and, for comparison, the same component in the editor's `editable`
 *   mode (link handles, fit-to-view);
 * - a 200,000-line log scrolled end to end, one step per frame: frame times and long tasks
 *   (target: no frame over 50 ms);
 * - the run page's content for a run whose job fans out to 100,000 instances (issue 16): the
 *   graph with the fan-out as one node and its virtualised instance list open, mount to drawn
 *   (target ≤ 1 s), then 50 pages read by scrolling with the DOM row count (must stay bounded).
 * - the workflow page's chart of its last 100 runs (issue 17; RunDurationsChart, ECharts): mount
 *   to every bar drawn (target ≤ 500 ms).
 * The real components (FlowCanvas, LogViewer) are served by Vite's dev server from
 * web/bench/index.html (synthetic data; no API server needed). Writes results/web-render.json.
 * `WEB_BENCH_ONLY=graph|log` runs one part and prints it without writing the results file;
 * `WEB_BENCH_ONLY=fanout` runs the fan-out part and writes it alone to results/web-render-fanout.json;
 * `WEB_BENCH_ONLY=runchart` runs the run-chart part and writes it alone to
 * results/web-render-runchart.json.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { createServer } from 'vite';
import { writeResults } from './results.js';
import { percentile } from './stats.js';

const webRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const REPEATS = 5;
const GRAPH_JOBS = 500;
const LOG_LINES = 200_000;
const SCROLL_FRAMES = 600;
const FAN_OUT_INSTANCES = 100_000;
const FAN_OUT_SCROLL_PAGES = 50;
const CHART_RUNS = 100;
const ONLY = process.env['WEB_BENCH_ONLY'];

const server = await createServer({
  root: webRoot,
  configFile: false,
  plugins: [vue()],
  logLevel: 'error',
  server: { host: '127.0.0.1', port: 0, strictPort: false },
});
await server.listen();
const address = server.httpServer?.address();
if (address === null || address === undefined || typeof address === 'string')
  throw new Error('no vite address');
const base = `http://127.0.0.1:${address.port}/bench/index.html`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

async function fresh(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(url);
  return page;
}

try {
  // Warm Vite's module transforms once so the timings measure the browser, not the dev server.
  await (await fresh(`${base}?case=graph&jobs=10`)).close();

  /** First-render times (ms) of the 500-job graph with one renderer. */
  const timeGraph = async (renderer: 'light' | 'editor'): Promise<number[]> => {
    const times: number[] = [];
    if (ONLY === 'log') return times;
    for (let i = 0; i < REPEATS; i++) {
      const page = await fresh(`${base}?case=graph&jobs=${GRAPH_JOBS}&renderer=${renderer}`);
      times.push((await page.evaluate('window.coBench.graphReady')) as number);
      const drawn = await page.locator('[data-node-id]').count();
      if (i === 0) console.log(`graph (${renderer}): ${drawn} nodes in the DOM`);
      await page.close();
    }
    return times;
  };
  /** The 100,000-instance fan-out run page: first render, then pages read by scrolling. */
  const timeFanOut = async () => {
    const firstRenderMs: number[] = [];
    let scrolled = { rowsRead: 0, maxDomRows: 0 };
    let domRowsAtOpen = 0;
    for (let i = 0; i < (ONLY === undefined || ONLY === 'fanout' ? REPEATS : 0); i++) {
      const page = await fresh(`${base}?case=fanout&instances=${FAN_OUT_INSTANCES}`);
      firstRenderMs.push((await page.evaluate('window.coBench.fanOutReady')) as number);
      domRowsAtOpen = await page.locator('[data-testid=instance-row]').count();
      if (i === 0)
        scrolled = (await page.evaluate(
          `window.coBench.scrollInstances(${FAN_OUT_SCROLL_PAGES})`,
        )) as typeof scrolled;
      await page.close();
    }
    const sorted = [...firstRenderMs].sort((a, b) => a - b);
    return {
      instances: FAN_OUT_INSTANCES,
      repeats: firstRenderMs.length,
      firstRenderMs: firstRenderMs.map((v) => Math.round(v)),
      medianMs: Math.round(sorted.length === 0 ? NaN : percentile(sorted, 50)),
      maxMs: Math.round(sorted[sorted.length - 1] ?? NaN),
      targetMs: 1000,
      domRowsAtOpen,
      afterScrolling: { pages: FAN_OUT_SCROLL_PAGES, ...scrolled },
      what: 'ReadOnlyGraph (50 jobs + the fan-out as one node with its bar) and FanOutInstances open, pages answered in the page from a synthetic list; mount to first rows drawn + 2 frames',
    };
  };
  /** The workflow page's chart of its last 100 runs: mount to every bar drawn. */
  const timeRunChart = async () => {
    const firstRenderMs: number[] = [];
    for (let i = 0; i < (ONLY === undefined || ONLY === 'runchart' ? REPEATS : 0); i++) {
      const page = await fresh(`${base}?case=runchart&runs=${CHART_RUNS}`);
      firstRenderMs.push((await page.evaluate('window.coBench.runChartReady')) as number);
      await page.close();
    }
    const sorted = [...firstRenderMs].sort((a, b) => a - b);
    return {
      runs: CHART_RUNS,
      repeats: firstRenderMs.length,
      firstRenderMs: firstRenderMs.map((v) => Math.round(v)),
      medianMs: Math.round(sorted.length === 0 ? NaN : percentile(sorted, 50)),
      maxMs: Math.round(sorted[sorted.length - 1] ?? NaN),
      targetMs: 500,
      what: 'RunDurationsChart (ECharts, SVG) with success rate, median and p90; mount to every bar drawn + 2 frames',
    };
  };
  if (ONLY === 'runchart') {
    const runChart = await timeRunChart();
    console.log(JSON.stringify(runChart, null, 2));
    console.log(
      `wrote ${await writeResults('web-render-runchart', { chromium: browser.version(), runChart })}`,
    );
  }
  if (ONLY === 'fanout') {
    const fanOut = await timeFanOut();
    console.log(JSON.stringify(fanOut, null, 2));
    console.log(
      `wrote ${await writeResults('web-render-fanout', { chromium: browser.version(), fanOut })}`,
    );
  }
  const otherPart = ONLY === 'fanout' || ONLY === 'runchart';
  const graphMs = otherPart ? [] : await timeGraph('light');
  const editorMs = otherPart ? [] : await timeGraph('editor');
  const fanOut = ONLY === undefined ? await timeFanOut() : undefined;
  const runChart = ONLY === undefined ? await timeRunChart() : undefined;

  const scrolls: {
    frames: number[];
    maxFrame: number;
    p95Frame: number;
    medianFrame: number;
    over50: number;
    longTasks: number;
    maxLongTask: number;
  }[] = [];
  for (let i = 0; i < (ONLY === 'graph' || otherPart ? 0 : REPEATS); i++) {
    const page = await fresh(`${base}?case=log&lines=${LOG_LINES}`);
    await page.locator('[data-testid=log] .line').first().waitFor();
    const r = (await page.evaluate(`window.coBench.scroll(${SCROLL_FRAMES})`)) as {
      frames: number[];
      longTasks: number[];
    };
    const sorted = [...r.frames].sort((a, b) => a - b);
    scrolls.push({
      frames: r.frames,
      maxFrame: sorted[sorted.length - 1] ?? 0,
      p95Frame: percentile(sorted, 95),
      medianFrame: percentile(sorted, 50),
      over50: r.frames.filter((f) => f > 50).length,
      longTasks: r.longTasks.length,
      maxLongTask: Math.max(0, ...r.longTasks),
    });
    await page.close();
  }

  const sortedGraph = [...graphMs].sort((a, b) => a - b);
  const sortedEditor = [...editorMs].sort((a, b) => a - b);
  const allFrames = scrolls.flatMap((s) => s.frames).sort((a, b) => a - b);
  const p = (sorted: number[], q: number): number =>
    sorted.length === 0 ? NaN : Math.round(percentile(sorted, q) * 10) / 10;
  const results = {
    chromium: browser.version(),
    graph: {
      jobs: GRAPH_JOBS,
      repeats: REPEATS,
      firstRenderMs: graphMs.map((v) => Math.round(v)),
      medianMs: Math.round(p(sortedGraph, 50)),
      maxMs: Math.round(sortedGraph[sortedGraph.length - 1] ?? 0),
      targetMs: 1000,
      renderer: 'ReadOnlyGraph (run and workflow pages)',
      vueFlow: {
        renderer: 'ReadOnlyGraph, editable (editor), same run, for comparison',
        firstRenderMs: editorMs.map((v) => Math.round(v)),
        medianMs: Math.round(p(sortedEditor, 50)),
      },
    },
    log: {
      lines: LOG_LINES,
      framesPerScroll: SCROLL_FRAMES,
      repeats: scrolls.map((s) => ({
        maxFrameMs: Math.round(s.maxFrame * 10) / 10,
        p95FrameMs: Math.round(s.p95Frame * 10) / 10,
        medianFrameMs: Math.round(s.medianFrame * 10) / 10,
        framesOver50Ms: s.over50,
        longTasks: s.longTasks,
        maxLongTaskMs: Math.round(s.maxLongTask),
      })),
      medianFrameMs: p(allFrames, 50),
      p95FrameMs: p(allFrames, 95),
      worstFrameMs: Math.round(Math.max(...scrolls.map((s) => s.maxFrame)) * 10) / 10,
      framesOver50Ms: scrolls.reduce((n, s) => n + s.over50, 0),
      targetMaxFrameMs: 50,
    },
    fanOut,
    runChart,
  };
  if (!otherPart) console.log(JSON.stringify(results, null, 2));
  if (ONLY === undefined) console.log(`wrote ${await writeResults('web-render', results)}`);
} finally {
  await browser.close();
  await server.close();
}
