// `make bench`: benchmarks that report figures against DESIGN.md's budgets (not tests).
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testMatch: /.*\.bench\.ts/,
  timeout: 600_000,
  outputDir: '../../test-results/bench',
});
