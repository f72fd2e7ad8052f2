/** Signs a browser page in to the dashboard with a token, through the sign-in form. */
import type { Page } from 'playwright-core';

export async function signIn(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.fill('#token', token);
  await page.click('button[type=submit]');
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}
