// Onsite as an installable PWA: installable, cold-starts with no network, updates safely.
import { expect, Page } from '@playwright/test';
import { firstPage, launchProfile, settledRowCount, waitForServiceWorker, withProfile } from './profile';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { distNext, test } from './server';

const byId = (page: Page, id: string) => page.getByTestId(id);

/** The `<meta name="onsite-version">` a build wrote: "LABEL (VERSION)". */
function builtVersion(dist: string): { meta: string; version: string } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const meta = html.match(/name="onsite-version" content="([^"]+)"/)![1];
  return { meta, version: meta.match(/\(([0-9a-f]+)\)$/)![1] };
}

async function loginAsAlice(page: Page, baseURL: string) {
  await page.goto(baseURL);
  await byId(page, 'login-username').fill('alice');
  await byId(page, 'login-password').fill('onsite-demo');
  await byId(page, 'login-submit').click();
  await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0');
}


test('Chromium finds the app installable and its manifest valid', async ({ server }) => {
  await withProfile(async (profile) => {
    const context = await launchProfile(profile);
    try {
      const page = await firstPage(context);
      await page.goto(server.baseURL);
      await waitForServiceWorker(page);
      const cdp = await context.newCDPSession(page);
      const manifest = await cdp.send('Page.getAppManifest');
      expect(manifest.url).toMatch(/\/manifest\.webmanifest$/);
      expect(manifest.errors).toEqual([]);
      const parsed = JSON.parse(manifest.data!);
      expect(parsed.display).toBe('standalone');
      expect(parsed.icons.some((i: any) => i.sizes === '512x512' && /maskable/.test(i.purpose))).toBe(true);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

test('after one online visit the app cold-starts with no network into the case list', async ({ server }) => {
  // A real cold start: a new browser process on the same profile, server stopped, offline.
  await withProfile(async (profile) => {
    let context = await launchProfile(profile);
    try {
      const page = await firstPage(context);
      await loginAsAlice(page, server.baseURL);
      await waitForServiceWorker(page);
      const rows = await settledRowCount(page);
      expect(rows).toBeGreaterThan(0);
      await context.close();

      await server.kill();
      const launched = Date.now();
      context = await launchProfile(profile, true);
      const cold = await firstPage(context);
      const started = Date.now();
      await cold.goto(server.baseURL);
      await expect(cold.locator('[data-testid="case-row"]')).toHaveCount(rows);
      const done = Date.now();
      console.log(
        `offline cold start to the case list: ${done - started} ms from navigation ` +
          `(${done - launched} ms including the browser launch), ${rows} cases`,
      );
      await expect(byId(cold, 'sync-online')).toHaveAttribute('data-online', 'false');
      await expect(byId(cold, 'login-username')).toHaveCount(0);
    } finally {
      await context.close();
    }
  });
});

test('every page loaded on demand opens with no network in a new browser process', async ({ server }) => {
  // src/pages/lazy.rs: these pages are in two files of their own, fetched when one first opens
  // (the case pages' file as soon as the case list is on screen).
  const precache: string[] = JSON.parse(readFileSync(path.join(server.dist, 'precache.json'), 'utf8')).files.map(
    (f: { url: string }) => f.url,
  );
  const onDemand = (group: string) => new RegExp(`/split_${group}_pages-[0-9a-f]{16}\\.wasm$`);
  // [route, its file, what shows that page whatever the case's state]
  const t = (...ids: string[]) => ids.map((id) => `[data-testid="${id}"]`).join(', ');
  const pages = {
    alice: [
      ['/status', 'other', t('status-pending')],
      ['/settings', 'other', t('storage-estimate', 'storage-persistent')],
      ['/stock', 'other', t('stock-row')],
      ['/knowledge', 'other', t('knowledge')],
      ['CASE/parts', 'case', t('usage-empty', 'usage-row')],
      ['CASE/report', 'case', t('report-notice', 'report-save')],
      ['CASE/sign', 'case', t('sign-summary', 'sign-unsigned')],
      ['CASE/print', 'case', t('print-button')],
    ],
    manager: [
      ['/review', 'other', t('review-count')],
      ['/dashboard', 'other', t('dash-count', 'dash-bad-period')],
      // Sessions are the server's: offline the page says it cannot reach it.
      ['/devices', 'other', t('devices-error')],
      ['/new-case', 'other', t('new-case-form')],
    ],
  };

  for (const group of ['case', 'other']) expect(precache.some((url) => onDemand(group).test(url)), group).toBe(true);

  await withProfile(async (aliceProfile) => {
    await withProfile(async (managerProfile) => {
      const profiles = { alice: aliceProfile, manager: managerProfile };
      const caseUrl: Record<string, string> = {};
      for (const [user, profile] of Object.entries(profiles)) {
        const context = await launchProfile(profile);
        try {
          const page = await firstPage(context);
          await page.goto(server.baseURL);
          await byId(page, 'login-username').fill(user);
          await byId(page, 'login-password').fill('onsite-demo');
          await byId(page, 'login-submit').click();
          await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
          await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0');
          await waitForServiceWorker(page);
          caseUrl[user] = (await page.locator('[data-testid="case-row"]').first().getAttribute('href'))!;
          if (user === 'alice') {
            // Alice works in Chinese: that table is a file of its own, fetched when chosen.
            await byId(page, 'lang-toggle').click();
            await expect(byId(page, 'nav-cases')).toHaveText('工单');
          }
        } finally {
          await context.close();
        }
      }

      await server.kill();
      for (const [user, profile] of Object.entries(profiles)) {
        const context = await launchProfile(profile, true);
        try {
          const page = await firstPage(context);
          const fetched: string[] = [];
          page.on('request', (r) => fetched.push(r.url()));
          await page.goto(server.baseURL);
          await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
          // A device in Chinese fetches that table before its first screen, and only it does.
          await expect(byId(page, 'nav-cases')).toHaveText(user === 'alice' ? '工单' : 'Cases');
          expect(fetched.some((url) => /\/split_zh_table-[0-9a-f]{16}\.wasm$/.test(url))).toBe(user === 'alice');
          // The list preloads the case pages, the session starts the sync engine (a file of its
          // own too), and nothing needs the other pages.
          await expect.poll(() => fetched.some((url) => onDemand('case').test(url))).toBe(true);
          await expect.poll(() => fetched.some((url) => /\/split_sync_engine-[0-9a-f]{16}\.wasm$/.test(url))).toBe(true);
          expect(fetched.some((url) => onDemand('other').test(url))).toBe(false);
          // Signing in is a file of its own too: a signed-in start does not need it.
          expect(fetched.some((url) => /\/split_sign_in-[0-9a-f]{16}\.wasm$/.test(url))).toBe(false);
          for (const [route, group, shown] of pages[user as keyof typeof pages]) {
            fetched.length = 0;
            await page.goto(server.baseURL + route.replace('CASE', caseUrl[user]));
            await expect(page.locator(shown).first(), route).toBeVisible();
            expect(fetched.some((url) => onDemand(group).test(url)), `${route} loaded ${group}`).toBe(true);
          }
          await expect(byId(page, 'sync-online')).toHaveAttribute('data-online', 'false');
        } finally {
          await context.close();
        }
      }
    });
  });
});

test('a page, the sign-in or the Chinese table whose file cannot be fetched says so, the app goes on, and trying again loads it', async ({ server, browser }) => {
  // No service worker: the file comes from the network, which fails it.
  const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 360, height: 740 } });
  try {
    const page = await context.newPage();
    await context.route(/\/split_sign_in-[0-9a-f]{16}\.wasm$/, (route) => route.abort('internetdisconnected'));
    await page.goto(server.baseURL);
    await byId(page, 'login-username').fill('alice');
    await byId(page, 'login-password').fill('onsite-demo');
    await byId(page, 'login-submit').click();
    await expect(byId(page, 'login-error')).toBeVisible();
    await expect(byId(page, 'login-error')).toHaveText('Sign-in failed.');
    await context.unroute(/\/split_sign_in-[0-9a-f]{16}\.wasm$/);
    await byId(page, 'login-submit').click();
    await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
    await context.route(/\/split_other_pages-[0-9a-f]{16}\.wasm$/, (route) => route.abort('internetdisconnected'));
    await byId(page, 'nav-stock').click();
    await expect(byId(page, 'page-not-loaded')).toBeVisible();
    // The rest of the app still works.
    await byId(page, 'nav-cases').click();
    await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
    await byId(page, 'nav-stock').click();
    await expect(byId(page, 'page-not-loaded')).toBeVisible();
    await context.unroute(/\/split_other_pages-[0-9a-f]{16}\.wasm$/);
    await byId(page, 'page-not-loaded').getByRole('button').click();
    await expect(byId(page, 'stock-row').first()).toBeVisible();

    // The Chinese table the same way: the switch says it cannot, English stays, and it works later.
    await context.route(/\/split_zh_table-[0-9a-f]{16}\.wasm$/, (route) => route.abort('internetdisconnected'));
    await byId(page, 'lang-toggle').click();
    await expect(byId(page, 'error-banner')).toHaveAttribute('data-error', 'i18n.missing');
    await expect(byId(page, 'nav-cases')).toHaveText('Cases');
    // A language that could not be applied is not saved; a device saved in Chinese whose
    // table cannot be fetched starts in English and says so.
    expect([null, 'en']).toContain(await page.evaluate(() => localStorage.getItem('onsite.lang')));
    await page.evaluate(() => localStorage.setItem('onsite.lang', 'zh-CN'));
    await page.reload();
    await expect(byId(page, 'error-banner')).toHaveAttribute('data-error', 'i18n.missing');
    await expect(byId(page, 'nav-cases')).toHaveText('Cases');
    await expect(byId(page, 'lang-toggle')).toHaveAttribute('data-lang', 'en');
    await context.unroute(/\/split_zh_table-[0-9a-f]{16}\.wasm$/);
    await byId(page, 'lang-toggle').click();
    await expect(byId(page, 'nav-cases')).toHaveText('工单');
  } finally {
    await context.close();
  }
});

test('a first visit that outlives a deploy never runs a file of the newer build: the page says so and trying again loads the new build', async ({ server, browser }) => {
  // No service worker yet: every file comes from the network, as on a first visit before the
  // worker holds the build.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    expect(existsSync(path.join(distNext, 'index.html')), 'make test-e2e builds target/dist-next').toBe(true);
    const page = await context.newPage();
    await loginAsAlice(page, server.baseURL);
    const current = builtVersion(server.dist);
    const next = builtVersion(distNext);
    // A new release replaces this one while the page runs the older build.
    await server.kill();
    server.dist = distNext;
    await server.spawn();
    // The other pages' file of the page's own build is gone; the newer build's is never loaded
    // into it (its name is the newer build's).
    const fetched: string[] = [];
    page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
    await byId(page, 'nav-settings').click();
    await expect(byId(page, 'page-not-loaded')).toBeVisible();
    const nextFiles: string[] = JSON.parse(readFileSync(path.join(distNext, 'precache.json'), 'utf8'))
      .files.map((f: { url: string }) => f.url)
      .filter((url: string) => /^\/(split_|chunk_)/.test(url));
    expect(nextFiles.length).toBeGreaterThan(1);
    expect(fetched.filter((url) => nextFiles.includes(url))).toEqual([]);
    // Trying again loads the new build whole, and the page opens.
    await Promise.all([page.waitForEvent('load'), byId(page, 'page-not-loaded').getByRole('button').click()]);
    await expect(byId(page, 'app-version')).toHaveText(next.meta);
    expect(next.meta).not.toBe(current.meta);
  } finally {
    await context.close();
  }
});

test('a sign-in page left open across a deploy signs in, and the status bar says to reload to sync', async ({ server, browser }) => {
  expect(existsSync(path.join(distNext, 'index.html')), 'make test-e2e builds target/dist-next').toBe(true);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    // The sign-in's file comes while the page waits for the user; the sync engine's after.
    const signIn = page.waitForResponse((r) => /\/split_sign_in-[0-9a-f]{16}\.wasm$/.test(r.url()));
    await page.goto(server.baseURL);
    await signIn;
    await server.kill();
    server.dist = distNext;
    await server.spawn();
    await byId(page, 'login-username').fill('alice');
    await byId(page, 'login-password').fill('onsite-demo');
    await byId(page, 'login-submit').click();
    // This build's engine file is gone for good: the status bar says so instead of nothing.
    await expect(byId(page, 'sync-online')).toHaveAttribute(
      'title',
      'Sync cannot start: the app was updated. Reload the app.',
      { timeout: 60_000 },
    );
    await page.reload();
    await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
  } finally {
    await context.close();
  }
});

