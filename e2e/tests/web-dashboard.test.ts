/**
 * The dashboard in real Chromium against a real server running jobs on Docker: sign in; draw a
 * two-stage workflow with a data link, check, save; run it and watch job states change without
 * reloading; read a job's live log; approve a pause stage; cancel a run; debug a component.
 * Screenshots of the key screens go to e2e/screenshots/ (ignored by git).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';
import { newWorkflowInEditor, setField } from '../src/web/editor.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the dashboard browser tests: ${problem}`);

const unique = randomBytes(4).toString('hex');
const org = `webe2e${unique}`;
const WAIT = 120_000;
const TEST_TIMEOUT = 240_000;

describe.skipIf(problem !== undefined)('dashboard in Chromium (real server, Docker)', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;
  const image = `containerops-e2e/web-echo:${unique}`;

  beforeAll(async () => {
    server = await startWebServer();
    await server.gql('mutation($n: String!) { createOrganization(name: $n) { name } }', { n: org });
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    try {
      execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    } catch {
      // not built (test skipped or failed before)
    }
  }, 120_000);

  const open = async (path: string): Promise<void> => {
    await page.goto(`${server.url}${path}`);
  };

  const apply = async (yaml: string): Promise<void> => {
    const r = await server.gql<{
      applyWorkflow: { ok: boolean; diagnostics: { message: string }[] };
    }>('mutation($y: String!) { applyWorkflow(yaml: $y) { ok diagnostics { message } } }', {
      y: yaml,
    });
    expect(r.applyWorkflow.diagnostics.map((d) => d.message)).toEqual([]);
    expect(r.applyWorkflow.ok).toBe(true);
  };

  it(
    'refuses a wrong token, signs in with the right one, and stays signed in after a reload',
    async () => {
      await open('/');
      await page.waitForURL(/\/sign-in/);
      await page.fill('#token', 'co_not-a-token');
      await page.click('button[type=submit]');
      await page.getByRole('alert').waitFor();
      await screenshot(page, 'web-sign-in-refused');
      // Chromium itself logs the refused request (HTTP 401); that one is expected, nothing else.
      expect(browser.errors.every((e) => e.includes('status of 401'))).toBe(true);
      browser.errors.splice(0);
      await page.fill('#token', server.adminToken);
      await page.click('button[type=submit]');
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Overview' }).waitFor();
      expect(await page.getByTestId('signed-in-user').textContent()).not.toBe('');
      // The overview really loaded (counts and plugin health), not an error state.
      await page.getByRole('heading', { name: 'Orchestrators and plugins' }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      await screenshot(page, 'web-overview');
    },
    TEST_TIMEOUT,
  );

  it(
    'draws a two-stage workflow with a data link, checks and saves it',
    async () => {
      const uri = `${org}/web/linked`;
      await newWorkflowInEditor(page, server.url, uri);

      // First stage's job: give it an output.
      await page.locator('[data-kind=job][data-label="job hello"]').click();
      await setField(page, '#job-command', 'echo "[COUT] GREETING = hi there"');
      await setField(page, '#job-outputs', 'GREETING');

      // Second stage with an action and a job reading the output.
      await page.getByRole('button', { name: '+ Stage' }).click();
      await setField(page, '#stage-name', 'greet');
      await page.getByRole('button', { name: '+ Action' }).click();
      await page.getByRole('button', { name: '+ Job' }).click();
      await setField(page, '#job-name', 'say');
      await setField(page, '#job-command', 'echo "got: $CO_GREETING"');
      await page.getByLabel('Link source output').selectOption('build.main.hello[GREETING]');
      await page.getByTestId('add-link').click();
      await page.locator('.data-link').first().waitFor();
      await screenshot(page, 'web-editor-graph');

      await page.getByTestId('check').click();
      await page.getByTestId('no-diagnostics').waitFor();
      await page.getByTestId('save').click();
      await expect
        .poll(() => page.getByTestId('editor-message').textContent(), { timeout: WAIT })
        .toContain('Saved as version 1');
      await page.getByTestId('tab-yaml').click();
      const saved = await page.getByTestId('yaml').inputValue();
      expect(saved).toContain('build.main.hello[GREETING]: CO_GREETING');
      await screenshot(page, 'web-editor-saved');
    },
    TEST_TIMEOUT,
  );

  it(
    'runs it and shows job states change live, then the live log of a job',
    async () => {
      const uri = `${org}/web/linked`;
      await open(`/workflows/${uri}`);
      await page.getByTestId('run-workflow').click();
      await page.waitForURL(/\/runs\//);
      const url = page.url();
      // The badge changes without any reload: the page URL stays the same.
      await page
        .locator('[data-testid=run-status][data-status=SUCCEEDED]')
        .waitFor({ timeout: WAIT });
      expect(page.url()).toBe(url);
      await page.locator('[data-node-id="greet.action.say"][data-status=SUCCEEDED]').waitFor();
      await page.locator('[data-node-id="greet.action.say"]').click();
      await page.locator('[data-testid=log] .line', { hasText: 'got: hi there' }).waitFor();
      await screenshot(page, 'web-run-succeeded-log');
    },
    TEST_TIMEOUT,
  );

  it(
    'approves a pause stage',
    async () => {
      const uri = `${org}/web/paused`;
      await apply(
        `uri: ${uri}\nstages:\n  - type: pause\n    name: approve\n    timeout: 10m\n  - name: after\n    actions:\n      - name: a\n        jobs:\n          - name: done\n            endpoint: containerops/busybox:latest\n            command: echo approved\n`,
      );
      await open(`/workflows/${uri}`);
      await page.getByTestId('run-workflow').click();
      await page.getByTestId('pause-panel').waitFor();
      await page.locator('[data-testid=run-status][data-status=WAITING]').waitFor();
      await screenshot(page, 'web-run-waiting');
      await page.getByTestId('approve').click();
      await page
        .locator('[data-testid=run-status][data-status=SUCCEEDED]')
        .waitFor({ timeout: WAIT });
    },
    TEST_TIMEOUT,
  );

  it(
    'cancels a running run',
    async () => {
      const uri = `${org}/web/long`;
      await apply(
        `uri: ${uri}\nstages:\n  - name: wait\n    actions:\n      - name: a\n        jobs:\n          - name: sleep\n            endpoint: containerops/busybox:latest\n            command: echo started; sleep 600\n`,
      );
      await open(`/workflows/${uri}`);
      await page.getByTestId('run-workflow').click();
      await page
        .locator('[data-node-id="wait.a.sleep"][data-status=RUNNING]')
        .waitFor({ timeout: WAIT });
      await page.getByTestId('cancel-run').click();
      await page
        .locator('[data-testid=run-status][data-status=CANCELLED]')
        .waitFor({ timeout: WAIT });
      await screenshot(page, 'web-run-cancelled');
    },
    TEST_TIMEOUT,
  );

  it(
    'runs a component in Debug and shows its log and outputs live',
    async () => {
      execFileSync('docker', ['build', '-q', '-t', image, '-'], {
        input: `FROM containerops/component-base:latest\nCMD ["bash", "-c", "echo debugging $CO_WHO; echo \\"[COUT] GREETING = hello $CO_WHO\\""]\n`,
        stdio: ['pipe', 'ignore', 'inherit'],
      });
      await server.gql('mutation($y: String!) { publishComponent(yaml: $y) { version } }', {
        y: `name: ${org}/echo\nversion: 1.0.0\ndescription: Says hello\nimage: ${image}\ninputs:\n  - key: who\n    required: true\noutputs:\n  - key: GREETING\n`,
      });
      await open(`/components/${org}/echo`);
      await page.fill('#debug-who', 'web');
      await page.getByTestId('debug-run').click();
      await page
        .locator('[data-testid=debug-status][data-status=SUCCEEDED]')
        .waitFor({ timeout: WAIT });
      await page.locator('[data-testid=debug-outputs]', { hasText: 'hello web' }).waitFor();
      await page.locator('[data-testid=log] .line', { hasText: 'debugging web' }).waitFor();
      await screenshot(page, 'web-component-debug');
    },
    TEST_TIMEOUT,
  );

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
