// Onsite as an installable PWA: installable, cold-starts with no network, updates safely.
import { BrowserContext, chromium, devices, expect, Page, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs } from './playwright.config';
import { distNext, OnsiteServer } from './server';

let server: OnsiteServer;

test.beforeEach(async () => {
  server = await OnsiteServer.start();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log(server.output());
  await server.stop();
});

const byId = (page: Page, id: string) => page.getByTestId(id);

/** The `<meta name="onsite-version">` a build wrote: "LABEL (VERSION)". */
function builtVersion(dist: string): { meta: string; version: string } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const meta = html.match(/name="onsite-version" content="([^"]+)"/)![1];
  return { meta, version: meta.match(/\(([0-9a-f]+)\)$/)![1] };
}

async function loginAsAlice(page: Page) {
  await page.goto(server.baseURL);
  await byId(page, 'login-username').fill('alice');
  await byId(page, 'login-password').fill('onsite-demo');
  await byId(page, 'login-submit').click();
  await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible();
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0');
}

/** Resolves once a service worker controls the page and has finished precaching. */
async function waitForServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** The number of case rows once it has stopped changing (the first pull may come in pages). */
async function settledRowCount(page: Page): Promise<number> {
  const rows = page.locator('[data-testid="case-row"]');
  let last = -1;
  let same = 0;
  for (let i = 0; i < 100 && same < 4; i++) {
    const n = await rows.count();
    same = n === last ? same + 1 : 0;
    last = n;
    await page.waitForTimeout(250);
  }
  return last;
}

/**
 * A browser on a real profile directory. Playwright's usual contexts are off the record, and
 * Chromium never offers to install from an incognito window ("in-incognito"); a persistent
 * profile is also what survives a browser restart (service worker, caches, IndexedDB).
 */
function launchProfile(profile: string, offline = false): Promise<BrowserContext> {
  const { defaultBrowserType: _, ...pixel } = devices['Pixel 7'];
  return chromium.launchPersistentContext(profile, {
    ...pixel,
    offline,
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
  });
}

async function withProfile(body: (profile: string) => Promise<void>) {
  const profile = mkdtempSync(path.join(tmpdir(), 'onsite-profile-'));
  try {
    await body(profile);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

const firstPage = async (context: BrowserContext) => context.pages()[0] ?? (await context.newPage());

test('Chromium finds the app installable and its manifest valid', async () => {
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

test('after one online visit the app cold-starts with no network into the case list', async () => {
  // A real cold start: a new browser process on the same profile, server stopped, offline.
  await withProfile(async (profile) => {
    let context = await launchProfile(profile);
    try {
      const page = await firstPage(context);
      await loginAsAlice(page);
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

test('a new build shows the update banner and taking it keeps the queued change, which syncs once', async ({ page, context }) => {
  expect(existsSync(path.join(distNext, 'index.html')), 'make test-e2e builds target/dist-next').toBe(true);
  const current = builtVersion(server.dist);
  const next = builtVersion(distNext);
  expect(next.meta).not.toBe(current.meta);

  await loginAsAlice(page);
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
});