test('a new build shows the update banner and taking it keeps the queued change, which syncs once', async ({ server, page, context }) => {
  expect(existsSync(path.join(distNext, 'index.html')), 'make test-e2e builds target/dist-next').toBe(true);
  const current = builtVersion(server.dist);
  const next = builtVersion(distNext);
  expect(next.meta).not.toBe(current.meta);

  await loginAsAlice(page, server.baseURL);
  await waitForServiceWorker(page);
  await page.goto(`${server.baseURL}/settings`);
  await expect(byId(page, 'app-version')).toHaveText(current.meta);

  // Work offline: one change waits in the outbox.
  await context.setOffline(true);
  await page.goto(`${server.baseURL}/`);
  const row = page.locator('[data-testid="case-row"][data-status="assigned"]').first();
  const caseId = (await row.getAttribute('data-case-id'))!;
  await row.click();
  await byId(page, 'action-accept').click();
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', 'accepted');
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '1');

  // A new release is deployed behind the same URL while the device is away.
  await server.kill();
  server.dist = distNext;
  await server.spawn();

  // Back in coverage, but pushes keep failing until after the update: the change must survive it.
  await context.route('**/api/v1/sync/push', (route) => route.abort());
  await context.setOffline(false);
  await expect(byId(page, 'update-banner')).toBeVisible({ timeout: 60_000 });
  await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), byId(page, 'update-apply').click()]);

  // The new worker controls the page and only the new build's cache is left.
  await expect
    .poll(() => page.evaluate(() => caches.keys()), { timeout: 30_000 })
    .toEqual([`onsite-${next.version}`]);
  // It holds the new build's lazy pages, under the new build's names.
  const lazyFiles = JSON.parse(readFileSync(path.join(distNext, 'precache.json'), 'utf8'))
    .files.map((f: { url: string }) => f.url)
    .filter((url: string) => /^\/(split_|chunk_|__wasm_split)/.test(url));
  expect(lazyFiles.length).toBeGreaterThan(1);
  const cached = await page.evaluate(
    async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname),
    `onsite-${next.version}`,
  );
  expect(cached).toEqual(expect.arrayContaining(lazyFiles));
  await page.goto(`${server.baseURL}/settings`);
  await expect(byId(page, 'app-version')).toHaveText(next.meta);
  await expect(byId(page, 'settings-pending')).toHaveAttribute('data-count', '1');

  await context.unroute('**/api/v1/sync/push');
  await byId(page, 'force-sync').click();
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout: 60_000 });
  const manager = await server.login('manager');
  const kase = await manager.case(caseId);
  expect(kase.status).toBe('accepted');
  expect(kase.timeline.filter((t: any) => t.event === 'case.accept')).toHaveLength(1);

  // A lazy page this device never opened loads from the new build's cache with no network.
  await context.setOffline(true);
  await page.goto(`${server.baseURL}/stock`);
  await expect(byId(page, 'stock-row').first()).toBeVisible();
});

