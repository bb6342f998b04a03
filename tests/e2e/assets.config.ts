// `make icons` / `make screenshots`: runs make-assets.ts (image generation, not a test suite).
import { defineConfig } from '@playwright/test';
import { chromiumArgs } from './playwright.config';

export default defineConfig({
  testDir: '.',
  testMatch: /make-assets\.ts$/,
  timeout: 120_000,
  workers: 1,
  reporter: [['list']],
  outputDir: '../../test-results/assets',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
});
