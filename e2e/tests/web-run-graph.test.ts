/**
 * The run graph drawn in the shape of the workflow (issue 17), in real Chromium against a real
 * server on Docker: stages as columns left to right, actions inside their stage (stacked when
 * parallel, chained in sequence), jobs inside their action. With 50 jobs at 100 % no two boxes of
 * a kind overlap, every job sits inside its action and stage, text is at least 11 px, and a run
 * shows each job's status as colour and icon with its duration. Screenshots:
 * e2e/screenshots/web-run-graph-*.png.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { boxesOf, overlaps, smallestTextPx } from '../src/web/measure.js';
import type { Box } from '../src/web/measure.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the run graph browser tests: ${problem}`);

const org = `graph${randomBytes(4).toString('hex')}`;
const WAIT = 60_000;

/** start, five stages (alternately parallel and sequence) of two actions × five jobs, end. */
function fiftyJobs(uri: string): string {
  let y = `uri: ${uri}\nstages:\n  - { type: start, name: start }\n`;
  for (let s = 1; s <= 5; s++) {
    y += `  - name: stage${s}\n    sequencing: ${s % 2 ? 'parallel' : 'sequence'}\n    actions:\n`;
    for (const a of ['left', 'right']) {
      y += `      - name: ${a}\n        jobs:\n`;
      for (let j = 1; j <= 5; j++) {
        y += `          - name: job${j}\n            endpoint: containerops/busybox:latest\n            command: 'true'\n`;
      }
    }
  }
  return `${y}  - { type: end, name: end }\n`;
}

const inside = (inner: Box, outer: Box): boolean =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

describe.skipIf(problem !== undefined)('the run graph in columns (Chromium)', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  const uri = `${org}/web/fifty`;

  beforeAll(async () => {
    server = await startWebServer();
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    const r = await server.gql<{ applyWorkflow: { ok: boolean } }>(
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }',
      { y: fiftyJobs(uri) },
    );
    expect(r.applyWorkflow.ok).toBe(true);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await signIn(page, server.url, server.adminToken);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 120_000);

  it('draws 50 jobs at 100 % without overlaps, each inside its action and stage', async () => {
    await page.goto(`${server.url}/workflows/${uri}`);
    await page.locator('[data-kind=stage][data-label="stage end"]').waitFor();
    expect(await page.getByTestId('graph-zoom').textContent()).toBe('100%');
    const smallest = await smallestTextPx(page, '[data-testid=run-graph]');
    expect(smallest.px, `"${smallest.text}"`).toBeGreaterThanOrEqual(11);
    const of = (kind: string) => boxesOf(page, `[data-testid=run-graph] [data-kind=${kind}]`);
    const [stages, actions, jobs] = [await of('stage'), await of('action'), await of('job')];
    expect([stages.length, actions.length, jobs.length]).toEqual([7, 10, 50]);
    for (const same of [stages, actions, jobs]) {
      const hits = same.flatMap((a, i) =>
        same.slice(i + 1).flatMap((b) => (overlaps(a, b) ? [`${a.id} × ${b.id}`] : [])),
      );
      expect(hits).toEqual([]);
    }
    const byId = new Map([...stages, ...actions].map((b) => [b.id, b]));
    for (const job of jobs) {
      const [stage, action] = job.id.split('.');
      expect(inside(job, byId.get(`${stage}.${action}`)!), job.id).toBe(true);
      expect(inside(job, byId.get(stage!)!), job.id).toBe(true);
    }
    // Stages run left to right; parallel actions are stacked, sequential ones chained.
    const x = (id: string) => byId.get(id)!.x;
    expect(stages.map((s) => s.x)).toEqual([...stages.map((s) => s.x)].sort((a, b) => a - b));
    expect(x('stage1.left')).toBe(x('stage1.right'));
    expect(x('stage2.right')).toBeGreaterThan(x('stage2.left') + byId.get('stage2.left')!.width);
    await screenshot(page, 'web-run-graph-fifty');
  });

  it('shows status as colour and icon, with durations, on a finished run', async () => {
    const { triggerRun } = await server.gql<{ triggerRun: { id: string } }>(
      'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
      { w: uri },
    );
    await page.goto(`${server.url}/runs/${triggerRun.id}`);
    await page
      .locator('[data-testid=run-status][data-status=SUCCEEDED]')
      .waitFor({ timeout: 150_000 });
    const job = page.locator('[data-node-id="stage3.right.job5"]');
    expect(await job.getAttribute('data-status')).toBe('SUCCEEDED');
    expect(await job.locator('.st-icon').textContent()).toBe('✓');
    expect(await job.locator('.sub').textContent()).toMatch(/succeeded · \d+(\.\d+)?\s?(ms|s)/);
    const smallest = await smallestTextPx(page, '[data-testid=run-graph]');
    expect(smallest.px, `"${smallest.text}"`).toBeGreaterThanOrEqual(11);
    await screenshot(page, 'web-run-graph-run');
  }, 200_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
