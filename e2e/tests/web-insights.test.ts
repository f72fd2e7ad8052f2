/**
 * Insights drawn with ECharts, in real Chromium against a real server running jobs on Docker:
 * the run page's timeline (a Gantt of the jobs) grows on a live run; the workflow page charts its
 * seeded runs (one bar per run coloured by outcome, a click opens the run) with success rate,
 * median and p90 and the server's slowest jobs; the overview charts the server's runs per hour,
 * its running jobs and the load per orchestrator (a Docker fan-out of three instances at once, and
 * Kubernetes job attempts seeded into the server's SQLite).
 * Screenshots: e2e/screenshots/web-insights-*.png.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the insights browser tests: ${problem}`);

const org = `insights${randomBytes(4).toString('hex')}`;
const WAIT = 60_000;

const oneJob = (uri: string, command: string): string =>
  `uri: ${uri}\nstages:\n  - name: only\n    actions:\n      - name: a\n        jobs:\n          - name: job\n            endpoint: containerops/busybox:latest\n            command: ${command}\n`;

/**
 * Inserts `job_attempts` rows into the running server's SQLite database from a child process
 * (better-sqlite3 is the server's driver; WAL mode lets a second connection write meanwhile).
 */
function seedAttempts(dbPath: string, rows: unknown[][]): void {
  const script = `
    const D = require('better-sqlite3');
    const d = new D(process.argv[1]);
    d.pragma('busy_timeout = 10000');
    const put = d.prepare('INSERT INTO job_attempts (run_id, job_path, attempt, organization, orchestrator, started_at, finished_at, status) VALUES (?, ?, 1, ?, ?, ?, ?, ?)');
    for (const r of JSON.parse(process.argv[2])) put.run(...r);
    d.close();`;
  execFileSync(process.execPath, ['-e', script, dbPath, JSON.stringify(rows)], {
    cwd: join(import.meta.dirname, '..'),
  });
}

