// What a user does in the app, step by step, shared by the end-to-end specs.
import { expect, Page } from '@playwright/test';

export const byId = (page: Page, id: string) => page.getByTestId(id);

/** Signs in and waits for the first pull to have brought cases onto the device. */
export async function login(page: Page, baseURL: string, username: string) {
  await page.goto(baseURL);
  await byId(page, 'login-username').fill(username);
  await byId(page, 'login-password').fill('onsite-demo');
  await byId(page, 'login-submit').click();
  await expect(page.locator('[data-testid="case-row"][data-status="assigned"]').first()).toBeVisible();
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0');
}

export async function setStatus(page: Page, status: string) {
  await byId(page, `action-${status}`).click();
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', status);
}

export async function accept(page: Page) {
  await byId(page, 'action-accept').click();
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', 'accepted');
}

export async function backToCase(page: Page) {
  await page.goBack();
  await expect(byId(page, 'case-status')).toBeVisible();
}

export async function usePart(page: Page, search: string, pick: number, qty: number, expectedRows: number) {
  await byId(page, 'nav-parts').click();
  await byId(page, 'part-search').fill(search);
  await byId(page, 'part-result').nth(pick).click();
  await byId(page, 'part-qty').fill(String(qty));
  await byId(page, 'part-serial-fitted').fill(`NEW-${pick}`);
  await byId(page, 'part-serial-removed').fill(`OLD-${pick}`);
  await byId(page, 'part-submit').click();
  await expect(byId(page, 'usage-row')).toHaveCount(expectedRows);
  await backToCase(page);
}

export type ReportText = {
  symptom: string;
  cause: string;
  actions: string;
  verification: string;
  leftover?: string;
};

export const englishReport: ReportText = {
  symptom: 'UPS alarm, batteries swollen',
  cause: 'Battery string at end of life',
  actions: 'Replaced battery string, ran load test',
  verification: '30 min on battery at 60 % load',
};

/** Fills and saves the report on the report page (stays there). */
export async function writeReport(page: Page, text: ReportText) {
  await byId(page, 'nav-report').click();
  await byId(page, 'report-symptom').fill(text.symptom);
  await byId(page, 'report-cause').fill(text.cause);
  await byId(page, 'report-actions').fill(text.actions);
  await byId(page, 'report-result').selectOption('resolved');
  await byId(page, 'report-verification').fill(text.verification);
  if (text.leftover) await byId(page, 'report-leftover').fill(text.leftover);
  await byId(page, 'report-save').click();
  await expect(byId(page, 'report-notice')).toHaveAttribute('data-notice', 'report.saved');
  await expect(byId(page, 'error-banner')).toHaveCount(0);
}

export async function fillReport(page: Page, text: ReportText = englishReport) {
  await writeReport(page, text);
  await backToCase(page);
}

/** Draws a signature, names the signer, rates 5 and saves; back on the case page. */
export async function signOff(page: Page, signer = 'Wang Wei', comment = 'Quick and tidy') {
  await byId(page, 'nav-sign').click();
  const canvas = byId(page, 'signature-canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 20; i++) {
    await page.mouse.move(box.x + 20 + i * ((box.width - 40) / 20), box.y + box.height / 2 + Math.sin(i) * 20);
  }
  await page.mouse.up();
  await expect(canvas).toHaveAttribute('data-ink', 'true');
  await byId(page, 'signer-name').fill(signer);
  await byId(page, 'satisfaction-5').click();
  await byId(page, 'sign-comment').fill(comment);
  await byId(page, 'sign-save').click();
  await expect(page).toHaveURL(/\/cases\/[0-9a-f-]+$/);
  await expect(byId(page, 'signed-by')).toBeVisible();
}

export async function waitSynced(page: Page, timeout = 60_000) {
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout });
  await expect(byId(page, 'sync-rejections')).toHaveAttribute('data-count', '0');
}

export function partUsages(kase: any) {
  return kase.parts.filter((p: any) => !p.corrects);
}
