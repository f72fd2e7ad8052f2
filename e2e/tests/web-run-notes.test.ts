/**
 * What the run page says beyond statuses, in real Chromium against a real server on Docker: a job
 * whose stored log was cut (here by the per-job log size limit; a full disk reads the same) is
 * marked on its panel with why, and the run's notifications (a `webhook` receiver posting to a
 * stand-in on loopback) are listed with their outcome. Screenshot: e2e/screenshots/web-run-notes.png.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the run page notes browser test: ${problem}`);

const org = `notes${randomBytes(4).toString('hex')}`;
const WAIT = 60_000;

describe.skipIf(problem !== undefined)('run page: truncated log and notifications', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let standIn: Server;
  let posts = 0;

  beforeAll(async () => {
    standIn = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        posts += 1;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    server = await startWebServer({ jobLogLimitBytes: 2048 });
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((resolve) => standIn?.close(resolve));
  });

  it('marks the cut log with why and lists the notifications with their outcome', async () => {
    const hookUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/ci`;
    await server.gql(`mutation($n: String!) { createOrganization(name: $n) { name } }`, { n: org });
    const yaml = `uri: ${org}/web/notes
receivers:
  - type: webhook
    url: ${hookUrl}
stages:
  - { type: start, name: start }
  - name: build
    actions:
      - name: main
        jobs:
          - name: chatty
            endpoint: containerops/busybox:latest
            command: 'i=1; while [ $i -le 400 ]; do echo "line $i of a chatty job"; i=$((i+1)); done'
  - { type: end, name: end }
`;
    await server.gql(`mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`, { y: yaml });
    const { triggerRun } = await server.gql<{ triggerRun: { id: string } }>(
      `mutation($w: String!) { triggerRun(workflow: $w) { id } }`,
      { w: `${org}/web/notes` },
    );
    const page = await browser.newPage();
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/runs/${triggerRun.id}`);
    await page.getByText('Succeeded', { exact: false }).first().waitFor({ timeout: WAIT });

    const marker = page.getByTestId('job-log-truncated');
    await marker.waitFor({ timeout: WAIT });
    expect(await marker.innerText()).toMatch(
      /Log truncated \(size limit\): log truncated at \d+ bytes/,
    );

    // The stand-in got the end-of-run notification (the API records it), and the page lists it.
    const deadline = Date.now() + WAIT;
    let recorded: { outcome: string }[] = [];
    while (Date.now() < deadline && recorded.length === 0) {
      const { run } = await server.gql<{ run: { notifications: { outcome: string }[] } }>(
        `query($id: ID!) { run(id: $id) { notifications { outcome } } }`,
        { id: triggerRun.id },
      );
      recorded = run.notifications;
      if (recorded.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(recorded.map((n) => n.outcome)).toContain('delivered');
    const notes = page.getByTestId('run-notifications');
    await notes.getByText('delivered').first().waitFor({ timeout: WAIT });
    expect(await notes.innerText()).toMatch(/webhook · run succeeded · delivered/);
    expect(posts).toBeGreaterThanOrEqual(1);
    await screenshot(page, 'web-run-notes');
  }, 180_000);
});
