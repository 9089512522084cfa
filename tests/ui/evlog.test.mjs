// evlog.test.mjs - the event log page (web/page-events.js, #/events) in a real browser. Run by
// tests/cli/t0255-web-evlog.sh, which appends 120 events of type test.ui (one of them holding
// the word Needle-盤點) and passes UI_PW1 (so1, a security officer; emp1, an employee),
// EV_BUNDLE (where to save the downloaded bundle), EV_TODAY (today in Asia/Taipei, YYYY-MM-DD)
// and EV_MODE: "main" (everything) or "tampered" (the log was changed with sqlite3: the check
// says so). Prints "N passed, N failed".
import { writeFileSync } from 'node:fs';
import { UI_URL, UI_SHOTS, check, signedIn, axe, shot, alertText, run } from './lib.mjs';

const { UI_PW1, EV_BUNDLE, EV_TODAY, EV_MODE } = process.env;
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const seqs = (page) => page.locator('#lg-events tbody tr td:first-child a').allTextContents().then((a) => a.map(Number));
const settled = (page) => page.waitForFunction(() => document.querySelector('#lg-info'));

async function verify(page) {
  await page.click('#lg-verify');
  await page.waitForFunction(() => {
    const b = document.querySelector('#lg-verify');
    const r = document.querySelector('#lg-verify-result');
    return b && !b.disabled && r && !r.hidden;
  });
  return page.locator('#lg-verify-result');
}