test('after a deploy every tab runs the build its worker holds until the update is taken, then every tab runs the new one', async ({ server, page, context }) => {
  const current = builtVersion(server.dist);
  const next = builtVersion(distNext);
  await loginAsAlice(page, server.baseURL);
  await waitForServiceWorker(page);
  const second = await context.newPage();
  await second.goto(`${server.baseURL}/settings`);
  await expect(byId(second, 'app-version')).toHaveText(current.meta);

  // A new release is deployed. A start with the network still gets the build the worker holds
  // (the lazy pages' loader keeps its name from build to build: a newer page would load it
  // from the older cache), its lazy pages open, and the new build is offered.
  await server.kill();
  server.dist = distNext;
  await server.spawn();
  await page.goto(`${server.baseURL}/settings`);
  await expect(byId(page, 'app-version')).toHaveText(current.meta);
  await page.goto(`${server.baseURL}/stock`);
  await expect(byId(page, 'stock-row').first()).toBeVisible();
  await expect(byId(page, 'update-banner')).toBeVisible({ timeout: 60_000 });

  // Taken in one tab, the update reloads the other tab too: its files are gone with the old
  // worker's cache.
  const reloaded = second.waitForEvent('load', { timeout: 60_000 });
  await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), byId(page, 'update-apply').click()]);
  await reloaded;
  await expect(byId(second, 'app-version')).toHaveText(next.meta);
  await page.goto(`${server.baseURL}/settings`);
  await expect(byId(page, 'app-version')).toHaveText(next.meta);
  await second.goto(`${server.baseURL}/stock`);
  await expect(byId(second, 'stock-row').first()).toBeVisible();
});
