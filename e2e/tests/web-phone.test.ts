/**
 * The dashboard on a phone (390 × 844, real Chromium, real server on Docker): the overview and a
 * run page (graph, job log, outputs table) fit the screen width — the page body never scrolls
 * sideways; wide content scrolls inside its own box — and the navigation folds behind "Menu".
 * Screenshots: e2e/screenshots/web-phone-*.png.
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
if (problem !== undefined) console.warn(`skipping the phone layout browser test: ${problem}`);

const WAIT = 120_000;
const PHONE = { width: 390, height: 844 };

/** How far the page is wider than the screen (0 when nothing overflows sideways). */
async function horizontalOverflow(page: Page): Promise<number> {
  // A string: this package is type-checked without the DOM library.
  return (await page.evaluate(
    `Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) -
     document.documentElement.clientWidth`,
  )) as number;
}

describe.skipIf(problem !== undefined)('dashboard on a phone (390 × 844)', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  const uri = `phone${randomBytes(4).toString('hex')}/web/wide`;

  beforeAll(async () => {
    server = await startWebServer();
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', {
      n: uri.split('/')[0],
    });
    browser = await launchBrowser(PHONE);
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await signIn(page, server.url, server.adminToken);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 120_000);

  it('shows the overview without sideways scrolling and folds the navigation', async () => {
    expect(await horizontalOverflow(page)).toBe(0);
    const workflowsLink = page.getByRole('link', { name: 'Workflows' });
    expect(await workflowsLink.isVisible()).toBe(false);
    await page.getByTestId('nav-toggle').click();
    await workflowsLink.waitFor();
    await screenshot(page, 'web-phone-overview-menu');
    await page.getByTestId('nav-toggle').click();
    await workflowsLink.waitFor({ state: 'hidden' });
    await screenshot(page, 'web-phone-overview');
  }, 240_000);

  it('shows a run page (graph, job, outputs, log) without sideways scrolling', async () => {
    // One action of three long-named jobs with long output: the log is wider than a phone.
    const job = (name: string): string =>
      `          - name: ${name}\n            endpoint: containerops/busybox:latest\n            command: echo "[COUT] A_RATHER_LONG_OUTPUT_NAME = ${'x'.repeat(120)}"; echo ${'y'.repeat(300)}\n`;
    const apply = await server.gql<{ applyWorkflow: { ok: boolean } }>(
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }',
      {
        // Then two more stages: the graph (stages as columns) is wider than a phone.
        y: `uri: ${uri}\nstages:\n  - name: build\n    sequencing: parallel\n    actions:\n      - name: main\n        jobs:\n${job('first-job-with-a-long-name')}${job('second-job-with-a-long-name')}${job('third-job-with-a-long-name')}  - name: check\n    actions:\n      - name: main\n        jobs:\n${job('check')}  - name: ship\n    actions:\n      - name: main\n        jobs:\n${job('ship')}`,
      },
    );
    expect(apply.applyWorkflow.ok).toBe(true);
    const { triggerRun } = await server.gql<{ triggerRun: { id: string } }>(
      'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
      { w: uri },
    );
    await page.goto(`${server.url}/runs/${triggerRun.id}`);
    await page
      .locator('[data-testid=run-status][data-status=SUCCEEDED]')
      .waitFor({ timeout: WAIT });
    const node = page.locator('[data-node-id="build.main.third-job-with-a-long-name"]');
    await node.scrollIntoViewIfNeeded();
    await node.click();
    await page.locator('[data-testid=log] .line', { hasText: 'yyyy' }).waitFor();
    await page.getByTestId('job-outputs').waitFor();
    expect(await horizontalOverflow(page)).toBe(0);
    // The graph really is wider than the screen: it scrolls inside its own box.
    const graphScrolls = await page
      .locator('.graph-viewport')
      .evaluate(
        (el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth > el.clientWidth,
      );
    expect(graphScrolls).toBe(true);
    await screenshot(page, 'web-phone-run');
  }, 240_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
