// asmt.test.mjs - the assessments page (web/page-assessments.js) in a real browser: a security
// officer walks an assessment from plan to close (scope, sample, assessor, run, a result for
// every control in scope, a finding and its follow-up, complete), the auditor - the audit unit -
// reviews the finding and so closes it, and the officer issues the 電腦系統資訊安全評估報告 as a
// PDF and downloads it. Run by tests/cli/t0253-web-asmt.sh, which adds a system (category 3),
// its device and a qualified assessor, and passes UI_PW1 (so1, security officer; aud1, auditor).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UI_URL, check, signedIn, axe, shot, run } from './lib.mjs';

const { UI_PW1, UI_SHOTS } = process.env;
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

// Submits form sel and waits for the page to be built again (each change re-reads the assessment).
async function submit(page, sel) {
  await page.evaluate(() => document.querySelector('#main h1').setAttribute('data-old', '1'));
  await page.click(sel + ' button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#main h1[data-old]') ||
    [...document.querySelectorAll('#main .alert:not([hidden])')].some((a) => !a.classList.contains('ok') && a.textContent));
}
const okText = (page) => page.locator('#main > .alert.ok').textContent();

await run(async () => {
  const page = await signedIn('so1', UI_PW1);
  check('the menu has 評估', (await page.locator('#nav a[href="#/assessments"]').textContent()) === '評估');
  await page.click('#nav a[href="#/assessments"]');
  await page.waitForSelector('#assessments');
  check('no assessments yet', (await page.textContent('#assessments tbody')).includes('尚無評估'));

  // ---- plan: the API's refusal shown as it came, then a plan approved by the board
  await page.fill('#pl-title', '2026 年度電腦系統資訊安全評估');
  await page.click('#plan button[type=submit]');
  await page.waitForSelector('#as-plan .alert:not([hidden])');
  check('plan without the period: the API says what is missing', /--from|from/.test(await page.textContent('#as-plan .alert')),
    await page.textContent('#as-plan .alert'));
  await page.fill('#pl-from', '2026-03-01');
  await page.fill('#pl-to', '2026-04-30');
  await page.selectOption('#pl-approver', 'board');
  await page.fill('#pl-by', '董事會');
  await page.fill('#pl-on', '2026-02-15');
  await page.click('#plan button[type=submit]');
  await page.waitForSelector('#steps');
  check('planned: the flash names it', (await okText(page)).includes('已建立評估計畫'), await okText(page));
  check('planned: status 規劃中', (await page.textContent('h1')).includes('規劃中'));
  check('the steps in order, scope next', (await page.textContent('#steps li[aria-current=step]')).includes('評估範圍'),
    await page.textContent('#steps'));
  const id = await page.evaluate(() => location.hash.split('/')[2]);

  // ---- scope (肆二): a category 3 system needs its areas and a reason
  await page.selectOption('#sc-system', { index: 1 });
  await page.check('#as-scope input[name=area][value="4"]');
  await submit(page, '#scope-form');
  check('scope without a reason: refused with the API\'s message', (await page.textContent('#as-scope .alert')).length > 0);
  await page.fill('#sc-reason', '對外網站：僅網站安全檢測');
  await submit(page, '#scope-form');
  check('scope: the system in the table', (await page.textContent('#scope tbody')).includes('官方網站'));
  check('scope: area (四) 網站安全檢測', (await page.textContent('#scope tbody')).includes('網站安全檢測'));

  // ---- sample (參二): all devices of the system filled in by the button
  await page.selectOption('#sa-system', { index: 1 });
  await page.click('#sa-all');
  await page.waitForFunction(() => document.querySelector('#sa-devices').value !== '');
  await submit(page, '#sample-form');
  check('sample: the device listed', (await page.textContent('#samples tbody')).includes('WEB-1'));

  // ---- assessor (柒), run
  await page.selectOption('#as-assessor', { index: 1 });
  await page.selectOption('#as-role', 'lead');
  await submit(page, '#assessor-form');
  check('assessor: listed with the role', (await page.textContent('#assessors tbody')).includes('王大明'));
  check('run is next', (await page.textContent('#steps li[aria-current=step]')).includes('開始執行'));
  await shot(page, 'asmt-planned');
  await axe(page, 'assessment (planned, with its forms)');
  await submit(page, '#run-form');
  check('run: status 執行中', (await page.textContent('h1')).includes('執行中'));

  // ---- a result for every control in scope (assessor's judgement with evidence)
  for (let i = 0; i < 10; i++) {
    const left = await page.textContent('#rs-summary');
    if (/未評 0/.test(left)) break;
    await page.selectOption('#rs-system', { index: 1 });
    const opt = await page.locator('#rs-control option', { hasText: '未評' }).first().getAttribute('value');
    await page.selectOption('#rs-control', opt);
    await page.selectOption('#rs-result', opt.endsWith('.1') ? 'not-met' : 'met');
    await page.selectOption('#rs-source', 'judgement');
    await page.fill('#rs-reason', '檢視網站弱點掃描報告');
    await page.fill('#rs-evidence', '評估工作底稿 2026-04');
    await submit(page, '#result-form');
  }
  check('every control has a result', /未評 0/.test(await page.textContent('#rs-summary')), await page.textContent('#rs-summary'));
  await page.selectOption('#rs-filter', 'not-met');
  await page.waitForFunction(() => location.hash.includes('rres=not-met') && document.querySelectorAll('#results tbody tr').length === 1);
  check('results filtered on the server: the one not met', (await page.textContent('#results tbody')).includes('A2.4.1.4.1'));

  // ---- a finding (捌: item, severity, category, risk, recommendation)
  await page.selectOption('#fi-system', { index: 1 });
  await page.selectOption('#fi-control', 'A2.4.1.4.1');
  await page.selectOption('#fi-severity', 'high');
  await page.selectOption('#fi-category', 'technical');
  await page.fill('#fi-title', '網站查詢頁面有跨站腳本弱點');
  await page.fill('#fi-risk', '可能遭竊取使用者連線資訊');
  await page.fill('#fi-rec', '於伺服器端檢查輸入並編碼輸出，修補後重新掃描');
  await page.fill('#fi-owner', '行銷部 張美玲');
  await page.fill('#fi-due', '2026-07-31');
  await submit(page, '#finding-form');
  const card = page.locator('article.as-finding').first();
  check('finding: listed with severity 高 and 未結案', /高/.test(await card.locator('h3').textContent()) && /未結案/.test(await card.locator('h3').textContent()));
  check('finding: its risk and recommendation', (await card.textContent()).includes('可能遭竊取使用者連線資訊') && (await card.textContent()).includes('修補後重新掃描'));
  const fid = (await card.getAttribute('id')).replace('finding-', '');

  // a follow-up that is not the audit unit's: recorded, the finding stays open
  await page.click(`#finding-${fid} details.as-more summary`);
  await page.fill(`#fu-by-${fid}`, '行銷部 張美玲');
  await page.selectOption(`#fu-v-${fid}`, 'partial');
  await page.fill(`#fu-n-${fid}`, '已修補兩個頁面');
  await submit(page, `#fu-${fid}`);
  check('follow-up: listed, the finding still open', (await page.textContent(`#finding-${fid}`)).includes('部分改善') &&
    (await page.textContent(`#finding-${fid} h3`)).includes('未結案'));
  check('the security officer has no review form (assessments.followup is the auditor\'s)', (await page.locator(`#rv-${fid}`).count()) === 0);

  // ---- complete (report to the audit unit)
  await submit(page, '#complete-form');
  check('complete: status 已提報', (await page.textContent('h1')).includes('已提報'), await page.textContent('h1'));
  check('follow-up by the audit unit is next', (await page.textContent('#steps li[aria-current=step]')).includes('稽核單位追蹤覆查'));

  // ---- the report: issue a PDF and download it
  await page.selectOption('#rp-format', 'pdf');
  await page.selectOption('#rp-lang', 'zh-TW');
  await submit(page, '#report-form');
  check('issued: the flash gives the SHA-256', /SHA-256 [0-9a-f]{64}/.test(await okText(page)), await okText(page));
  const sha = (await page.textContent('#reports tbody code')).trim();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#reports a.as-dl[data-format=pdf]')]);
  const file = UI_SHOTS + '/asmt-report.pdf';
  await dl.saveAs(file);
  const bytes = readFileSync(file);
  check('download: a PDF', bytes.subarray(0, 5).toString() === '%PDF-');
  check('download: the file name is the report\'s', dl.suggestedFilename().startsWith('電腦系統資訊安全評估報告') && dl.suggestedFilename().endsWith('.pdf'), dl.suggestedFilename());
  check('download: the SHA-256 the page shows', createHash('sha256').update(bytes).digest('hex') === sha);
  const text = execFileSync('pdftotext', [file, '-']).toString();
  check('download: pdftotext finds the title 電腦系統資訊安全評估報告', text.includes('電腦系統資訊安全評估報告'));
  // -raw: each table cell's lines in drawing order (the default layout interleaves the columns)
  const raw = execFileSync('pdftotext', ['-raw', file, '-']).toString().replace(/\s+/g, '');
  check('download: the finding is in it, its due date on one line', raw.includes('網站查詢頁面有跨站腳本弱點') && text.includes('2026-07-31'));
  await shot(page, 'asmt-detail');
  await axe(page, 'assessment (reported, with the report)');

  // ---- the audit unit (auditor) reviews: corrected closes the finding
  const aud = await signedIn('aud1', UI_PW1);
  await aud.goto(UI_URL + '/#/assessments/' + id);
  await aud.waitForSelector(`#rv-${fid}`);
  check('auditor: no forms for registers.write (plan, follow-up by others, report issue)',
    (await aud.locator('#report-form').count()) === 0 && (await aud.locator(`#fu-${fid}`).count()) === 0);
  check('auditor: the issued report listed with its download link', (await aud.locator('#reports a.as-dl').count()) === 1);
  await aud.selectOption(`#rv-v-${fid}`, 'corrected');
  await aud.fill(`#rv-n-${fid}`, '已覆查修補與重新掃描報告');
  await submit(aud, `#rv-${fid}`);
  check('review: the finding closed by the audit unit', (await aud.textContent(`#finding-${fid} h3`)).includes('已結案'));
  check('review: listed as the audit unit\'s', (await aud.textContent(`#finding-${fid}`)).includes('aud1 (稽核單位)：改善完成'));
  await shot(aud, 'asmt-findings');
  await axe(aud, 'assessment (auditor, findings reviewed)');

  // ---- close, then every step done
  await page.reload();
  await page.waitForSelector('#close-form');
  await submit(page, '#close-form');
  check('closed: status 已結案', (await page.textContent('h1')).includes('已結案'));
  check('closed: every step done', (await page.locator('#steps li.as-step-done').count()) === 10, await page.textContent('#steps'));

  // ---- the list, a phone, English
  await page.goto(UI_URL + '/#/assessments');
  await page.waitForSelector('#assessments tbody a');
  check('list: the assessment with its status', (await page.textContent('#assessments tbody')).includes('已結案'));
  await shot(page, 'asmt-list');
  await axe(page, 'assessments list');
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto(UI_URL + '/#/assessments/' + id);
  await page.waitForSelector('#reports');
  check('phone (375 px): no sideways scrolling of the page', (await noSideScroll(page)) <= 0, await noSideScroll(page));
  await shot(page, 'asmt-detail-phone');
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('#main h1') && document.querySelector('#main h1').textContent.includes('closed'));
  check('English: the steps in English', (await page.textContent('#steps')).includes('Follow-up by the audit unit'));
  await page.click('#lang');
}, 'asmt');