await run(async () => {
  const page = await signedIn('so1', UI_PW1);
  await page.waitForLoadState('networkidle'); // the dashboard, where so1 lands, drawn: it cannot overwrite what follows
  if (EV_MODE === 'tampered') {
    await page.goto(UI_URL + '/#/events');
    await settled(page);
    const r = await verify(page);
    const text = await r.textContent();
    check('tampered: the check fails, in zh-TW', text.startsWith('驗證失敗'), text);
    check('tampered: the event the API names is shown', /event \d+: modified/.test(text), text);
    check('tampered: shown as an error, not a success', !(await r.getAttribute('class')).includes('ok'));
    await shot(page, 'evlog-tampered');
    return;
  }
  check('the menu has 事件日誌', (await page.locator('#nav a[href="#/events"]').textContent()) === '事件日誌');
  await page.click('#nav a[href="#/events"]');
  await page.waitForSelector('#lg-events tbody tr');
  const count = Number(await page.locator('#lg-status dd').first().textContent());
  check('status card: the count of events', count >= 120, count);
  check('status card: the last checkpoint as a <time> in Taipei, UTC in its datetime',
    (await page.locator('#lg-status time').getAttribute('datetime')).endsWith('Z'));
  check('status card: the head', (await page.locator('#lg-status code').textContent()).includes(':'));
  let first = await seqs(page);
  check('the newest first, 50 a page', first.length === 50 && first[0] > first[49], first.length);
  check('every row has its Taipei time', (await page.locator('#lg-events tbody time').count()) === 50);
  await shot(page, 'evlog-list');
  await axe(page, 'event log');

  // ---- filter by type: 120 test.ui events, 50 a page, by cursor both ways
  await page.evaluate(() => { document.querySelector('#lg-events').dataset.stale = '1'; }); // the table before the filter
  await page.fill('#lg-type', 'test.ui');
  await page.click('#lg-filter button[type=submit]');
  await page.waitForSelector('#lg-events:not([data-stale]) tbody tr');
  const types = await page.locator('#lg-events tbody tr td:nth-child(3)').allTextContents();
  check('type filter: only test.ui', types.length === 50 && types.every((x) => x === 'test.ui'), types.slice(0, 3).join(','));
  const p1 = await seqs(page);
  check('first page: newer is disabled', await page.locator('button.lg-newer').isDisabled());
  await page.click('button.lg-older');
  await page.waitForFunction((top) => Number(document.querySelector('#lg-events tbody td a').textContent) < top, p1[49]);
  const p2 = await seqs(page);
  check('page 2: 50 older ones, none of page 1', p2.length === 50 && p2[0] < p1[49], p2[0] + ' vs ' + p1[49]);
  await page.click('button.lg-older');
  await page.waitForFunction((top) => Number(document.querySelector('#lg-events tbody td a').textContent) < top, p2[49]);
  const p3 = await seqs(page);
  check('page 3: the last 20', p3.length === 20, p3.length);
  check('page 3: older is disabled (no more)', await page.locator('button.lg-older').isDisabled());
  const all = [...p1, ...p2, ...p3];
  check('the three pages: 120 events, none twice', new Set(all).size === 120);
  await page.click('button.lg-newer');
  await page.waitForFunction((top) => Number(document.querySelector('#lg-events tbody td a').textContent) > top, p3[0]);
  const back = await seqs(page);
  check('newer from page 3: page 2 again', back.join() === p2.join(), back[0] + '..' + back[back.length - 1]);

  // ---- text: one event, CJK and ASCII
  await page.fill('#lg-q', 'needle-盤點');
  await page.click('#lg-filter button[type=submit]');
  await page.waitForFunction(() => location.hash.includes('q='));
  await settled(page);
  await page.waitForFunction(() => document.querySelectorAll('#lg-events tbody tr').length === 1);
  check('text filter: the one event', (await page.locator('#lg-events tbody td.lg-msg').textContent()).includes('Needle-盤點'));

  // ---- one event in full
  await page.click('#lg-events tbody td a');
  await page.waitForSelector('#lg-detail');
  const dts = await page.locator('#lg-detail > dt').allTextContents();
  check('the event: its fields as a definition list', dts.includes('類型') && dts.includes('詳細資料') && dts.includes('時間（UTC）'), dts.join(','));
  check('the event: its data as a nested list', (await page.locator('#lg-detail dl.lg-data dt').first().textContent()) === 'n');
  check('the event: the message', (await page.locator('#lg-detail').textContent()).includes('Needle-盤點'));
  await shot(page, 'evlog-event');
  await axe(page, 'one event');
  await page.click('#lg-back');
  await page.waitForSelector('#lg-events tbody tr');
  check('back: the list with the filter kept', (await page.inputValue('#lg-q')) === 'needle-盤點');
  await page.evaluate(() => { document.querySelector('#lg-events').dataset.stale = '1'; });
  await page.click('#lg-filter button.secondary'); // clear
  await page.waitForSelector('#lg-events:not([data-stale]) tbody tr');
  check('cleared: every type again', (await seqs(page)).length === 50);

  // ---- verify
  const r = await verify(page);
  const vt = await r.textContent();
  check('verify: intact, in zh-TW, with the counts', vt.startsWith('完整：') && vt.includes('個檢查點'), vt);
  check('verify: shown as a success', (await r.getAttribute('class')).includes('ok'));
  check('verify: says the seals are checked offline with the key', await page.isVisible('#lg-verify-note'));

  // ---- export: no dates -> said; with today's dates -> a download
  await page.click('#lg-export');
  check('export without dates: says to choose them', (await page.locator('#lg-export-result').textContent()).includes('起日與迄日'));
  await page.fill('#lg-from', EV_TODAY);
  await page.fill('#lg-to', EV_TODAY);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#lg-export')]);
  check('export: a bundle named for its period', /^brokersec-events-\d{8}-\d{8}\.sqlite$/.test(dl.suggestedFilename()), dl.suggestedFilename());
  await dl.saveAs(EV_BUNDLE);
  await page.waitForFunction(() => !document.querySelector('#lg-export-result').hidden);
  check('export: the page names the file and its SHA-256', /SHA-256 [0-9a-f]{64}/.test(await page.locator('#lg-export-result').textContent()));
  await shot(page, 'evlog-verified');

  // ---- a filter the API refuses: its message as written
  await page.evaluate(() => { document.querySelector('#main h1').dataset.stale = '1'; });
  await page.goto(UI_URL + '/#/events?type=Bad%20Type');
  await page.waitForSelector('#main h1:not([data-stale])');
  await page.waitForSelector('#main .alert:not([hidden])');
  check('a bad filter: the API message shown', (await alertText(page)).includes('?type='));

  // ---- English, a phone, 200 % zoom
  await page.goto(UI_URL + '/#/events');
  await page.waitForSelector('#lg-events tbody tr');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('#main h1').textContent === 'Event log');
  check('English: the table heads', (await page.locator('#lg-events thead th').allTextContents()).join('|') === 'Seq|Time|Type|Actor|Host|Summary');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('#main h1').textContent === '事件日誌');
  for (const [w, hgt, name] of [[375, 740, 'phone'], [640, 450, 'zoom200']]) {
    await page.setViewportSize({ width: w, height: hgt });
    await page.goto(UI_URL + '/#/events');
    await page.waitForSelector('#lg-events tbody tr');
    check(name + ': no sideways scrolling of the page', (await noSideScroll(page)) <= 0, await noSideScroll(page));
    if (name === 'phone') {
      await shot(page, 'evlog-phone');
      await page.screenshot({ path: `${UI_SHOTS}/evlog-phone-top.png` }); // what the phone shows first
    }
  }
  await page.context().close();

  // ---- an employee: no menu entry, the page says so, the API refuses
  const emp = await signedIn('emp1', UI_PW1);
  check('employee: no 事件日誌 in the menu', (await emp.locator('#nav a[href="#/events"]').count()) === 0);
  await emp.waitForLoadState('networkidle'); // the own account page, where an employee lands, drawn
  await emp.waitForSelector('#main h1');
  await emp.evaluate(() => { document.querySelector('#main h1').dataset.stale = '1'; });
  await emp.goto(UI_URL + '/#/events');
  await emp.waitForSelector('#main h1:not([data-stale])');
  await emp.waitForSelector('#main .alert:not([hidden])');
  check('employee: the page says the role may not', (await alertText(emp)).includes('無權'));
  const st = await emp.evaluate(async () => (await fetch('/api/v1/events/bundle?from=2000-01-01&to=2100-01-01')).status);
  check('employee: the bundle refused (403)', st === 403, st);
  writeFileSync(EV_BUNDLE + '.done', 'ok');
}, 'evlog');
