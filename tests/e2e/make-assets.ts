// Makes the PWA's images with the Chromium the tests use (run through Playwright Test so it can
// share the server harness; it is not part of the test suite: see assets.config.ts).
//   make icons        public/icons/*.png from the one source public/icons/icon.svg
//   make screenshots  public/screenshots/{narrow,wide}.png: the release build with demo data
// The PNGs are committed; run these again when icon.svg or the UI's look changes.
import { expect, test } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OnsiteServer } from './server';

const publicDir = path.resolve(__dirname, '..', '..', 'public');
const iconsDir = path.join(publicDir, 'icons');

test('icons', async ({ browser }) => {
  const source = readFileSync(path.join(iconsDir, 'icon.svg'));
  const manifest = JSON.parse(readFileSync(path.join(publicDir, 'manifest.webmanifest'), 'utf8'));
  const href = `data:image/svg+xml;base64,${source.toString('base64')}`;

  // "any": the source as drawn (rounded square, transparent corners).
  const any = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
    <image href="${href}" width="512" height="512"/></svg>`;
  // Maskable and Apple: full-bleed background, the source at 80 % so its glyph (a circle of
  // radius 174/512 in the source) stays well inside the maskable safe zone (radius 40 %).
  const fullBleed = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">
    <rect width="512" height="512" fill="${manifest.theme_color}"/>
    <image href="${href}" x="51.2" y="51.2" width="409.6" height="409.6"/></svg>`;

  const outputs: [string, string, number][] = [
    ['icon-192.png', any, 192],
    ['icon-512.png', any, 512],
    ['maskable-192.png', fullBleed, 192],
    ['maskable-512.png', fullBleed, 512],
    ['apple-touch-icon.png', fullBleed, 180],
  ];
  for (const [file, svg, size] of outputs) {
    const context = await browser.newContext({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}img{display:block}</style>` +
        `<img src="${src}" width="${size}" height="${size}">`,
    );
    await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    writeFileSync(path.join(iconsDir, file), png);
    console.log(`public/icons/${file} ${size}x${size} ${png.length} bytes`);
    await context.close();
  }
});

test('screenshots', async ({ browser }) => {
  const server = await OnsiteServer.start();
  try {
    const dir = path.join(publicDir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    const shots: [string, { width: number; height: number }, number, boolean][] = [
      ['narrow.png', { width: 360, height: 640 }, 3, true], // 1080 x 1920
      ['wide.png', { width: 1280, height: 720 }, 1.5, false], // 1920 x 1080
    ];
    for (const [file, viewport, deviceScaleFactor, isMobile] of shots) {
      const context = await browser.newContext({ viewport, deviceScaleFactor, isMobile, hasTouch: isMobile });
      const page = await context.newPage();
      await page.goto(server.baseURL);
      await page.getByTestId('login-username').fill('alice');
      await page.getByTestId('login-password').fill('onsite-demo');
      await page.getByTestId('login-submit').click();
      const row = page.getByTestId('case-row').first();
      await expect(row).toBeVisible();
      await expect(page.getByTestId('sync-pending')).toHaveAttribute('data-count', '0');
      // Off-the-record contexts are refused persistent storage; the app's everyday look has no notice.
      await page.waitForTimeout(1000);
      const notice = page.getByTestId('storage-notice');
      if (await notice.count()) await notice.getByRole('button').click();
      if (!isMobile) {
        // Wide screens show the list beside a case.
        await row.click();
        await expect(page.getByTestId('case-status')).toBeVisible();
      }
      await page.waitForTimeout(500);
      const png = await page.screenshot();
      writeFileSync(path.join(dir, file), png);
      console.log(`public/screenshots/${file} ${viewport.width * deviceScaleFactor}x${viewport.height * deviceScaleFactor} ${png.length} bytes`);
      await context.close();
    }
  } finally {
    await server.stop();
  }
});
