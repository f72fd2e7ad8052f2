/**
 * Steps of the workflow editor that several browser tests take the same way.
 */
import type { Page } from 'playwright-core';

/** Opens the editor on a new workflow, names it `uri` through the YAML view, back on the graph. */
export async function newWorkflowInEditor(
  page: Page,
  serverUrl: string,
  uri: string,
): Promise<void> {
  await page.goto(`${serverUrl}/workflows/new`);
  await page.getByTestId('tab-yaml').click();
  const yaml = await page.getByTestId('yaml').inputValue();
  await page.getByTestId('yaml').fill(yaml.replace(/^uri: .*$/m, `uri: ${uri}`));
  await page.getByRole('tab', { name: 'Graph' }).click();
}

/** Types into an inspector field and leaves it: the editor applies a field when it loses focus. */
export async function setField(page: Page, selector: string, value: string): Promise<void> {
  await page.fill(selector, value);
  await page.press(selector, 'Tab');
}
