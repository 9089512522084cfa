// evid.test.mjs - the evidence page (web/page-evidence.js) in a real browser: upload from the
// controls page's link as so1 (security_officer), the web limit said before anything is sent,
// the list with the submitted file first, so1 refused when reviewing its own file (the API's
// message shown), aud1 (auditor) refused without a comment, rejecting and accepting with one,
// the control's status after acceptance, the download byte for byte (the link and the route),
// an employee refused (403) by the list and the file route, axe, phone width, screenshots.
// Run by tests/cli/t0252-web-evidence.sh: UI_URL, UI_SHOTS, UI_PW1 (so1, aud1, emp1).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UI_URL, check, signedIn, axe, shot, alertText, run } from './lib.mjs';

const { UI_PW1 } = process.env;
const sha = (b) => createHash('sha256').update(b).digest('hex');
// every byte value (NULs too), then text: what a base64 slip or a text decoding would change
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256)),
  Buffer.from('\n教育訓練簽到表\n')]);
const AV = Buffer.from('防毒軟體部署清單 2026-12\n');

async function noSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// Signed in, and the first page (the dashboard) done: a page still loading could draw itself
// over the one the test opens next (app.js does not cancel a route that is overtaken).
async function signedInIdle(user, pw) {
  const page = await signedIn(user, pw);
  await page.waitForSelector('#main h1');
  await page.waitForLoadState('networkidle');
  return page;
}

async function stateOf(page, id) {
  const r = await page.request.get(`${UI_URL}/api/v1/evidence/${id}`);
  return (await r.json()).state;
}

