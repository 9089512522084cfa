// scan.test.mjs - the scans pages (web/page-scans.js) in a real browser. Run by
// tests/cli/t0254-web-scan.sh, which saves three scans (web01 twice, the second one failing
// checks: SCAN_ID; db01 once), an expired waiver of web01, and passes UI_PW1 (so1, a security
// officer, and aud1, an auditor). Prints "N passed, N failed".
import { UI_URL, UI_SHOTS, check, signedIn, axe, shot, alertText, run } from './lib.mjs';

const { UI_PW1, SCAN_ID } = process.env;
const CHECK = 'linux.pam.lockout-threshold';
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

await run(async () => {
  const page = await signedIn('so1', UI_PW1);
  check('the menu has 主機掃描', (await page.locator('#nav a[href="#/scans"]').textContent()) === '主機掃描');

  // ---- #/scans: the last scan per host
  await page.click('#nav a[href="#/scans"]');
  await page.waitForSelector('#scans tbody tr');
  const hosts = await page.locator('#scans tbody th').allTextContents();
  check('last scan per host: db01 and web01', hosts.join(',') === 'db01,web01', hosts.join(','));
  const web = page.locator('#scans tbody tr', { hasText: 'web01' });
  const open = Number(await web.locator('td').nth(0).textContent());
  check('web01: its failing checks counted', open > 1, open);
  check('the time in Asia/Taipei as a <time>', (await web.locator('time').getAttribute('datetime')).endsWith('Z'));
  check('db01: links to its system and device records',
    (await page.locator('#scans tbody tr', { hasText: 'db01' }).locator('a[href="#/registers/device/5"]').count()) === 1);
  await shot(page, 'scan-list');
  await axe(page, 'scans: last scan per host');

  // a host's history
  await page.click('#scans tbody th a:text("web01")');
  // the list page also has two rows: wait for the history's own heading
  await page.waitForFunction(() => location.hash.includes('host=web01')
    && (document.getElementById('sc-list-h')?.textContent || '').includes('web01'));
  check('web01 history: two scans', (await page.locator('#scans tbody tr').count()) === 2);
  check('history heading names the host', (await page.textContent('#sc-list-h')).includes('web01'));

  // ---- #/scans/ID: failing checks first, clauses, fix, the 豁免 form
  await page.goto(UI_URL + '/#/scans/' + SCAN_ID);
  await page.waitForSelector('#sc-failing article');
  check('heading names the scan and host', (await page.textContent('h1')).includes('#' + SCAN_ID) && (await page.textContent('h1')).includes('web01'));
  const nFail = await page.locator('#sc-failing article').count();
  check('the failing checks listed first', nFail === open, nFail + ' vs ' + open);
  const first = await page.locator('#sc-failing article').first().textContent();
  check('a failing check says 不符', first.includes('不符'), first.slice(0, 200));
  const card = page.locator('#sc-failing article', { hasText: CHECK });
  const text = await card.textContent();
  check('its clauses with the text\'s numbering', text.includes('附件二伍、四、(二)、3.') && text.includes('A2.5.4.2.3'), text.slice(0, 400));
  check('its fix', text.includes('改善方式'));
  check('what was found', (await card.locator('table').count()) === 1);
  check('others folded below', (await page.locator('#sc-others article').count()) > 0);
  await shot(page, 'scan-detail');
  await axe(page, 'scan detail');

  // the form: the API's refusal as it wrote it, then a waiver
  await card.locator('details.waive summary').click();
  await card.locator('button[type=submit]').click();
  await page.waitForFunction(() => document.querySelector('#sc-failing details.waive .alert:not([hidden])'));
  const refusal = await card.locator('.alert:not([hidden])').textContent();
  check('refused without a justification: the API\'s message', refusal.includes('理由') || refusal.includes('justification'), refusal);
  await card.locator('textarea').fill('legacy terminal app (UI)');
  await card.locator('input[name=approver]').fill('資安長');
  await card.locator('input[name=expires]').fill('2020-01-01');
  await card.locator('button[type=submit]').click();
  await page.waitForFunction(() => /2020-01-01/.test(document.querySelector('#sc-failing details.waive .alert:not([hidden])')?.textContent || ''));
  check('a past date refused with the API\'s message', (await card.locator('.alert:not([hidden])').textContent()).includes('2020-01-01'));
  await card.screenshot({ path: UI_SHOTS + '/scan-waive-form.png' });
  await axe(page, 'scan detail with the 豁免 form open and a refusal');
  await card.locator('input[name=expires]').fill('2099-12-31');
  await card.locator('button[type=submit]').click();
  await page.waitForFunction(() => /已登錄豁免/.test(document.querySelector('#main > .alert')?.textContent || ''));
  check('the waiver recorded (said so)', (await alertText(page)).includes('已登錄豁免'));
  const waived = page.locator('article', { hasText: CHECK });
  check('the check now shows its waiver', (await waived.textContent()).includes('不符（已豁免）') && (await waived.textContent()).includes('2099-12-31'));
  check('and no 豁免 form any more', (await waived.locator('details.waive').count()) === 0);
  await waived.screenshot({ path: UI_SHOTS + '/scan-waived-card.png' });
  check('waived failures follow the open ones', (await page.locator('#sc-failing article').last().textContent()).includes(CHECK));
  check('the counts: one waived', (await page.textContent('#sc-counts')).includes('1 已豁免'), await page.textContent('#sc-counts'));

  // English by the switch
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1').textContent.startsWith('Scan #'));
  check('English: the status and fix labels', (await page.textContent('#sc-failing')).includes('Fix') && (await page.textContent('#sc-failing')).includes('fail (waived)'));
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1').textContent.startsWith('掃描'));

  // ---- #/scans/waivers: valid, then expired too
  await page.click('nav.tabs a[href="#/scans/waivers"]');
  await page.waitForSelector('#waivers tbody tr');
  const rows = await page.locator('#waivers tbody tr').allTextContents();
  check('waivers: the valid one', rows.length === 1 && rows[0].includes(CHECK) && rows[0].includes('有效'), rows.join(' | '));
  await page.check('#sc-all');
  await page.waitForFunction(() => document.querySelectorAll('#waivers tbody tr').length === 2);
  const all = await page.locator('#waivers tbody tr').allTextContents();
  check('with the expired one, marked', all.some((r) => r.includes('linux.pam.password-history') && r.includes('已到期')), all.join(' | '));
  await shot(page, 'scan-waivers');
  await axe(page, 'scan waivers');

  // ---- the dashboard's 最近掃描
  await page.goto(UI_URL + '/#/dashboard');
  await page.waitForSelector('#sc-h');
  const panel = await page.textContent('#sc-panel');
  check('dashboard: 最近掃描 per host', panel.includes('最近掃描') && panel.includes('web01') && panel.includes('db01'), panel);
  check('dashboard: the open failures', panel.includes((open - 1) + ' 項不符'), panel);
  check('dashboard: links to the scans', (await page.locator('#sc-panel a[href="#/scans/' + SCAN_ID + '"]').count()) === 1);
  await shot(page, 'scan-dashboard');
  await axe(page, 'dashboard with the scans panel');

  // ---- a phone's width: no sideways scrolling
  const phone = await signedIn('so1', UI_PW1, { viewport: { width: 375, height: 740 } });
  for (const [path, sel, name] of [['#/scans', '#scans', 'scan-list-phone'], ['#/scans/' + SCAN_ID, '#sc-failing article', 'scan-detail-phone'],
    ['#/scans/waivers', '#waivers', 'scan-waivers-phone'], ['#/dashboard', '#sc-panel', 'scan-dashboard-phone']]) {
    await phone.goto(UI_URL + '/' + path);
    await phone.waitForSelector(sel);
    const over = await noSideScroll(phone);
    check('375 px: no sideways scrolling on ' + path, over <= 0, over);
    await shot(phone, name);
  }

  // ---- the auditor reads but gets no 豁免 form (evidence.write)
  const aud = await signedIn('aud1', UI_PW1);
  await aud.goto(UI_URL + '/#/scans/' + SCAN_ID);
  await aud.waitForSelector('#sc-failing article');
  check('auditor: the scan, without a 豁免 form', (await aud.locator('details.waive').count()) === 0);
  const r = await aud.evaluate(async () => (await fetch('/api/v1/scan-waivers', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('bs.csrf') },
    body: JSON.stringify({ host: 'web01', check_id: 'linux.pam.lockout-duration', justification: 'x', approver: 'y', expires: '2099-01-01' }) })).status);
  check('auditor: the API refuses a waiver (403)', r === 403, r);
}, 'scan');
