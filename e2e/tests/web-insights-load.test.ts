/**
 * The overview's load chart in real Chromium against a real server: runs seeded straight into its
 * SQLite database (three queued together and running together two hours ago, one alone an hour
 * later) are charted per hour with the right maxima, over 24 hours and over 7 days, with the
 * peaks in words under the chart and no serious or critical axe violation.
 * Screenshot: e2e/screenshots/web-insights-load.png.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousA11yViolations } from '../src/web/axe.js';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the load-chart browser tests: ${problem}`);

const HOUR = 3_600_000;
const MIN = 60_000;
const WAIT = 60_000;
const org = `load${randomUUID().slice(0, 8)}`;
const uri = `${org}/web/load`;

/** A finished run's row, as the server's `runs` table stores it. */
function runRow(createdAt: number, startedAt: number, finishedAt: number): unknown[] {
  const id = randomUUID();
  const snapshot = {
    runId: id,
    workflow: uri,
    workflowVersion: 1,
    status: 'succeeded',
    createdAt,
    startedAt,
    finishedAt,
    stages: [],
    lastSeq: 0,
  };
  return [id, uri, org, 'succeeded', 'api', createdAt, startedAt, finishedAt, snapshot];
}

/**
 * Inserts rows into the running server's database from a child process (better-sqlite3 is the
 * server's driver; WAL mode lets a second connection write while the server holds its own).
 */
function seed(dbPath: string, rows: unknown[][]): void {
  const script = `
    const D = require('better-sqlite3');
    const d = new D(process.argv[1]);
    d.pragma('busy_timeout = 10000');
    const put = d.prepare('INSERT INTO runs (id, workflow_uri, organization, status, trigger_type, created_at, started_at, finished_at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const r of JSON.parse(process.argv[2])) put.run(...r.slice(0, 8), JSON.stringify(r[8]));
    d.close();`;
  execFileSync(process.execPath, ['-e', script, dbPath, JSON.stringify(rows)], {
    cwd: join(import.meta.dirname, '..'),
  });
}

describe.skipIf(problem !== undefined)('overview load chart (Chromium)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'co-web-load-'));
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startWebServer({ dataDir });
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    await server.gql('mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }', {
      y: `uri: ${uri}\nstages:\n  - name: only\n    actions:\n      - name: a\n        jobs:\n          - name: job\n            endpoint: containerops/busybox:latest\n            command: 'true'\n`,
    });
    // Two hours ago: three runs queued within two minutes, all running from :05 to :20+.
    const busy = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
    const quiet = busy + HOUR;
    seed(join(dataDir, 'containerops.db'), [
      runRow(busy + 10 * MIN, busy + 15 * MIN, busy + 20 * MIN),
      runRow(busy + 11 * MIN, busy + 15 * MIN, busy + 25 * MIN),
      runRow(busy + 12 * MIN, busy + 15 * MIN, busy + 30 * MIN),
      runRow(quiet + 10 * MIN, quiet + 11 * MIN, quiet + 12 * MIN),
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

  it('charts the most queued and running runs per hour, over 24 hours or 7 days', async () => {
    await page.goto(`${server.url}/`);
    const chart = page.getByTestId('run-load');
    await chart.waitFor({ timeout: 10_000 });
    await expect.poll(() => chart.getAttribute('data-max-queued')).toBe('3');
    expect(await chart.getAttribute('data-max-running')).toBe('3');
    expect(await page.getByTestId('run-load-summary').textContent()).toContain(
      'at most 3 runs queued and 3 running at once',
    );
    // Drawn bars (quiet hours are zero-height paths): queued in the waiting colour, running blue.
    const drawn = (fill: string) => () =>
      chart
        .locator(`path[fill="${fill}"]`)
        .evaluateAll(
          (els: { getBoundingClientRect(): { height: number } }[]) =>
            els.filter((e) => e.getBoundingClientRect().height > 0).length,
        );
    await expect.poll(drawn('#9a6700')).toBe(2);
    expect(await drawn('#0969da')()).toBe(2);
    await screenshot(page, 'web-insights-load');

    await chart.getByRole('button', { name: '7 days' }).click();
    await expect
      .poll(() => page.getByTestId('run-load-summary').textContent())
      .toContain('last 7 days');
    expect(await chart.getAttribute('data-max-queued')).toBe('3');
    expect(await chart.getAttribute('data-max-running')).toBe('3');
  }, 60_000);

  it('has no serious or critical axe violation on the overview with both charts', async () => {
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid=run-load][data-max-running="3"]').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 60_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
