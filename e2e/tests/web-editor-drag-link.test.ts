/**
 * The editor's direct manipulation of data links in real Chromium (real server): dragging from a
 * job's output handle to a later job opens "Edit Data Map Link" and adds the link to the graph
 * and the YAML; dragging from a later job to an earlier one is refused with a message.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../src/web/browser.js';
import type { TestBrowser } from '../src/web/browser.js';
import { signIn } from '../src/web/sign-in.js';
import { startWebServer, webPrerequisiteProblem } from '../src/web/web-server.js';
import type { WebServer } from '../src/web/web-server.js';
import { newWorkflowInEditor, setField } from '../src/web/editor.js';

const problem = webPrerequisiteProblem();
if (problem !== undefined && process.env['CI'] === 'true') {
  throw new Error(`browser tests cannot run in CI: ${problem}`);
}
if (problem !== undefined) console.warn(`skipping the editor drag-link browser test: ${problem}`);

const WAIT = 60_000;

/** Drags with the mouse from the centre of `from` to the centre of `to`, in small steps. */
async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (a === null || b === null) throw new Error('drag: a handle is not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

describe.skipIf(problem !== undefined)('editor: drawing a data link by dragging', () => {
  let server: WebServer;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.setDefaultTimeout(WAIT);
    await signIn(page, server.url, server.adminToken);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 120_000);

  it('links an output to a later job by dragging, and refuses a link backwards', async () => {
    const uri = `dragtest${randomBytes(4).toString('hex')}/web/dragged`;
    await newWorkflowInEditor(page, server.url, uri);

    await page.locator('[data-kind=job][data-label="job hello"]').click();
    await setField(page, '#job-outputs', 'GREETING');
    await page.getByRole('button', { name: '+ Stage' }).click();
    await setField(page, '#stage-name', 'greet');
    await page.getByRole('button', { name: '+ Action' }).click();
    await page.getByRole('button', { name: '+ Job' }).click();
    await setField(page, '#job-name', 'say');
    await setField(page, '#job-outputs', 'LATER');

    const hello = page.locator('[data-kind=job][data-label="job hello"]');
    const say = page.locator('[data-kind=job][data-label="job say"]');
    expect(await page.locator('.data-link').count()).toBe(0);

    // Backwards (later job → earlier job): refused, nothing added.
    await drag(
      page,
      say.locator('[data-handleid="out:LATER"]'),
      hello.locator('[data-handleid=in]'),
    );
    await page.getByText('A data link must go from a job to a job that runs after it.').waitFor();
    expect(await page.locator('.data-link').count()).toBe(0);

    // Forwards: the link dialog proposes the env name; confirming draws the link.
    await drag(
      page,
      hello.locator('[data-handleid="out:GREETING"]'),
      say.locator('[data-handleid=in]'),
    );
    const dialog = page.getByRole('dialog', { name: 'Edit Data Map Link' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Env name').inputValue()).toBe('CO_GREETING');
    await dialog.getByRole('button', { name: 'Link' }).click();
    await page.locator('.data-link').first().waitFor();
    await screenshot(page, 'web-editor-drag-link');

    await page.getByTestId('tab-yaml').click();
    expect(await page.getByTestId('yaml').inputValue()).toContain(
      'build.main.hello[GREETING]: CO_GREETING',
    );
  }, 240_000);

  it('had no console errors', () => {
    expect(browser.errors).toEqual([]);
  });
});
