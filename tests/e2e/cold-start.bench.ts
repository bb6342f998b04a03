// DESIGN.md budget: offline cold start to an interactive list of 500 cases, 4× CPU throttle,
// ≤ 1 s. alice's device holds 500 cases (the demo's plus seeded ones); the browser restarts
// on the same profile with the server stopped and no network, CPU throttled 4× through CDP.
import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { firstPage, launchProfile, settledRowCount, waitForServiceWorker, withProfile } from './profile';
import { OnsiteServer } from './server';

const CASES = Number(process.env.ONSITE_BENCH_CASES ?? 500);
const RUNS = Number(process.env.ONSITE_BENCH_RUNS ?? 5);
const BUDGET_MS = 1000;
const THROTTLE = Number(process.env.ONSITE_BENCH_THROTTLE ?? 4);

test('offline cold start to an interactive list of 500 cases, 4× CPU throttle', async () => {
  const server = await OnsiteServer.start();
  try {
    const manager = await server.login('manager');
    const alice = await server.login('alice');
    const demo = (await alice.pullAll()).filter((c) => c.entity === 'case' && c.op === 'put').length;
    const mutations = [];
    for (let i = 0; i < CASES - demo; i++) {
      const id = randomUUID();
      mutations.push(
        {
          name: 'case.create',
          args: {
            case_id: id,
            title: `Seeded case ${i}: UPS alarm on floor ${i % 30}`,
            description: 'Seeded for the cold-start benchmark.',
            customer: { name: `Customer ${i % 40}`, phone: '+86 21 5555 0000' },
            site: { address: `${i} Benchmark Road` },
            product: { model: `Model-${i % 25}`, serial: `BENCH-${i}` },
            category: 'system_fault',
            severity: 1 + (i % 4),
            mode: 'on_site',
            reported_at: new Date(Date.now() - i * 60_000).toISOString(),
          },
        },
        { name: 'case.assign', args: { case_id: id, engineer_id: alice.userId } },
      );
    }
    for (let i = 0; i < mutations.length; i += 100) await manager.push(mutations.slice(i, i + 100));

    await withProfile(async (profile) => {
      let context = await launchProfile(profile);
      try {
        const page = await firstPage(context);
        await page.goto(server.baseURL);
        await page.getByTestId('login-username').fill('alice');
        await page.getByTestId('login-password').fill('onsite-demo');
        await page.getByTestId('login-submit').click();
        await expect(page.getByTestId('case-row').first()).toBeVisible({ timeout: 60_000 });
        await waitForServiceWorker(page);
        expect(await settledRowCount(page)).toBe(CASES);
        await context.close();
        await server.kill();

        // Times in the page's own clock (ms since navigation start), kept by an observer.
        const observe = (n: number) => {
          const w = window as any;
          w.__bench = {};
          new MutationObserver(() => {
            const rows = document.querySelectorAll('[data-testid="case-row"]').length;
            if (rows > 0 && w.__bench.firstRow === undefined) w.__bench.firstRow = performance.now();
            if (rows === n && w.__bench.allRows === undefined) w.__bench.allRows = performance.now();
            if (document.querySelector('[data-testid="case-status"]') && w.__bench.casePage === undefined) {
              w.__bench.casePage = performance.now();
            }
          }).observe(document, { childList: true, subtree: true });
          document.addEventListener('click', () => { w.__bench.click ??= performance.now(); }, true);
          // The longest main-thread task (≥ 50 ms: the Long Tasks API) once the list shows: how
          // long a tap may have to wait.
          w.__bench.maxTask = 0;
          new PerformanceObserver((list) => {
            for (const e of list.getEntries()) {
              const first = w.__bench.firstRow;
              // Tasks that start once the first rows are in the DOM (the task that put them
              // there ends before the browser paints them: nobody can tap during it).
              if (first !== undefined && e.startTime >= first && w.__bench.allRows === undefined) {
                w.__bench.maxTask = Math.max(w.__bench.maxTask, e.duration);
              }
            }
          }).observe({ type: 'longtask', buffered: true });
        };
        const runs: { firstRow: number; allRows: number; maxTask: number; click: number; casePage: number }[] = [];
        for (let run = 0; run < RUNS; run++) {
          context = await launchProfile(profile, true);
          const cold = await firstPage(context);
          await cold.addInitScript(observe, CASES);
          const cdp = await context.newCDPSession(cold);
          await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
          await cold.goto(server.baseURL);
          await cold.waitForFunction(() => (window as any).__bench?.allRows !== undefined, null, { timeout: 60_000 });
          // A tap on the first row opens that case (timed in the page from the click event).
          await cold.getByTestId('case-row').first().click();
          await expect(cold.getByTestId('case-status')).toBeVisible();
          const b = await cold.evaluate(() => (window as any).__bench);
          if (process.env.ONSITE_BENCH_MARKS) {
            console.log(await cold.evaluate(() =>
              performance.getEntriesByType('mark').map((m) => `${m.name} ${m.startTime.toFixed(0)}`).join('; ')));
          }
          if (process.env.ONSITE_BENCH_MARKS) console.log(JSON.stringify(b));
          runs.push(b);
          await context.close();
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const fmt = (xs: number[]) => `${xs.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(xs).toFixed(0)})`;
        const firstRow = runs.map((r) => r.firstRow);
        const maxTask = runs.map((r) => r.maxTask);
        const interactive = runs.map((r) => r.firstRow + r.maxTask);
        const all = runs.map((r) => r.allRows);
        const open = runs.map((r) => r.casePage - r.click);
        const m = median(interactive);
        console.log(
          `cold start, ${CASES} cases, offline, ${THROTTLE}× CPU throttle, ${RUNS} runs, ms from navigation start:\n` +
            `  first rows of the list shown            ${fmt(firstRow)}\n` +
            `  longest main-thread task after that     ${fmt(maxTask)}\n` +
            `  interactive (shown + longest task)      ${fmt(interactive)}\n` +
            `  all ${CASES} rows in the list              ${fmt(all)}\n` +
            `  then a tap on a row → its case page     ${fmt(open)}\n` +
            `  budget ${BUDGET_MS} ms to an interactive list — ${m <= BUDGET_MS ? 'within' : 'OVER'} budget`,
        );
      } finally {
        await context.close();
      }
    });
  } finally {
    await server.stop();
  }
});
