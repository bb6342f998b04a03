// A long case list: the first rows at once, more on their own up to a few hundred, the rest
// as its end scrolls into view — never all of 5,000 rows in the page at once.
import { expect } from '@playwright/test';
import { byId, login } from './flows';
import { test } from './server';

test('a long list shows its first rows, then the rest as its end scrolls into view', async ({ server, page }) => {
  test.setTimeout(180_000);
  const manager = await server.login('manager');
  const alice = await server.login('alice');
  const demo = (await alice.pullAll()).filter((c) => c.entity === 'case' && c.op === 'put').length;
  await manager.openCases(300 - demo, alice.userId);

  await login(page, server.baseURL, 'alice');
  await expect(byId(page, 'cases-count')).toHaveAttribute('data-total', '300', { timeout: 60_000 });
  const rows = byId(page, 'case-row');
  // On its own the list stops short of 300 rows, and says how many are left.
  await expect(byId(page, 'case-rows')).toHaveAttribute('data-settled', 'true');
  const shown = await rows.count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(300);
  await expect(byId(page, 'list-more')).toContainText(String(300 - shown));

  // Scrolling to its end brings more rows, until every case is there and the end is gone.
  for (let i = 0; i < 20 && (await rows.count()) < 300; i++) {
    const before = await rows.count();
    await page.evaluate(() => document.querySelector('[data-testid="list-more"]')?.scrollIntoView());
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(before);
  }
  await expect(rows).toHaveCount(300);
  await expect(byId(page, 'list-more')).toHaveCount(0);
});
