// Issue 4 end to end: the manager creates and assigns a case offline; alice works it with a
// photo, a timer, an escalation, a follow-up and a sign-off, partly offline; the manager
// reviews and closes it; the printed report shows the signature and the parts; the Chinese
// interface shows no English on the case screens.
import { Browser, BrowserContext, devices, expect, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { accept, backToCase, byId, login, setStatus, signOff, usePart, waitSynced, writeReport } from './flows';
import { test } from './server';

async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  return { context, page: await context.newPage() };
}

async function goOffline(context: BrowserContext, page: Page) {
  await context.setOffline(true);
  await expect(byId(page, 'sync-online')).toHaveAttribute('data-online', 'false');
}

/** The manager, offline, creates a case and assigns it to alice; returns its id. */
async function createAndAssignOffline(page: Page, context: BrowserContext): Promise<string> {
  await goOffline(context, page);
  await byId(page, 'new-case').click();
  await byId(page, 'new-case-title').fill('冷水机组高压报警');
  await byId(page, 'new-case-customer').fill('海港医院');
  await byId(page, 'new-case-phone').fill('+86 21 5555 0101');
  await byId(page, 'new-case-address').fill('上海市浦东新区港湾路 2 号 B1 机房');
  await byId(page, 'new-case-model').fill('KL-300');
  await byId(page, 'new-case-serial').fill('KL300-88213');
  await byId(page, 'new-case-severity').selectOption('2');
  await byId(page, 'new-case-mode').selectOption('on_site');
  await byId(page, 'new-case-submit').click();
  await expect(page).toHaveURL(/\/cases\/[0-9a-f-]{36}$/);
  const caseId = page.url().split('/').pop()!;
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', 'new');

  const select = byId(page, 'assign-engineer');
  const alice = await select.locator('option', { hasText: 'Alice' }).getAttribute('value');
  expect(alice, 'the assign list names the engineers').toBeTruthy();
  await select.selectOption(alice!);
  await byId(page, 'assign-submit').click();
  await expect(byId(page, 'case-status')).toHaveAttribute('data-status', 'assigned');
  await expect(byId(page, 'sync-pending')).toHaveAttribute('data-count', '2');
  return caseId;
}

/** A real image for the camera input: a screenshot of the app (PNG, phone resolution). */
async function cameraShot(page: Page) {
  return { name: 'chiller.png', mimeType: 'image/png', buffer: await page.screenshot() };
}

