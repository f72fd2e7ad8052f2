/**
 * Every page of the dashboard passes axe-core (injected into the page) with no serious or
 * critical violation, and the run page's and the editor's actions are reachable with the keyboard
 * alone — in real Chromium against a real server running jobs on Docker.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousA11yViolations } from '../src/web/axe.js';
import { launchBrowser } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the accessibility browser tests: ${problem}`);

const org = `a11y${randomBytes(4).toString('hex')}`;
const uri = `${org}/web/hello`;
const WAIT = 60_000;

/**
 * Presses Tab (from the top of the page) until the focused element matches `selector` — and,
 * when given, has the text `text`; false after `max` presses.
 */
async function tabTo(page: Page, selector: string, text?: string, max = 120): Promise<boolean> {
  await page.evaluate('document.activeElement?.blur(); window.scrollTo(0, 0)');
  const check = `(() => {
    const el = document.activeElement;
    return !!el && el.matches(${JSON.stringify(selector)}) &&
      (${JSON.stringify(text ?? null)} === null || el.textContent.trim() === ${JSON.stringify(text ?? '')});
  })()`;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(check)) return true;
  }
  return false;
}

describe.skipIf(problem !== undefined)('accessibility (axe-core, keyboard)', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    server = await startWebServer();
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    await server.gql('mutation($y: String!) { applyWorkflow(yaml: $y) { ok } }', {
      y: `uri: ${uri}\nstages:\n  - { type: start, name: start }\n  - name: build\n    actions:\n      - name: main\n        jobs:\n          - name: hello\n            endpoint: containerops/busybox:latest\n            command: echo "[COUT] RESULT = ok"\n            outputs: [RESULT]\n  - { type: end, name: end }\n`,
    });
    runId = (
      await server.gql<{ triggerRun: { id: string } }>(
        'mutation($w: String!) { triggerRun(workflow: $w) { id } }',
        { w: uri },
      )
    ).triggerRun.id;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 120_000);

  it('has no serious or critical violation on the sign-in page', async () => {
    await page.goto(`${server.url}/sign-in`);
    await page.locator('#token').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await signIn(page, server.url, server.adminToken);
  });

  const pages: [string, () => string, string][] = [
    // The job-load charts come last, after the activity and run-load charts: all are drawn once
    // the per-orchestrator chart is.
    ['overview', () => '/', '[data-testid=orchestrator-load] svg'],
    ['workflows', () => '/workflows', 'h1'],
    ['workflow', () => `/workflows/${uri}`, '[data-testid=run-graph]'],
    ['run', () => `/runs/${runId}`, '[data-testid=run-status][data-status=SUCCEEDED]'],
    ['editor', () => `/workflows/${uri}/edit`, '[data-testid=flow-canvas] [data-node-id]'],
    ['components', () => '/components', '.state.empty'],
    ['settings', () => '/settings', 'h1'],
    // Rows, the open payload and the keyboard path to Redeliver: web-deliveries.test.ts.
    ['deliveries', () => '/deliveries', '.state.empty, [data-testid=deliveries]'],
  ];
  for (const [name, path, ready] of pages) {
    it(`has no serious or critical violation on the ${name} page`, async () => {
      await page.goto(`${server.url}${path()}`);
      await page.locator(ready).first().waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
    });
  }

  it('reaches every run-page action with the keyboard', async () => {
    await page.goto(`${server.url}/runs/${runId}`);
    await page.locator('[data-testid=run-status][data-status=SUCCEEDED]').waitFor();
    const targets: [string, string?][] = [
      ['button', 'Re-run'],
      ['button', 'Fit'],
      ['[data-node-id][tabindex="0"]'],
      ['[data-testid=log-timestamps]'],
      ['button', 'Download'],
      ['[data-testid=log]'],
    ];
    for (const [selector, text] of targets) {
      expect(await tabTo(page, selector, text), `${selector} ${text ?? ''}`).toBe(true);
    }
    // A graph node is selected with Enter: its job panel opens.
    expect(await tabTo(page, '[data-node-id][tabindex="0"]')).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('job-panel').waitFor();
  });

  it('reaches the editor actions with the keyboard', async () => {
    await page.goto(`${server.url}/workflows/${uri}/edit`);
    await page.locator('[data-testid=flow-canvas] [data-node-id]').first().waitFor();
    for (const target of [
      '[data-testid=check]',
      '[data-testid=save]',
      '[data-testid=tab-yaml]',
      '[data-testid=tab-diff]',
      '[data-testid=flow-canvas] [data-node-id]',
    ]) {
      expect(await tabTo(page, target), target).toBe(true);
    }
    // Enter on a focused node selects it: the inspector shows its fields.
    await page.keyboard.press('Enter');
    await page.locator('.split input, .split select, .split textarea').first().waitFor();
  });

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
