// An engineer works a case with no network; it reaches the server exactly once.
import { expect, Page } from '@playwright/test';
import * as flows from './flows';
import { accept, byId, fillReport, partUsages, setStatus, signOff, usePart } from './flows';
import { ApiSession, test } from './server';

/** Opens the first case waiting for acceptance and returns its id. */
async function openAssignedCase(page: Page): Promise<string> {
  const row = page.locator('[data-testid="case-row"][data-status="assigned"]').first();
  const id = await row.getAttribute('data-case-id');
  expect(id).toBeTruthy();
  await row.click();
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', 'assigned');
  return id!;
}

test('a case worked offline reaches the server exactly once', async ({ server, page, context }) => {
  await flows.login(page, server.baseURL, 'alice');
  const manager: ApiSession = await server.login('manager');
  const caseId = await openAssignedCase(page);

  await context.setOffline(true);
  await expect(byId(page, 'sync-online')).toHaveAttribute('data-online', 'false');

  await accept(page);
  await setStatus(page, 'en_route');
  await setStatus(page, 'on_site');
  await setStatus(page, 'in_progress');
  await usePart(page, 'a', 0, 1, 1);
  await usePart(page, 'a', 1, 2, 2);
  await fillReport(page);
  await signOff(page);
  await setStatus(page, 'completed');
  await expect(byId(page, 'sync-pending')).not.toHaveAttribute('data-count', '0');

  // Nothing has reached the server while the device was offline.
  const before = await manager.case(caseId);
  expect(before.status).toBe('assigned');
  expect(before.parts).toHaveLength(0);
  expect(before.sign_off ?? null).toBeNull();

  await context.setOffline(false);
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout: 60_000 });
  await expect(byId(page, 'sync-rejections')).toHaveAttribute('data-count', '0');

  const after = await manager.case(caseId);
  expect(after.status).toBe('completed');
  expect(partUsages(after)).toHaveLength(2);
  expect(after.sign_off.signer_name).toBe('Wang Wei');
  expect(after.extra_sign_offs ?? []).toHaveLength(0);
  expect(after.report.result).toBe('resolved');
  const sha = after.sign_off.signature_sha256;
  expect(await manager.blobSha256(sha)).toBe(sha);
  const events = after.timeline.map((t: any) => t.event);
  expect(events.filter((e: string) => e === 'case.sign_off')).toHaveLength(1);
  expect(events.filter((e: string) => e === 'case.accept')).toHaveLength(1);
});

test('the queue drains after the server restarts mid-session: nothing lost, nothing doubled', async ({ server, page }) => {
  await flows.login(page, server.baseURL, 'alice');
  const caseId = await openAssignedCase(page);
  await accept(page);
  await setStatus(page, 'en_route');
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout: 30_000 });

  await server.kill();
  await setStatus(page, 'on_site');
  await setStatus(page, 'in_progress');
  await usePart(page, 'a', 0, 3, 1);
  await fillReport(page);
  await expect(byId(page, 'sync-pending')).not.toHaveAttribute('data-count', '0');

  await server.spawn();
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '0', { timeout: 90_000 });

  const manager = await server.login('manager');
  const kase = await manager.case(caseId);
  expect(kase.status).toBe('in_progress');
  expect(partUsages(kase)).toHaveLength(1);
  expect(partUsages(kase)[0].qty).toBe(3);
  expect(kase.report.result).toBe('resolved');
  const events: string[] = kase.timeline.map((t: any) => t.event);
  for (const once of ['case.accept', 'part.use', 'case.report']) {
    expect(events.filter((e) => e === once), once).toHaveLength(1);
  }
  expect(events.filter((e) => e === 'case.set_status')).toHaveLength(3);
});
