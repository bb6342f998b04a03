// The manager's and engineer's service screens on the demo data, checked against the server:
// the dashboard computed on the device equals the server's, van stock shows the server's
// reorder points, and past fixes for a case's product model are on the engineer's device.
import { expect } from '@playwright/test';
import { byId, login } from './flows';
import { test } from './server';

test.use({ timezoneId: 'UTC' }); // the dashboard's whole days are the device's local days

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A figure as the page shows it in `data-value` ("" = nothing to divide). */
async function figure(locator: ReturnType<typeof byId>): Promise<number | null> {
  const v = await locator.getAttribute('data-value');
  return v === null || v === '' ? null : Number(v);
}

function near(actual: number | null, expected: number | null | undefined, what: string) {
  if (expected === null || expected === undefined) {
    expect(actual, what).toBeNull();
  } else {
    expect(actual, what).not.toBeNull();
    expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(1e-6);
  }
}

test('the dashboard on the device shows the server figures for the same period', async ({ server, page }) => {
  await login(page, server.baseURL, 'manager');
  const from = new Date(Date.now() - 120 * 24 * 3600 * 1000);
  const to = new Date();
  await byId(page, 'nav-dashboard').click();
  await byId(page, 'dash-from').fill(day(from));
  await byId(page, 'dash-to').fill(day(to));

  const api = await server.login('manager');
  const end = new Date(`${day(to)}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  const d = await api.get(`/api/v1/dashboard?from=${day(from)}T00:00:00Z&to=${end.toISOString()}`);
  expect(d.overall.cases, 'the demo has cases in the period').toBeGreaterThan(20);

  await expect(byId(page, 'dash-count')).toHaveAttribute('data-count', String(d.overall.cases));
  const o = d.overall;
  near(await figure(byId(page, 'dash-timeliness')), o.timeliness_rate, 'timeliness');
  near(await figure(byId(page, 'dash-response')), o.avg_response_minutes, 'response');
  near(await figure(byId(page, 'dash-resolution')), o.avg_resolution_minutes, 'resolution');
  near(await figure(byId(page, 'dash-first-time-fix')), o.first_time_fix_rate, 'first-time fix');
  near(await figure(byId(page, 'dash-satisfaction')), o.avg_satisfaction, 'satisfaction');
  near(await figure(byId(page, 'dash-breaches')), o.respond_breaches + o.resolve_breaches, 'breaches');
  expect(o.repeat_faults, 'the demo has a repeat fault').toBeGreaterThan(0);
  near(await figure(byId(page, 'dash-repeat-faults')), o.repeat_faults, 'repeat faults');
  expect(o.complaints, 'the demo has a complaint').toBeGreaterThan(0);
  near(await figure(byId(page, 'dash-complaints')), o.complaints, 'complaints');

  expect(d.engineers.length).toBeGreaterThanOrEqual(2);
  for (const e of d.engineers) {
    const row = page.locator(`[data-testid="dash-engineer-row"][data-engineer-id="${e.engineer_id}"]`);
    near(await figure(row.locator('[data-figure="cases"]')), e.figures.cases, `${e.engineer_id} cases`);
    near(await figure(row.locator('[data-figure="satisfaction"]')), e.figures.avg_satisfaction, `${e.engineer_id} satisfaction`);
    near(await figure(row.locator('[data-figure="first_time_fix"]')), e.figures.first_time_fix_rate, `${e.engineer_id} first-time fix`);
    near(await figure(row.locator('[data-figure="repeat_faults"]')), e.figures.repeat_faults, `${e.engineer_id} repeat faults`);
    near(await figure(row.locator('[data-figure="complaints"]')), e.figures.complaints, `${e.engineer_id} complaints`);
  }
  await expect(page.locator('[data-testid="dash-engineer-row"] [data-figure="name"]').first()).not.toHaveText(/^[0-9a-f]{8}$/);
});

test('van stock: the engineer sees low and negative lines first, the manager the same levels', async ({ server, page, browser }) => {
  await login(page, server.baseURL, 'alice');
  await byId(page, 'nav-stock').click();
  const rows = byId(page, 'stock-row');
  await expect(rows.first()).toBeVisible();
  await expect(rows.first(), 'the demo van has a negative line, listed first').toHaveAttribute('data-negative', 'true');
  const low = Number(await byId(page, 'stock-low-count').getAttribute('data-count'));
  expect(low).toBeGreaterThan(1);
  const alice = await server.login('alice');
  const pulled = (await alice.pullAll()).filter((c) => c.entity === 'stock').map((c) => c.data);
  expect(await rows.count()).toBe(pulled.length);
  expect(low).toBe(pulled.filter((l: any) => l.qty <= l.min_qty).length);

  const mgr = await browser.newPage();
  await login(mgr, server.baseURL, 'manager');
  await byId(mgr, 'nav-stock').click();
  const aliceId = await byId(mgr, 'stock-engineer').locator('option', { hasText: 'Alice' }).getAttribute('value');
  await byId(mgr, 'stock-engineer').selectOption(aliceId!);
  await expect(byId(mgr, 'stock-row')).toHaveCount(pulled.length);
  await expect(byId(mgr, 'stock-low-count')).toHaveAttribute('data-count', String(low));

  // The manager raises the reorder point of a line that is not low to what the van holds:
  // the line turns low on the server, on the manager's screen and, after a sync, on alice's.
  const ok = pulled.find((l: any) => l.qty > l.min_qty && l.qty > 0);
  expect(ok, 'the demo van has a line that is not low').toBeTruthy();
  await byId(mgr, 'reorder-part').fill(ok.part_no);
  await byId(mgr, 'reorder-min').fill('-1');
  await byId(mgr, 'reorder-submit').click();
  await expect(byId(mgr, 'reorder-error')).toHaveAttribute('data-error', 'stock.bad_min_qty');
  await byId(mgr, 'reorder-min').fill(String(ok.qty));
  await byId(mgr, 'reorder-submit').click();
  await expect(byId(mgr, 'reorder-saved')).toBeVisible();
  const mgrRow = mgr.locator(`[data-testid="stock-row"][data-part-no="${ok.part_no}"]`);
  await expect(mgrRow).toHaveAttribute('data-low', 'true');
  await expect(mgrRow.getByTestId('stock-min')).toHaveAttribute('data-min-qty', String(ok.qty));
  await expect(byId(mgr, 'stock-low-count')).toHaveAttribute('data-count', String(low + 1));
  const levels = await server.login('manager').then((m) => m.get(`/api/v1/stock/levels?engineer_id=${aliceId}`));
  expect(levels.find((l: any) => l.part_no === ok.part_no).min_qty).toBe(ok.qty);
  await byId(mgr, 'reorder-part').fill('NOPE-0000');
  await byId(mgr, 'reorder-min').fill('1');
  await byId(mgr, 'reorder-submit').click();
  await expect(byId(mgr, 'reorder-error')).toHaveAttribute('data-error', 'stock.unknown_part');
  await mgr.close();

  await page.reload();
  const aliceRow = page.locator(`[data-testid="stock-row"][data-part-no="${ok.part_no}"]`);
  await expect(aliceRow).toHaveAttribute('data-low', 'true');
  await expect(aliceRow.getByTestId('stock-min')).toHaveAttribute('data-min-qty', String(ok.qty));
  await expect(byId(page, 'stock-low-count')).toHaveAttribute('data-count', String(low + 1));
});

test('past fixes for the product model are on the engineer device and searchable offline', async ({ server, page, context }) => {
  await login(page, server.baseURL, 'alice');
  const alice = await server.login('alice');
  const changes = await alice.pullAll();
  const fixes = changes.filter((c) => c.entity === 'past_fix' && c.op === 'put').map((c) => c.data);
  const open = changes
    .filter((c) => c.entity === 'case' && c.op === 'put' && !['closed', 'cancelled'].includes(c.data.status))
    .map((c) => c.data);
  const kase = open.find((k: any) => fixes.some((f: any) => f.product_model === k.product.model && f.case_id !== k.id));
  expect(kase, 'an open case of alice has past fixes for its model').toBeTruthy();
  const sameModel = fixes.filter((f: any) => f.product_model === kase.product.model && f.case_id !== kase.id);

  await context.setOffline(true);
  await page.locator(`[data-testid="case-row"][data-case-id="${kase.id}"]`).click();
  await expect(byId(page, 'past-fix-row')).toHaveCount(sameModel.length);
  const word = sameModel[0].cause.split(/\s+/).find((w: string) => w.length > 4) ?? sameModel[0].cause;
  await byId(page, 'past-fix-search').fill(word);
  await expect(page.locator(`[data-testid="past-fix-row"][data-case-id="${sameModel[0].case_id}"]`)).toBeVisible();
  await byId(page, 'past-fix-search').fill('zzzz-no-such-fix');
  await expect(byId(page, 'past-fix-row')).toHaveCount(0);
  await expect(byId(page, 'past-fix-none')).toBeVisible();
});
