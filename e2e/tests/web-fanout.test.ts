/**
 * A fan-out on the run page (issue 16), in real Chromium against a real server running a
 * 30-instance matrix on the local orchestrator (4 instances fail, `fail-fast: false`): the
 * fan-out is ONE node in the run graph whose counts and pass/fail/running bar move live (no
 * reload); selecting it opens the instance list, which is virtualised (the DOM holds a bounded
 * number of rows whatever the fan-out's size), filters by status on the server, is reachable and
 * usable from the keyboard, and opens an instance's log like a job's. An instance that holds at a
 * gate file (created by the test) shows its log lines live over the `jobLog` subscription — no
 * polling — and then its outputs. Screenshots: e2e/screenshots/web-fanout-*.png.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousA11yViolations } from '../src/web/axe.js';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { smallestTextPx } from '../src/web/measure.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the fan-out browser tests: ${problem}`);

const org = `fan${randomBytes(4).toString('hex')}`;
const WAIT = 60_000;
const INSTANCES = 30;
/** n % 7 == 3 fails: n = 3, 10, 17, 24. */
const FAILING = [3, 10, 17, 24];
/** Rows the list may draw: 330 px / 30 px in view, 5 either side, one "loading" row. */
const MAX_DRAWN_ROWS = 11 + 2 * 5 + 1;
const NODE = '[data-node-id="test.unit.shard"]';

function matrixWorkflow(uri: string): string {
  const ns = Array.from({ length: INSTANCES }, (_, i) => i).join(', ');
  return `uri: ${uri}
stages:
  - { type: start, name: start }
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: shard
            endpoint: containerops/busybox:latest
            command: 'echo "instance $CO_N says hello"; sleep 1; [ $((CO_N % 7)) -ne 3 ]'
            matrix:
              axes:
                n: [${ns}]
              max-parallel: 6
              fail-fast: false
  - { type: end, name: end }
`;
}

/** `hold[n=2]` prints, waits for `gate`, prints again; every instance reports RESULT. */
function gatedWorkflow(uri: string, gate: string): string {
  const script =
    `echo "hold $CO_N starts"; echo "RESULT=value-$CO_N" >> "$CO_OUTPUT"; ` +
    `if [ "$CO_N" = 2 ]; then while [ ! -f '${gate}' ]; do sleep 0.05; done; fi; ` +
    `echo "hold $CO_N ends"`;
  return `uri: ${uri}
stages:
  - { type: start, name: start }
  - type: normal
    name: test
    actions:
      - name: unit
        jobs:
          - name: hold
            endpoint: containerops/busybox:latest
            command: ${JSON.stringify(script)}
            outputs: [RESULT]
            matrix:
              axes:
                n: [1, 2, 3]
  - { type: end, name: end }
`;
}

async function drawnRows(page: Page): Promise<number> {
  return page.locator('[data-testid=instance-row]').count();
}

