// Sessions that end and devices that change hands, driven in Chromium against the release
// build: a revoked phone drops its customer data but keeps its queued change; two users on
// one device each sync with their own client and token.
import { expect, Page } from '@playwright/test';
import * as flows from './flows';
import { accept, byId } from './flows';
import { test } from './server';

/** Record counts of IndexedDB stores of the app's database, read in the page. */
async function storeCounts(page: Page, stores: string[]): Promise<Record<string, number>> {
  return page.evaluate(
    (names) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const open = indexedDB.open('onsite');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(names, 'readonly');
          const out: Record<string, number> = {};
          for (const n of names) {
            const req = tx.objectStore(n).count();
            req.onsuccess = () => (out[n] = req.result);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    stores,
  );
}

async function openAssignedCase(page: Page): Promise<string> {
  const row = page.locator('[data-testid="case-row"][data-status="assigned"]').first();
  const id = await row.getAttribute('data-case-id');
  expect(id).toBeTruthy();
  await row.click();
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', 'assigned');
  return id!;
}

/** Signs in without waiting for an empty queue (another user's change may be waiting). */
async function signIn(page: Page, username: string) {
  await byId(page, 'login-username').fill(username);
  await byId(page, 'login-password').fill('onsite-demo');
  await byId(page, 'login-submit').click();
  // Signed in on whatever page the app was on; go to the list.
  await byId(page, 'nav-cases').click();
  await expect(page.locator('[data-testid="case-row"]').first()).toBeVisible({ timeout: 30_000 });
}

test('a revoked phone drops its customer data, keeps its queued change and syncs it after the same user signs in', async ({ server, page, context, browser }) => {
  await flows.login(page, server.baseURL, 'alice');
  const manager = await server.login('manager');
  const caseId = await openAssignedCase(page);
  await context.setOffline(true);
  await accept(page);
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '1');

  // The phone is lost: the manager ends its session from the devices screen.
  const devices: any[] = await manager.get('/api/v1/devices');
  const phone = devices.find((d) => d.username === 'alice' && d.active);
  expect(phone).toBeTruthy();
  const desk = await browser.newContext();
  const managerPage = await desk.newPage();
  await flows.login(managerPage, server.baseURL, 'manager');
  await byId(managerPage, 'nav-settings').click();
  await byId(managerPage, 'settings-devices').click();
  const row = managerPage.locator(`[data-testid="device"][data-client="${phone.client_id}"]`);
  await expect(row).toHaveAttribute('data-active', 'true');
  managerPage.once('dialog', (d) => d.accept());
  await row.locator('[data-testid="device-revoke"]').click();
  await expect(byId(managerPage, 'devices-revoked')).toBeVisible();
  await expect(row).toHaveAttribute('data-active', 'false');
  await desk.close();

  // Its next contact: told, signed out, server data gone, the queued change kept.
  await context.setOffline(false);
  await expect(byId(page, 'login-session-ended')).toBeVisible({ timeout: 60_000 });
  await expect
    .poll(async () => storeCounts(page, ['cases', 'server_cases', 'stock', 'outbox']), { timeout: 30_000 })
    .toEqual({ cases: 0, server_cases: 0, stock: 0, outbox: 1 });
  expect((await manager.case(caseId)).status).toBe('assigned');

  // The same user signs in again: the change reaches the server once.
  await signIn(page, 'alice');
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout: 60_000 });
  const after = await manager.case(caseId);
  expect(after.status).toBe('accepted');
  expect(after.timeline.filter((t: any) => t.event === 'case.accept')).toHaveLength(1);
});

test('two users on one device: each their own client, no customer data of the other, each change pushed with its author', async ({ server, page, context }) => {
  await flows.login(page, server.baseURL, 'alice');
  const manager = await server.login('manager');
  const aliceCase = await openAssignedCase(page);
  await context.setOffline(true);
  await accept(page);
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '1');

  // Alice hands the tablet to bob while it is offline.
  page.once('dialog', (d) => d.accept());
  await byId(page, 'logout').click();
  await expect(byId(page, 'login-username')).toBeVisible();
  await context.setOffline(false);
  await signIn(page, 'bob');
  const shown = await page.locator('[data-testid="case-row"]').evaluateAll((rows) =>
    rows.map((r) => r.getAttribute('data-case-id')),
  );
  expect(shown).not.toContain(aliceCase);
  const bobCase = await openAssignedCase(page);
  await accept(page);
  await expect.poll(async () => (await manager.case(bobCase)).status, { timeout: 60_000 }).toBe('accepted');
  // Alice's change stays queued: never pushed with bob's token.
  expect((await manager.case(aliceCase)).status).toBe('assigned');
  const devices: any[] = await manager.get('/api/v1/devices');
  const clients = new Set(devices.filter((d) => d.username !== 'manager').map((d) => d.client_id));
  expect(clients.size).toBe(2);

  page.once('dialog', (d) => d.accept());
  await byId(page, 'logout').click();
  await signIn(page, 'alice');
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout: 60_000 });
  expect((await manager.case(aliceCase)).status).toBe('accepted');
});

test('another user signing in in a second tab signs the first tab out, which says why; nothing of either is lost', async ({ server, page, context }) => {
  await flows.login(page, server.baseURL, 'alice');
  const manager = await server.login('manager');
  const aliceCase = await openAssignedCase(page);

  // A second tab of the same browser: alice is signed in there too. She signs out, bob signs in.
  const second = await context.newPage();
  await second.goto(server.baseURL);
  await expect(byId(second, 'logout')).toBeVisible();
  second.once('dialog', (d) => d.accept());
  await byId(second, 'logout').click();
  await signIn(second, 'bob');

  // The first tab's next sync round (the browser coming online runs one) finds bob's session:
  // it signs out and says why, and syncs nothing as bob.
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(byId(page, 'login-session-replaced')).toBeVisible({ timeout: 60_000 });
  await expect(byId(page, 'login-username')).toBeVisible();

  // Bob works on in his tab; alice signs in again in the first and her change still syncs.
  const bobCase = await openAssignedCase(second);
  await accept(second);
  await expect.poll(async () => (await manager.case(bobCase)).status, { timeout: 60_000 }).toBe('accepted');
  await signIn(page, 'alice');
  await page.locator(`[data-testid="case-row"][data-case-id="${aliceCase}"]`).click();
  await accept(page);
  await expect.poll(async () => (await manager.case(aliceCase)).status, { timeout: 60_000 }).toBe('accepted');
});