/** English UI strings (from the translation files) that differ from their Chinese text. */
function englishFragments(): string[] {
  const root = path.resolve(__dirname, '..', '..', 'src', 'i18n');
  const parse = (file: string) => {
    const out = new Map<string, string>();
    const re = /\(\s*"([^"]+)",\s*"((?:[^"\\]|\\.)*)"\s*\)/g;
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(re)) out.set(m[1], m[2]);
    return out;
  };
  const en = parse('en.rs');
  const zh = parse('zh.rs');
  expect(en.size).toBeGreaterThan(100);
  const fragments = new Set<string>();
  for (const [key, value] of en) {
    if (zh.get(key) === value) continue; // the same in both (e.g. the product name)
    for (const part of value.split(/\{[a-z_]+\}|[:：·…()"“”]/)) {
      const f = part.trim();
      // Terms Chinese keeps as they are (e.g. SHA-256) are not English left untranslated.
      if (/[A-Za-z]{3,}/.test(f) && !(zh.get(key) ?? '').includes(f)) fragments.add(f);
    }
  }
  return [...fragments];
}

/** English UI text left on the page once data (names, parts, serials) is taken out. */
async function englishOnScreen(page: Page, fragments: string[], data: string[]): Promise<string[]> {
  let text = await page.locator('main').innerText();
  for (const d of data.filter((d) => d.length > 0).sort((a, b) => b.length - a.length)) {
    text = text.split(d).join(' ');
  }
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return fragments.filter((f) => new RegExp(`(?<![A-Za-z])${escape(f)}(?![A-Za-z])`).test(text));
}

test('create offline, work partly offline, escalate, follow up, review, close, print, Chinese', async ({ server, browser, page, context }) => {
  // --- the manager creates and assigns a case with no network ---------------------------
  const mgr = await phone(browser);
  await login(mgr.page, server.baseURL, 'manager');
  const caseId = await createAndAssignOffline(mgr.page, mgr.context);
  const api = await server.login('manager');
  expect((await api.pullAll()).some((c) => c.id === caseId), 'nothing reached the server offline').toBe(false);
  await mgr.context.setOffline(false);
  await waitSynced(mgr.page);
  const created = await api.case(caseId);
  expect(created.status).toBe('assigned');
  expect(created.title).toBe('冷水机组高压报警');

  // --- alice syncs it and works it -----------------------------------------------------
  await login(page, server.baseURL, 'alice');
  await page.locator(`[data-testid="case-row"][data-case-id="${caseId}"]`).click();
  await accept(page);
  await waitSynced(page);

  await goOffline(context, page);
  await setStatus(page, 'en_route');
  await setStatus(page, 'on_site');
  await setStatus(page, 'in_progress');

  // A work timer that survives the app being closed and opened again offline.
  await byId(page, 'timer-work').click();
  await expect(byId(page, 'timer-work')).toHaveAttribute('data-running', 'true');
  await page.waitForTimeout(1500);
  await page.reload();
  await expect(byId(page, 'timer-work')).toHaveAttribute('data-running', 'true');
  await byId(page, 'timer-work').click();
  await expect(byId(page, 'timer-work')).toHaveAttribute('data-running', 'false');
  await expect(byId(page, 'time-entry')).toHaveCount(1);

  // A photo from the camera, resized on the device, viewable offline.
  await byId(page, 'photo-caption').fill('高压开关跳闸');
  await byId(page, 'photo-input').setInputFiles(await cameraShot(page));
  await expect(byId(page, 'photo-thumb')).toHaveCount(1);
  await expect(byId(page, 'photo-thumb')).toHaveAttribute('data-loaded', 'true');

  // Escalation to a technical specialist.
  await byId(page, 'action-escalate').click();
  await byId(page, 'escalate-tier').selectOption('1');
  await byId(page, 'escalate-reason').fill('压缩机反复跳闸，需要专家远程支持');
  await byId(page, 'escalate-submit').click();
  await expect(byId(page, 'escalation-row')).toHaveCount(1);

  // Back in coverage for a moment: what is queued so far goes up.
  await context.setOffline(false);
  await waitSynced(page);
  const midway = await api.case(caseId);
  expect(midway.status).toBe('in_progress');
  expect(midway.escalations).toHaveLength(1);
  expect(midway.photos).toHaveLength(1);
  expect(await api.blobSha256(midway.photos[0].sha256)).toBe(midway.photos[0].sha256);

  // Offline again (the plant room): a part, the report with a leftover, a follow-up, sign-off.
  await goOffline(context, page);
  await usePart(page, 'a', 0, 1, 1);
  await writeReport(page, {
    symptom: '高压报警，压缩机停机',
    cause: '高压开关老化',
    actions: '更换高压开关，清洗冷凝器',
    verification: '连续运行 30 分钟无报警',
    leftover: '冷却塔风机轴承有异响，需要另行安排更换',
  });
  await byId(page, 'action-follow-up').click();
  const followUp = byId(page, 'follow-up-link').first();
  await expect(followUp).toBeVisible();
  const followUpId = (await followUp.getAttribute('href'))!.split('/').pop()!;
  await backToCase(page);
  await signOff(page, '王伟', '处理及时');
  await setStatus(page, 'completed');
  await expect(byId(page, 'sync-pending')).not.toHaveAttribute('data-count', '0');

  await context.setOffline(false);
  await waitSynced(page);
  const done = await api.case(caseId);
  expect(done.status).toBe('completed');
  expect(done.time_entries).toHaveLength(1);
  expect(done.follow_ups).toEqual([followUpId]);
  expect((await api.case(followUpId)).follow_up_of).toBe(caseId);
  expect(done.sign_off.signer_name).toBe('王伟');
  const signature = done.sign_off.signature_sha256;
  expect(await api.blobSha256(signature)).toBe(signature);
  const events: string[] = done.timeline.map((t: any) => t.event);
  for (const once of ['case.create', 'case.assign', 'case.accept', 'case.escalate', 'photo.add', 'case.time', 'part.use', 'case.follow_up', 'case.sign_off']) {
    expect(events.filter((e) => e === once), once).toHaveLength(1);
  }

  // --- the manager reviews and closes it ------------------------------------------------
  await mgr.page.goto(`${server.baseURL}/review`);
  const row = mgr.page.locator(`[data-testid="review-row"][data-case-id="${caseId}"]`);
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row.getByTestId('review-part')).toHaveCount(1);
  await expect(row.getByTestId('review-signature')).toHaveAttribute('data-loaded', 'true');
  await expect(row.getByTestId('review-satisfaction')).toHaveAttribute('data-value', '5');
  await row.getByTestId('review-close').click();
  await expect(row).toHaveCount(0);
  await waitSynced(mgr.page);
  expect((await api.case(caseId)).status).toBe('closed');

  // --- the printed report (print media) shows the signature and the parts -----------------
  await mgr.page.goto(`${server.baseURL}/cases/${caseId}/print`);
  await mgr.page.emulateMedia({ media: 'print' });
  const report = byId(mgr.page, 'print-report');
  await expect(report).toBeVisible();
  await expect(byId(mgr.page, 'print-signature')).toBeVisible();
  await expect(byId(mgr.page, 'print-signature')).toHaveAttribute('data-loaded', 'true');
  await expect(byId(mgr.page, 'print-part-row')).toHaveCount(1);
  await expect(byId(mgr.page, 'print-part-row')).toHaveAttribute('data-part-no', done.parts[0].part_no);
  await expect(byId(mgr.page, 'print-report-hash')).toContainText(done.sign_off.report_sha256);
  await expect(report).toContainText('王伟');
  await expect(byId(mgr.page, 'sync-pending'), 'no app chrome on paper').toBeHidden();
  const pdf = await mgr.page.pdf({ preferCSSPageSize: true });
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  expect(box, 'the PDF has a page box').toBeTruthy();
  expect(Math.round(Number(box![1]))).toBe(595); // A4: 210 × 297 mm in points
  expect(Math.round(Number(box![2]))).toBe(842);
  await mgr.page.emulateMedia({ media: 'screen' });

  // --- Chinese: no English on the case screens ------------------------------------------
  const fragments = englishFragments();
  const parts = (await api.pullAll()).filter((c) => c.entity === 'part').map((c) => c.data.name as string);
  const data = ['Service Manager', 'Alice Chen', 'Bob Li', 'KL-300', 'KL300-88213', 'NEW-0', 'OLD-0', ...parts];
  // The detector sees the English interface for what it is before it vouches for the Chinese.
  await page.goto(`${server.baseURL}/cases/${caseId}`);
  await expect(byId(page, 'case-status')).toBeVisible();
  expect((await englishOnScreen(page, fragments, data)).length).toBeGreaterThan(10);
  await byId(page, 'lang-toggle').click();
  await expect(byId(page, 'lang-toggle')).toHaveAttribute('data-lang', 'zh-CN');
  for (const [screen, url, ready] of [
    ['case', `/cases/${caseId}`, 'case-status'],
    ['parts', `/cases/${caseId}/parts`, 'usage-row'],
    ['report', `/cases/${caseId}/report`, 'report-symptom'],
    ['sign-off', `/cases/${caseId}/sign`, 'sign-done'],
    ['print', `/cases/${caseId}/print`, 'print-report'],
    ['follow-up case', `/cases/${followUpId}`, 'case-status'],
  ]) {
    await page.goto(`${server.baseURL}${url}`);
    await expect(byId(page, ready).first()).toBeVisible();
    await expect(byId(page, 'lang-toggle')).toHaveAttribute('data-lang', 'zh-CN');
    expect(await englishOnScreen(page, fragments, data), `English on the ${screen} screen`).toEqual([]);
  }
  await mgr.context.close();
});