describe.skipIf(problem !== undefined)('a fan-out on the run page (Chromium)', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  let runId: string;
  const uri = `${org}/web/fan`;

  beforeAll(async () => {
    server = await startWebServer({ orchestrator: 'local' });
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    const r = await server.gql<{ applyWorkflow: { ok: boolean; diagnostics: unknown[] } }>(
      'mutation($y: String!) { applyWorkflow(yaml: $y) { ok diagnostics { message } } }',
      { y: matrixWorkflow(uri) },
    );
    expect(r.applyWorkflow.diagnostics).toEqual([]);
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

  it('draws the fan-out as one node whose counts and bar move live', async () => {
    const { triggerRun } = await server.gql<{ triggerRun: { id: string } }>(
      'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
      { w: uri },
    );
    runId = triggerRun.id;
    await page.goto(`${server.url}/runs/${runId}`);
    const node = page.locator(NODE);
    // While it runs: some instances running (◐), the bar has a running part.
    await node.locator('.sub', { hasText: '◐' }).waitFor();
    expect(await node.locator('[data-part=running]').count()).toBe(1);
    await screenshot(page, 'web-fanout-running');
    // Then the final counts, from the same subscription (the page was not reloaded).
    await page
      .locator('[data-testid=run-status][data-status=FAILED]')
      .waitFor({ timeout: 150_000 });
    await node.locator('.sub', { hasText: `26✓ 4✕ /${INSTANCES}` }).waitFor();
    expect(await node.getAttribute('data-status')).toBe('FAILED');
    const parts = await node
      .locator('[data-testid=fan-out-bar] span')
      .evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-part'), e.getAttribute('data-count')]),
      );
    expect(parts).toEqual([
      ['passed', '26'],
      ['failed', '4'],
    ]);
    expect(await node.locator('[data-testid=fan-out-bar]').getAttribute('aria-label')).toBe(
      '30 instances, 26 passed, 4 failed, 0 running, 0 not started',
    );
    // One node for the job, none per instance; its counts as readable as any node text.
    expect(await page.locator('[data-testid=run-graph] [data-kind=job]').count()).toBe(1);
    const smallest = await smallestTextPx(page, NODE);
    expect(smallest.px, `"${smallest.text}"`).toBeGreaterThanOrEqual(11);
  }, 200_000);

  it('opens a virtualised instance list: counts, bounded DOM rows, scroll reads on', async () => {
    await page.locator(NODE).click();
    const list = page.getByTestId('instance-list');
    await list.waitFor();
    await page.getByTestId('instance-count').filter({ hasText: `30 started of 30` }).waitFor();
    await page.locator('[data-testid=instance-row][data-index="0"]').waitFor();
    expect(await page.getByTestId('fan-out-counts').textContent()).toContain('26 passed');
    const first = await drawnRows(page);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(MAX_DRAWN_ROWS);
    expect(first).toBeLessThan(INSTANCES);
    // Scrolled to the end: the last rows are drawn, the first ones are gone, still bounded.
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`[data-testid=instance-row][data-index="${INSTANCES - 1}"]`).waitFor();
    expect(await page.locator('[data-testid=instance-row][data-index="0"]').count()).toBe(0);
    expect(await drawnRows(page)).toBeLessThanOrEqual(MAX_DRAWN_ROWS);
    await screenshot(page, 'web-fanout-list');
  });

  it('filters to the failed instances on the server', async () => {
    await page.getByTestId('instance-filter').selectOption('FAILED');
    await page.getByTestId('instance-count').filter({ hasText: '4 failed of 30' }).waitFor();
    await page.locator('[data-testid=instance-row][data-index="3"]').waitFor();
    const rows = page.locator('[data-testid=instance-row]');
    expect(await rows.count()).toBe(FAILING.length);
    const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
    expect(new Set(statuses)).toEqual(new Set(['FAILED']));
    const names = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    expect([...names].sort()).toEqual(FAILING.map((n) => `shard[n=${n}]`).sort());
    await screenshot(page, 'web-fanout-failed');
  });

  it('is used from the keyboard and opens an instance log like a job', async () => {
    const list = page.getByTestId('instance-list');
    // Reached with Tab from the status filter: the list is one tab stop.
    await page.getByTestId('instance-filter').focus();
    await page.keyboard.press('Tab');
    expect(await list.evaluate((el) => el.matches(':focus'))).toBe(true);
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    const activeId = await list.getAttribute('aria-activedescendant');
    expect(activeId).toBeTruthy();
    const name = await page.locator(`[id="${activeId}"]`).getAttribute('data-name');
    await page.keyboard.press('Enter');
    const panel = page.getByTestId('instance-panel');
    await panel.waitFor();
    expect(await panel.locator('h2').textContent()).toContain(`test.unit.${name}`);
    const n = /n=(\d+)/.exec(name ?? '')?.[1];
    await panel
      .getByTestId('job-log')
      .filter({ hasText: `instance ${n} says hello` })
      .waitFor();
    expect(await panel.getByTestId('instance-reason').count()).toBe(1);
    await screenshot(page, 'web-fanout-instance');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('shows a running instance its log live (jobLog subscription), then its outputs', async () => {
    const gateDir = mkdtempSync(join(tmpdir(), 'co-web-fanout-gate-'));
    const gate = join(gateDir, 'open');
    try {
      const gated = `${org}/web/gated`;
      const applied = await server.gql<{ applyWorkflow: { ok: boolean } }>(
        'mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }',
        { y: gatedWorkflow(gated, gate) },
      );
      expect(applied.applyWorkflow.ok).toBe(true);
      const { triggerRun } = await server.gql<{ triggerRun: { id: string } }>(
        'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
        { w: gated },
      );
      const logReads: string[] = [];
      page.on('request', (r) => {
        if ((r.postData() ?? '').includes('jobLogs')) logReads.push(r.url());
      });
      await page.goto(`${server.url}/runs/${triggerRun.id}`);
      await page.locator('[data-node-id="test.unit.hold"]').click();
      const row = page.locator('[data-testid=instance-row][data-name="hold[n=2]"]');
      await row.waitFor();
      await row.click();
      const panel = page.getByTestId('instance-panel');
      const log = panel.getByTestId('job-log');
      await log.filter({ hasText: 'hold 2 starts' }).waitFor();
      // The gate is shut, so the instance still runs: that line came live.
      const held = await server.gql<{ run: { job: { status: string } | null } }>(
        'query($id: ID!) { run(id: $id) { job(path: "test.unit.hold[n=2]") { status } } }',
        { id: triggerRun.id },
      );
      expect(held.run.job?.status).toBe('RUNNING');
      expect(await log.textContent()).not.toContain('hold 2 ends');
      await screenshot(page, 'web-fanout-instance-live');
      writeFileSync(gate, '');
      // The next line arrives on the same subscription (the page is not reloaded) ...
      await log.filter({ hasText: 'hold 2 ends' }).waitFor();
      // ... and once the attempt ended its outputs show.
      await panel
        .getByTestId('instance-outputs')
        .filter({ hasText: 'RESULT' })
        .filter({ hasText: 'value-2' })
        .waitFor();
      expect(logReads, 'the instance log is not polled over HTTP').toEqual([]);
      await screenshot(page, 'web-fanout-instance-outputs');
    } finally {
      writeFileSync(gate, '');
      rmSync(gateDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
