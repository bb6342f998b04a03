// Readable by everyone: axe-core (injected into the page) on the main screens — the
// engineer's at 360 px in English and Chinese, the desk's on a landscape tablet. Any
// violation fails, with its rule, impact and the elements it found.
import { expect, Page } from '@playwright/test';
import { createRequire } from 'node:module';
import { byId, login } from './flows';
import { test } from './server';

const axePath = createRequire(__filename).resolve('axe-core/axe.min.js');

type Found = { screen: string; id: string; impact: string; help: string; nodes: string[] };

async function scan(page: Page, screen: string, found: Found[]) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(' ')),
    }));
  });
  for (const v of violations) found.push({ screen, ...v });
}

async function engineerScreens(page: Page, baseURL: string, lang: string, found: Found[]) {
  const at = (p: string) => `${lang} ${p}`;
  await page.goto(baseURL + '/');
  await expect(byId(page, 'case-row').first()).toBeVisible();
  await scan(page, at('case list'), found);
  // A case at work: its parts, report and sign-off pages have their forms.
  const id = await page.locator('[data-testid="case-row"][data-status="in_progress"]').first().getAttribute('data-case-id');
  for (const [screen, path, ready] of [
    ['case', `/cases/${id}`, 'case-status'],
    ['parts', `/cases/${id}/parts`, 'part-search'],
    ['report', `/cases/${id}/report`, 'report-save'],
    ['sign-off', `/cases/${id}/sign`, null],
    ['stock', '/stock', 'nav-stock'],
    ['settings', '/settings', 'nav-settings'],
  ] as const) {
    await page.goto(baseURL + path);
    await expect(ready ? byId(page, ready).first() : page.locator('main h1').first()).toBeVisible();
    await scan(page, at(screen), found);
  }
}

test('axe finds no violation on the main screens, phone and tablet, English and Chinese', async ({ server, browser }) => {
  const found: Found[] = [];
  const phone = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page = await phone.newPage();
  await page.goto(server.baseURL);
  await expect(byId(page, 'login-username')).toBeVisible();
  await scan(page, 'en login', found);
  await login(page, server.baseURL, 'alice');
  await engineerScreens(page, server.baseURL, 'en', found);
  await byId(page, 'lang-toggle').click();
  await engineerScreens(page, server.baseURL, 'zh', found);
  await phone.close();

  const tablet = await browser.newContext({ viewport: { width: 1024, height: 768 }, hasTouch: true });
  const desk = await tablet.newPage();
  await login(desk, server.baseURL, 'manager');
  for (const [screen, path, ready] of [
    ['review', '/review', 'nav-review'],
    ['dashboard', '/dashboard', 'nav-dashboard'],
    ['stock', '/stock', 'nav-stock'],
  ] as const) {
    await desk.goto(server.baseURL + path);
    await expect(byId(desk, ready).first()).toBeVisible();
    await desk.waitForLoadState('networkidle');
    await scan(desk, `tablet ${screen}`, found);
  }
  await tablet.close();

  const lines = found.map((f) => `${f.screen}: ${f.id} (${f.impact}) ${f.help} — ${f.nodes.join(' | ')}`);
  console.log(`axe: ${found.length} violations\n${lines.join('\n')}`);
  expect(lines).toEqual([]);
});
