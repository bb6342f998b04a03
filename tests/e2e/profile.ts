// A real browser profile for cold-start tests and benchmarks: a persistent profile is what
// survives a browser restart (service worker, caches, IndexedDB).
import { BrowserContext, chromium, devices, Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromiumArgs } from './playwright.config';

/** Resolves once a service worker controls the page and has finished precaching. */
export async function waitForServiceWorker(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  });
}

/** The number of case rows once it has stopped changing (the first pull may come in pages). */
export async function settledRowCount(page: Page): Promise<number> {
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
export function launchProfile(profile: string, offline = false): Promise<BrowserContext> {
  const { defaultBrowserType: _, ...pixel } = devices['Pixel 7'];
  return chromium.launchPersistentContext(profile, {
    ...pixel,
    offline,
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
  });
}

export async function withProfile(body: (profile: string) => Promise<void>) {
  const profile = mkdtempSync(path.join(tmpdir(), 'onsite-profile-'));
  try {
    await body(profile);
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export const firstPage = async (context: BrowserContext) => context.pages()[0] ?? (await context.newPage());
