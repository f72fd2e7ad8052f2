/**
 * Insights drawn with ECharts, in real Chromium against a real server running jobs on Docker:
 * the run page's timeline (a Gantt of the jobs) grows on a live run; the workflow page charts its
 * seeded runs (one bar per run coloured by outcome, a click opens the run) with success rate,
 * median and p90 and the server's slowest jobs; the overview charts the server's runs per hour.
 * Screenshots: e2e/screenshots/web-insights-*.png.
 */
import { randomBytes } from 'node:crypto';
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

describe.skipIf(problem !== undefined)('insights charts (Chromium)', () => {
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
    server = await startWebServer();
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await signIn(page, server.url, server.adminToken);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
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

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