await run(async () => {
  // ---- so1 uploads from the controls page ----
  const so = await signedInIdle('so1', UI_PW1);
  check('the menu has 佐證 for a security officer', (await so.locator('#nav a[href="#/evidence"]').count()) === 1);
  await so.goto(UI_URL + '/#/controls?q=SR.4.5');
  await so.waitForSelector('#c-SR\\.4\\.5');
  const link = so.locator('#c-SR\\.4\\.5 a[href^="#/evidence"]');
  check('the control has a 上傳佐證 link', (await link.textContent()) === '上傳佐證');
  await link.click();
  await so.waitForSelector('#ev-upload');
  check('the link opens the upload form for that control', so.url().endsWith('#/evidence?control=SR.4.5&new=1') &&
    await so.locator('details.ev-upload').evaluate((d) => d.open) && (await so.inputValue('#ev-target')) === 'SR.4.5', so.url());
  const limit = await so.textContent('#ev-limit');
  check('the size limit is said before sending', limit.includes('3 MB') && limit.includes('brokersec evidence add'), limit);
  await shot(so, 'evid-upload');
  await axe(so, 'evidence upload form');

  // too big: refused in the browser, nothing sent
  await so.setInputFiles('#ev-file', { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(3000001, 65) });
  await so.click('#ev-upload button[type=submit]');
  const big = await alertText(so);
  check('a file over the limit is refused before sending, with its size', big.includes('超過網頁上傳上限') && big.includes('3,000,001'), big);
  const none = await (await so.request.get(UI_URL + '/api/v1/evidence')).json();
  check('nothing was sent', none.total === 0, JSON.stringify(none));

  // no file: said
  await so.setInputFiles('#ev-file', []);
  await so.click('#ev-upload button[type=submit]');
  check('no file chosen: said', (await alertText(so)).includes('請選擇'));

  await so.setInputFiles('#ev-file', { name: '教育訓練簽到表.pdf', mimeType: 'application/pdf', buffer: PDF });
  await so.fill('#ev-note', '115 年度第一次');
  await so.click('#ev-upload button[type=submit]');
  await so.waitForURL(/#\/evidence\/1$/);
  await so.waitForSelector('#ev-detail');
  check('submitted: the flash says so', (await alertText(so)).includes('已提交佐證 #1'));
  check('the detail shows 待審核', (await so.getAttribute('#ev-detail .ev-state', 'data-state')) === 'submitted');
  check('the detail shows the SHA-256 of the bytes', (await so.textContent('#ev-sha')) === sha(PDF));
  check('the submitter is told someone else must review', (await so.textContent('#ev-own')).includes('另一位資安專責人員或稽核'));

  // a second one, for a control typed in the form
  await so.goto(UI_URL + '/#/evidence');
  await so.waitForSelector('#ev-list');
  await so.click('details.ev-upload summary');
  await so.fill('#ev-target', 'SR.16');
  await so.setInputFiles('#ev-file', { name: 'av.txt', mimeType: 'text/plain', buffer: AV });
  await so.click('#ev-upload button[type=submit]');
  await so.waitForURL(/#\/evidence\/2$/);
  await so.waitForSelector('#ev-detail');

  // the list: both awaiting review, the count
  await so.goto(UI_URL + '/#/evidence');
  await so.waitForSelector('#ev-list tbody tr[data-id]');
  const rows = await so.locator('#ev-list tbody tr[data-id]').evaluateAll((trs) =>
    trs.map((tr) => tr.dataset.id + ':' + tr.querySelector('.ev-state').dataset.state));
  check('the list shows both as submitted, the queue oldest first', rows.join(' ') === '1:submitted 2:submitted', rows.join(' '));
  check('the pending count', (await so.textContent('#ev-pending')).includes('待審核：2 件'));
  await shot(so, 'evid-list');
  await axe(so, 'evidence list');

  // so1 cannot accept its own evidence: the API's refusal shown
  await so.goto(UI_URL + '/#/evidence/1');
  await so.waitForSelector('#ev-review');
  await so.fill('#ev-comment', '自己審核');
  await so.click('#ev-accept');
  await so.waitForFunction(() => !document.querySelector('#ev-accept').disabled);
  const own = await alertText(so);
  check('so1 accepting its own: the API message (names so1) shown', own.includes('so1') && own.includes('1'), own);
  check('still submitted', (await stateOf(so, 1)) === 'submitted');
  await shot(so, 'evid-detail');
  await axe(so, 'evidence detail with review');

  // the download: the link and the route give the same bytes
  const [dl] = await Promise.all([so.waitForEvent('download'), so.click('#ev-download')]);
  check('the download link saves the file under its name', dl.suggestedFilename() === '教育訓練簽到表.pdf', dl.suggestedFilename());
  check('the downloaded file has the same SHA-256', sha(readFileSync(await dl.path())) === sha(PDF));
  const file = await so.request.get(UI_URL + '/api/v1/evidence/1/file');
  const fh = file.headers();
  check('GET /evidence/1/file: the same bytes', file.status() === 200 && sha(await file.body()) === sha(PDF), file.status());
  check('an attachment, nosniff', fh['content-disposition'].startsWith('attachment;') && fh['x-content-type-options'] === 'nosniff',
    JSON.stringify(fh));

  // phone width: the list and the detail do not scroll sideways
  await so.setViewportSize({ width: 375, height: 740 });
  await so.goto(UI_URL + '/#/evidence');
  await so.waitForSelector('#ev-list tbody tr[data-id]');
  check('phone: the list does not scroll sideways', (await noSideways(so)) <= 0, await noSideways(so));
  await shot(so, 'evid-list-phone');
  await so.goto(UI_URL + '/#/evidence/1');
  await so.waitForSelector('#ev-detail');
  check('phone: the detail does not scroll sideways', (await noSideways(so)) <= 0, await noSideways(so));
  await shot(so, 'evid-detail-phone');
  await so.setViewportSize({ width: 640, height: 450 }); // 1280 px at 200 % zoom
  check('200 % zoom: the detail does not scroll sideways', (await noSideways(so)) <= 0, await noSideways(so));
  await so.goto(UI_URL + '/#/evidence?new=1');
  await so.waitForSelector('#ev-list tbody tr[data-id]');
  check('200 % zoom: the list and the form do not scroll sideways', (await noSideways(so)) <= 0, await noSideways(so));
  // a register record's evidence: REGISTER:ID in the form, then that record's list
  await so.setViewportSize({ width: 1280, height: 900 });
  await so.selectOption('#ev-kind', 'record');
  await so.fill('#ev-target', 'person:1');
  await so.setInputFiles('#ev-file', { name: 'nda.txt', mimeType: 'text/plain', buffer: Buffer.from('保密切結書 王小明\n') });
  await so.click('#ev-upload button[type=submit]');
  await so.waitForURL(/#\/evidence\/3$/);
  await so.waitForSelector('#ev-detail');
  check('record evidence: what it proves links to the record', (await so.getAttribute('#ev-detail dd a', 'href')) === '#/registers/person/1');
  await so.goto(UI_URL + '/#/evidence?record=person:1');
  await so.waitForSelector('#ev-list tbody tr[data-id="3"]');
  check('#/evidence?record=person:1: that record\'s evidence only', (await so.locator('#ev-list tbody tr[data-id]').count()) === 1);
  await so.context().close();

  // ---- aud1 reviews ----
  const aud = await signedInIdle('aud1', UI_PW1);
  const before = await (await aud.request.get(UI_URL + '/api/v1/status')).json();
  const ctl = (doc, id) => doc.groups.flatMap((g) => g.controls).find((c) => c.id === id);
  check('before: SR.4.5 not met by the submitted file (awaiting review)', ctl(before, 'SR.4.5').state === 'unknown' &&
    ctl(before, 'SR.4.5').reason['zh-TW'].includes('佐證待審核'), JSON.stringify(ctl(before, 'SR.4.5')));
  await aud.goto(UI_URL + '/#/evidence/2');
  await aud.waitForSelector('#ev-review');
  check('no own-evidence note for another reviewer', (await aud.locator('#ev-own').count()) === 0);
  await aud.click('#ev-reject');
  check('rejecting without a comment is refused', (await alertText(aud)).includes('請填寫審核意見'));
  check('still submitted after the refusal', (await stateOf(aud, 2)) === 'submitted');
  await aud.fill('#ev-comment', '清單未列主機名稱，請補件');
  await aud.click('#ev-reject');
  await aud.waitForSelector('#ev-review-comment');
  check('rejected with the comment shown', (await aud.getAttribute('#ev-detail .ev-state', 'data-state')) === 'rejected' &&
    (await aud.textContent('#ev-review-comment')) === '清單未列主機名稱，請補件');
  check('a review is final: no review form', (await aud.locator('#ev-review').count()) === 0);

  await aud.goto(UI_URL + '/#/evidence/1');
  await aud.waitForSelector('#ev-review');
  await aud.fill('#ev-comment', '簽到表與訓練時數相符');
  await aud.click('#ev-accept');
  await aud.waitForSelector('#ev-review-comment');
  check('accepted', (await aud.getAttribute('#ev-detail .ev-state', 'data-state')) === 'accepted');
  check('the flash says so', (await alertText(aud)).includes('已採認'));
  const until = await aud.locator('#ev-detail dt', { hasText: '有效至' }).count();
  check('accepted: valid until shown', until === 1);
  const after = await (await aud.request.get(UI_URL + '/api/v1/status')).json();
  check('after: SR.4.5 met by the accepted file', ctl(after, 'SR.4.5').state === 'met' &&
    ctl(after, 'SR.4.5').reason['zh-TW'].includes('#1') && ctl(after, 'SR.4.5').reason['zh-TW'].includes('aud1'),
  JSON.stringify(ctl(after, 'SR.4.5')));
  await aud.goto(UI_URL + '/#/controls?q=SR.4.5');
  await aud.waitForSelector('#c-SR\\.4\\.5');
  check('the controls page shows 符合 for SR.4.5', (await aud.textContent('#c-SR\\.4\\.5 .badge')) === '符合');
  check('an auditor (no evidence.write) gets no upload form', await (async () => {
    await aud.goto(UI_URL + '/#/evidence?control=SR.4.5&new=1');
    await aud.waitForSelector('#ev-list');
    return (await aud.locator('#ev-upload').count()) === 0;
  })());

  // filters: by state and by control
  await aud.goto(UI_URL + '/#/evidence');
  await aud.waitForSelector('#ev-filter');
  // the list of all three, not the SR.4.5 list still shown while the new one loads (a form
  // of that page would be replaced under the click)
  await aud.waitForFunction(() => document.querySelectorAll('#ev-list tbody tr[data-id]').length === 3);
  await aud.selectOption('#ev-fstate', 'rejected');
  await aud.click('#ev-filter button[type=submit]');
  await aud.waitForURL(/state=rejected/);
  await aud.waitForFunction(() => document.querySelectorAll('#ev-list tbody tr[data-id]').length === 1);
  check('filter by state: the rejected one', (await aud.getAttribute('#ev-list tbody tr[data-id]', 'data-id')) === '2' &&
    (await aud.getAttribute('#ev-list .ev-state', 'data-state')) === 'rejected');
  await aud.goto(UI_URL + '/#/evidence?control=SR.4');
  await aud.waitForSelector('#ev-list tbody tr[data-id="1"]');
  check('filter by control SR.4: SR.4.5\'s file only', (await aud.locator('#ev-list tbody tr[data-id]').count()) === 1);
  await aud.click('#lang');
  await aud.waitForFunction(() => document.querySelector('h1').textContent === 'Evidence');
  check('English: the states in English', (await aud.textContent('#ev-list .ev-state')) === 'accepted');
  await aud.click('#lang');
  await aud.context().close();

  // ---- an employee reads no evidence ----
  const emp = await signedInIdle('emp1', UI_PW1);
  check('no 佐證 in an employee\'s menu', (await emp.locator('#nav a[href="#/evidence"]').count()) === 0);
  const l = await emp.request.get(UI_URL + '/api/v1/evidence');
  check('employee GET /evidence: 403', l.status() === 403, l.status());
  const f = await emp.request.get(UI_URL + '/api/v1/evidence/1/file');
  check('employee GET /evidence/1/file: 403', f.status() === 403, f.status());
  await emp.goto(UI_URL + '/#/evidence/1');
  await emp.waitForFunction(() => document.querySelector('#main .alert:not([hidden])'));
  check('employee opening #/evidence/1: told the role may not', (await alertText(emp)).includes('無權'));
  await emp.context().close();
}, 'evid');
