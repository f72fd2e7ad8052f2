/**
 * The webhook deliveries page, in real Chromium against a real server on Docker: a signed
 * delivery to the generic webhook refused because its secret was not set yet shows as failed
 * with why; the site admin opens its payload (the body, no credential header), sets the secret,
 * and redelivers it with the keyboard: the page says the run it started and the new row
 * (a redelivery of the first, by admin) appears, linking to that run. The page has no serious
 * or critical axe violation with the payload open. Screenshot: e2e/screenshots/web-deliveries.png.
 */
import { createHmac, randomBytes } from 'node:crypto';
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
if (problem !== undefined) console.warn(`skipping the webhook deliveries browser test: ${problem}`);

const org = `hooks${randomBytes(4).toString('hex')}`;
const uri = `${org}/web/deliver`;
const SECRET = `s-${randomBytes(8).toString('hex')}`;
const WAIT = 60_000;

/** Presses Tab from the top of the page until the focused element matches; false after `max`. */
async function tabTo(page: Page, selector: string, max = 80): Promise<boolean> {
  await page.evaluate('document.activeElement?.blur(); window.scrollTo(0, 0)');
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`!!document.activeElement?.matches(${JSON.stringify(selector)})`))
      return true;
  }
  return false;
}

describe.skipIf(problem !== undefined)('webhook deliveries page: list, payload, redeliver', () => {
  let server: WebServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 120_000);

  it('shows a refused delivery, and the admin redelivers it once fixed: the new row appears', async () => {
    await server.gql(`mutation($n: String!) { createOrganization(name: $n) { name } }`, { n: org });
    await server.gql(`mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }`, {
      y: `uri: ${uri}
inputs: [WHO]
triggers:
  - type: generic
    secret: DELIVER_SECRET
stages:
  - { type: start, name: start }
  - name: build
    actions:
      - name: main
        jobs:
          - name: hello
            endpoint: containerops/busybox:latest
            command: echo "hello $WHO"
  - { type: end, name: end }
`,
    });
    // Signed with the secret the workflow will have; the server does not know it yet.
    const body = JSON.stringify({ WHO: 'from-a-webhook' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;
    const refused = await fetch(`${server.url}/hooks/generic/${uri}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-containerops-timestamp': timestamp,
        'x-containerops-signature': signature,
        authorization: 'Bearer must-not-be-stored',
      },
    });
    expect(refused.status).toBe(503);

    const page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await signIn(page, server.url, server.adminToken);
    await page.goto(`${server.url}/workflows/${uri}`);
    await page.getByTestId('workflow-deliveries').click();
    const rows = page.locator('[data-testid=deliveries] tbody tr[data-delivery-id]');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(1);
    const first = rows.first();
    expect(await first.getAttribute('data-status')).toBe('failed');
    expect(await first.innerText()).toMatch(/failed/);
    expect(await first.innerText()).toMatch(/not configured yet/);

    // The payload: the body, never the credential header.
    await first.getByRole('button', { name: 'Payload' }).click();
    const bodyView = page.getByTestId('payload-body');
    await bodyView.waitFor();
    expect(await bodyView.innerText()).toContain('from-a-webhook');
    const headers = await page.getByTestId('payload-headers').innerText();
    expect(headers).not.toMatch(/authorization|must-not-be-stored/i);
    expect(headers).toContain('x-containerops-signature: (kept for redelivery, not shown)');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await server.gql(
      `mutation($o: String!, $v: String!) { setSecret(organization: $o, name: "DELIVER_SECRET", value: $v) { name } }`,
      { o: org, v: SECRET },
    );
    // Redeliver with the keyboard alone.
    expect(await tabTo(page, '[data-testid=redeliver]')).toBe(true);
    await page.keyboard.press('Enter');
    const outcome = page.getByTestId('redeliver-outcome');
    await outcome.getByText(/Redelivered: started run/).waitFor();
    await page.waitForFunction(
      "document.querySelectorAll('[data-testid=deliveries] tbody tr[data-delivery-id]').length === 2",
    );
    const newest = rows.first();
    expect(await newest.getAttribute('data-status')).toBe('accepted');
    expect(await newest.getByTestId('redelivery-note').innerText()).toMatch(
      /redelivery of .* by admin/,
    );
    const runLink = newest.locator('a[href^="/runs/"]');
    const href = (await runLink.getAttribute('href')) as string;
    await screenshot(page, 'web-deliveries');
    await runLink.click();
    await page.waitForURL(`**${href}`);
    await page.locator('[data-testid=run-status][data-status=SUCCEEDED]').waitFor();
    await page.close();
  }, 240_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