describe.skipIf(problem !== undefined)('insights charts (Chromium)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'co-web-insights-'));
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;

  const apply = async (yaml: string): Promise<void> => {
    const r = await server.gql<{ applyWorkflow: { ok: boolean } }>(
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }',
      { y: yaml },
    );
    expect(r.applyWorkflow.ok).toBe(true);
  };
  const trigger = async (uri: string): Promise<string> =>
    (
      await server.gql<{ triggerRun: { id: string } }>(
        'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
        { w: uri },
      )
    ).triggerRun.id;
  const finished = async (id: string): Promise<void> => {
    const deadline = Date.now() + WAIT;
    while (Date.now() < deadline) {
      const { run } = await server.gql<{ run: { status: string } }>(
        'query($id: ID!) { run(id: $id) { status } }',
        { id },
      );
      if (!['QUEUED', 'RUNNING', 'WAITING'].includes(run.status)) return;
      await new Promise((done) => setTimeout(done, 200));
    }
    throw new Error(`run ${id} did not finish within ${WAIT} ms`);
  };

  beforeAll(async () => {
    server = await startWebServer({ dataDir });
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    // Another server's jobs on Kubernetes two hours ago, seeded before any page asks for the job
    // load (the server keeps the hours that ended): four at once at most, five started.
    const MIN = 60_000;
    const busy = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 3_600_000;
    const k8s = (i: number, from: number, to: number): unknown[] => [
      `seeded-${i}`,
      'only.a.job',
      org,
      'kubernetes',
      busy + from * MIN,
      busy + to * MIN,
      'succeeded',
    ];
    seedAttempts(join(dataDir, 'containerops.db'), [
      k8s(1, 10, 20),
      k8s(2, 11, 30),
      k8s(3, 12, 30),
      k8s(4, 15, 25),
      // Starts as the first ends: a hand-over, still four at once.
      k8s(5, 20, 40),
    ]);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await signIn(page, server.url, server.adminToken);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('grows the run timeline while the run is live', async () => {
    const uri = `${org}/web/timeline`;
    await apply(
      `uri: ${uri}\nstages:\n  - name: first\n    actions:\n      - name: a\n        jobs:\n          - name: slow\n            endpoint: containerops/busybox:latest\n            command: sleep 4\n  - name: second\n    actions:\n      - name: b\n        jobs:\n          - name: quick\n            endpoint: containerops/busybox:latest\n            command: 'true'\n`,
    );
    const id = await trigger(uri);
    await page.goto(`${server.url}/runs/${id}`);
    await page.locator('[data-node-id="first.a.slow"][data-status=RUNNING]').waitFor();
    const timeline = page.getByTestId('run-timeline');
    await timeline.waitFor();
    const rowsWhileRunning = Number(await timeline.getAttribute('data-rows'));
    // The running job's bar is drawn (SVG renderer: bars are paths with the status colour).
    await timeline.locator('path[fill="#0969da"], path[fill="rgb(9,105,218)"]').first().waitFor();
    await screenshot(page, 'web-insights-timeline-live');
    await page
      .locator('[data-testid=run-status][data-status=SUCCEEDED]')
      .waitFor({ timeout: WAIT });
    await expect
      .poll(async () => Number(await timeline.getAttribute('data-rows')))
      .toBe(rowsWhileRunning + 1);
    expect(await timeline.textContent()).toContain('second.b.quick');
  }, 120_000);

  it('charts the last runs of a workflow with success rate, median and p90; a bar opens its run', async () => {
    const uri = `${org}/web/history`;
    await apply(oneJob(uri, "'true'"));
    for (let i = 0; i < 3; i++) await finished(await trigger(uri));
    await apply(oneJob(uri, "'exit 1'"));
    for (let i = 0; i < 2; i++) await finished(await trigger(uri));

    await page.goto(`${server.url}/workflows/${uri}`);
    const chart = page.getByTestId('run-chart');
    await chart.waitFor();
    expect(await chart.getAttribute('data-runs')).toBe('5');
    expect(await page.getByTestId('success-rate').textContent()).toBe('60 %');
    expect(await page.getByTestId('median').textContent()).not.toBe('–');
    expect(await page.getByTestId('p90').textContent()).not.toBe('–');
    const failedBars = chart.locator('path[fill="#cf222e"], path[fill="rgb(207,34,46)"]');
    const okBars = chart.locator('path[fill="#1a7f37"], path[fill="rgb(26,127,55)"]');
    await failedBars.first().waitFor();
    expect([await okBars.count(), await failedBars.count()]).toEqual([3, 2]);
    // The server's slowest-jobs aggregate over those runs.
    await page
      .locator('[data-testid=slowest-jobs] tr[data-path="only.a.job"]')
      .waitFor({ timeout: 10_000 });
    await screenshot(page, 'web-insights-workflow-chart');
    await failedBars.last().click({ force: true });
    await page.waitForURL(/\/runs\//);
    await page.locator('[data-testid=run-status][data-status=FAILED]').waitFor();
  }, 120_000);

  it('charts runs per hour on the overview, over 24 hours or 7 days', async () => {
    await page.goto(`${server.url}/`);
    const chart = page.getByTestId('run-activity');
    await chart.waitFor({ timeout: 10_000 });
    // The six runs of the tests above, grouped per hour by the server.
    await expect.poll(() => chart.getAttribute('data-total')).toBe('6');
    // Drawn bars (empty hours are zero-height paths): 3 succeeded and 2 failed runs this hour.
    const drawn = (fill: string) => () =>
      chart
        .locator(`path[fill="${fill}"]`)
        .evaluateAll(
          (els: { getBoundingClientRect(): { height: number } }[]) =>
            els.filter((e) => e.getBoundingClientRect().height > 0).length,
        );
    await expect.poll(drawn('#1a7f37')).toBeGreaterThan(0);
    expect(await drawn('#cf222e')()).toBeGreaterThan(0);
    await chart.getByRole('button', { name: '7 days' }).click();
    await expect
      .poll(() => chart.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed'))
      .toBe('true');
    expect(await chart.getAttribute('data-total')).toBe('6');
    await screenshot(page, 'web-insights-overview');
  }, 60_000);

  it('charts running jobs and the load per orchestrator on the overview', async () => {
    // Three one-job instances at once on Docker, after the seven single jobs of the tests above.
    const uri = `${org}/web/fan`;
    await apply(
      `uri: ${uri}\nstages:\n  - name: only\n    actions:\n      - name: a\n        jobs:\n          - name: shard\n            endpoint: containerops/busybox:latest\n            command: sleep 4\n            matrix:\n              axes: { n: [1, 2, 3] }\n              max-parallel: 3\n`,
    );
    await finished(await trigger(uri));
    await page.goto(`${server.url}/`);
    const running = page.getByTestId('running-jobs');
    const perOrchestrator = page.getByTestId('orchestrator-load');
    await running.waitFor({ timeout: 10_000 });
    // Docker: 2 (timeline) + 5 (history) + 3 instances; the fan-out job itself runs nothing.
    await expect.poll(() => running.getAttribute('data-started')).toBe('15');
    expect(await running.getAttribute('data-max-running')).toBe('4');
    expect(JSON.parse((await perOrchestrator.getAttribute('data-peaks')) ?? '{}')).toEqual({
      docker: 3,
      kubernetes: 4,
    });
    expect(await page.getByTestId('running-jobs-summary').textContent()).toContain(
      '15 job attempts started and at most 4 ran at once',
    );
    expect(await page.getByTestId('orchestrator-load-summary').textContent()).toContain(
      'docker: at most 3 running at once, 10 started; kubernetes: at most 4 running at once, 5 started',
    );
    // Drawn bars: the "most running" series in the running colour, docker's in the first colour.
    const drawn = (chart: typeof running, fill: string) => () =>
      chart
        .locator(`path[fill="${fill}"]`)
        .evaluateAll(
          (els: { getBoundingClientRect(): { height: number } }[]) =>
            els.filter((e) => e.getBoundingClientRect().height > 0).length,
        );
    await expect.poll(drawn(running, '#0969da')).toBeGreaterThan(0);
    // Per orchestrator, by name: docker in the first colour, kubernetes in the second.
    await expect.poll(drawn(perOrchestrator, '#0969da')).toBeGreaterThan(0);
    expect(await drawn(perOrchestrator, '#8250df')()).toBe(1);
    await running.getByRole('button', { name: '7 days' }).click();
    await expect
      .poll(() => running.getByRole('button', { name: '7 days' }).getAttribute('aria-pressed'))
      .toBe('true');
    await expect
      .poll(() => page.getByTestId('running-jobs-summary').textContent())
      .toContain('last 7 days');
    expect(await running.getAttribute('data-started')).toBe('15');
    expect(await running.getAttribute('data-max-running')).toBe('4');
    await screenshot(page, 'web-insights-job-load');
  }, 120_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
