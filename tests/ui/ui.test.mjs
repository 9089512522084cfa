// ui.test.mjs - the web UI in a real browser: Debian's chromium driven by playwright-core,
// axe-core on each main page. Run by tests/cli/t0250-web-ui.sh, which starts `serve` and
// passes: UI_URL (https://127.0.0.1:PORT), UI_ADMIN_PW (root1's one-time password),
// UI_PW0 (the initial password of lock1, emp1, rst1), UI_PW1, UI_PW2 (new passwords),
// UI_RESET_TOKEN (a reset token for rst1),
// UI_SHOTS (screenshots directory). Prints "ok"/"not ok" lines and "N passed, N failed".
import { UI_URL, UI_SHOTS, check, freshTotp, newPage, axe, shot, signIn, alertText, go, run } from './lib.mjs';

const { UI_ADMIN_PW, UI_PW0, UI_PW1, UI_PW2, UI_RESET_TOKEN } = process.env;

await run(async () => {
// ---- serving: headers, cache, CSP ----
{
  const page = await newPage();
  const r = await page.goto(UI_URL + '/');
  const hd = r.headers();
  check('index: 200 text/html', r.status() === 200 && hd['content-type'].startsWith('text/html'), r.status());
  check('index: CSP default-src self, frame-ancestors none, no unsafe-*',
    /default-src 'self'/.test(hd['content-security-policy']) && /frame-ancestors 'none'/.test(hd['content-security-policy']) &&
    !/unsafe/.test(hd['content-security-policy']), hd['content-security-policy']);
  check('index: nosniff', hd['x-content-type-options'] === 'nosniff');
  check('index: not cached (it names the hashed assets)', hd['cache-control'] === 'no-cache', hd['cache-control']);
  const html = await r.text();
  const m = html.match(/\/assets\/([0-9a-f]{32})\/app\.js/);
  check('index: asset URLs carry a content hash', !!m, html.slice(0, 400));
  const a = await page.request.get(UI_URL + m[0]);
  check('asset: cached a year, immutable', /max-age=31536000/.test(a.headers()['cache-control']) && /immutable/.test(a.headers()['cache-control']), a.headers()['cache-control']);
  check('asset: JavaScript type', a.headers()['content-type'].startsWith('text/javascript'));
  const old = await page.request.get(UI_URL + '/assets/' + '0'.repeat(32) + '/app.js');
  check('asset under another hash: 404', old.status() === 404, old.status());
  const unk = await page.request.get(UI_URL + '/registers');
  check('unknown path: 404 (client routes are #/...)', unk.status() === 404, unk.status());
  await page.context().close();
}

// ---- sign-in with lockout (lock1, employee) ----
{
  const page = await newPage();
  await signIn(page, 'lock1', 'Wrong-Password-000');
  const msg = await alertText(page);
  check('wrong password: the API message shown in zh-TW framing', msg.startsWith('登入失敗') && msg.includes('sign-in failed'), msg);
  check('signed out: no sign-out button, no menu', !(await page.isVisible('#signout')) && (await page.locator('#nav a').count()) === 0);
  await shot(page, 'signin-failed');
  await axe(page, 'sign-in');
  for (let i = 0; i < 4; i++) {
    await page.fill('#password', 'Wrong-Password-00' + i);
    await page.click('#signin button[type=submit]');
    await page.waitForFunction(() => !document.querySelector('#signin button').disabled);
  }
  await page.fill('#password', UI_PW0);
  await page.click('#signin button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#signin button').disabled);
  const locked = await alertText(page);
  check('after 5 failures the right password is refused (locked), same message', locked === msg, locked);
  check('still on the sign-in page', await page.locator('#signin').count() === 1);
  await page.context().close();
}

// ---- a reset token (rst1): the link from sign-in, a weak password refused, then set, once ----
{
  const page = await newPage();
  await page.goto(UI_URL + '/');
  await page.click('#to-reset');
  await page.waitForSelector('#reset');
  await page.fill('#token', UI_RESET_TOKEN);
  await page.fill('#reset_new', 'short');
  await page.fill('#reset_new2', 'short');
  await page.click('#reset button');
  await page.waitForFunction(() => !document.querySelector('#reset button').disabled);
  const weak = await alertText(page);
  check('reset: a weak password refused with the API message', /A2\.5\.4\.2\.4/.test(weak), weak);
  await page.fill('#reset_new', UI_PW2);
  await page.fill('#reset_new2', UI_PW2);
  await page.click('#reset button');
  await page.waitForFunction(() => !document.querySelector('#reset button').disabled);
  check('reset: done', (await alertText(page)).includes('請以新密碼登入'));
  await shot(page, 'reset');
  await axe(page, 'reset');
  await page.fill('#token', UI_RESET_TOKEN);
  await page.fill('#reset_new', UI_PW1);
  await page.fill('#reset_new2', UI_PW1);
  await page.click('#reset button');
  await page.waitForFunction(() => !document.querySelector('#reset button').disabled);
  check('reset: the token works once', !(await alertText(page)).includes('請以新密碼登入'), await alertText(page));
  await signIn(page, 'rst1', UI_PW2);
  await page.waitForSelector('#me-user');
  check('reset: the new password signs in', (await page.textContent('#me-user')) === 'rst1');
  await page.context().close();
}

// ---- first sign-in of the admin: change, TOTP enrolment, dashboard ----
let adminSecret;
{
  const page = await newPage();
  await page.goto(UI_URL + '/');
  // by keyboard only: the skip link, then the form's fields in order
  await page.waitForSelector('#signin');
  // focus starts on the page's heading (each page moves it there); Tab goes on to the form
  check('keyboard: the heading has focus', await page.evaluate(() => document.activeElement.tagName) === 'H1');
  await page.keyboard.press('Tab');
  check('keyboard: Tab reaches the username', await page.evaluate(() => document.activeElement.id) === 'username');
  await page.keyboard.type('root1');
  await page.keyboard.press('Tab');
  await page.keyboard.type(UI_ADMIN_PW);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#password-form');
  check('first sign-in: the change page', (await page.textContent('h1')).includes('首次登入'));
  await shot(page, 'first-change');
  await axe(page, 'first-login change');
  await page.fill('#current_password', UI_ADMIN_PW);
  await page.fill('#new_password', UI_PW1);
  await page.fill('#new_password2', UI_PW2);
  await page.click('#password-form button');
  check('typing slip caught before sending', (await alertText(page)).includes('不同'));
  await page.fill('#new_password', 'short');
  await page.fill('#new_password2', 'short');
  await page.click('#password-form button');
  await page.waitForFunction(() => !document.querySelector('#password-form button').disabled);
  const weak = await alertText(page);
  check('a weak password: the API says why', /A2\.5\.4\.2\.4/.test(weak) && !weak.includes('不同'), weak);
  await page.fill('#new_password', UI_PW1);
  await page.fill('#new_password2', UI_PW1);
  await page.click('#password-form button');
  await page.waitForSelector('#totp-start');
  await page.fill('#totp_password', UI_PW1);
  await page.click('#totp-start button');
  await page.waitForSelector('#totp-secret');
  adminSecret = (await page.textContent('#totp-secret')).trim();
  await shot(page, 'totp-enrol');
  await page.fill('#code', '000000');
  await page.click('#totp-confirm button');
  await page.waitForFunction(() => !document.querySelector('#totp-confirm button').disabled);
  check('a wrong TOTP code: refused with the API message', (await alertText(page)).length > 0);
  await page.fill('#code', await freshTotp(adminSecret));
  await page.click('#totp-confirm button');
  await page.waitForSelector('svg.chart');
  check('after enrolment: the dashboard', (await page.textContent('h1')) === '總覽');
  const bars = await page.locator('svg.chart rect').count();
  check('dashboard: the chart has bars', bars > 10, bars);
  check('dashboard: overdue deadlines listed', await page.locator('#od-h').count() === 1 &&
    (await page.locator('section[aria-labelledby=od-h] li').count()) > 0);
  check('dashboard: event log state', (await page.textContent('section[aria-labelledby=ev-h]')).includes('無警示'));
  check('dashboard: open findings panel (none yet)', (await page.textContent('section[aria-labelledby=fd-h]')).includes('無未結案'));
  await shot(page, 'dashboard');
  await axe(page, 'dashboard');
  // the deadlines page, from the dashboard's numbers
  await page.goto(UI_URL + '/#/due?status=overdue');
  await page.waitForSelector('#duties');
  const rowsDue = await page.locator('#duties tbody tr').count();
  check('deadlines page: the overdue duties listed', rowsDue > 0 && (await page.textContent('#du-pageinfo')).includes('共'), rowsDue);
  check('deadlines page: every row overdue', (await page.locator('#duties tbody td:nth-child(2)').allTextContents()).every((x) => x === '已逾期'));
  await shot(page, 'due');
  await axe(page, 'deadlines');
  await page.context().close();
}

// ---- the admin again: TOTP at sign-in; registers round trip; controls; English ----
{
  const page = await newPage();
  await signIn(page, 'root1', UI_PW1);
  check('admin without a TOTP code: refused', (await alertText(page)).includes('登入失敗'));
  await page.fill('#totp', await freshTotp(adminSecret));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('svg.chart');
  // a measurement, printed (not a check: the suite's machine is shared): a fresh load of the
  // dashboard until its chart is drawn, and the browser's first contentful paint
  await page.reload();
  await page.waitForSelector('svg.chart');
  const perf = await page.evaluate(() => ({ fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    now: performance.now() }));
  console.log(`# dashboard load: first contentful paint ${Math.round(perf.fcp)} ms, chart drawn by ${Math.round(perf.now)} ms`);
  await page.goto(UI_URL + '/#/registers/asset');
  await page.waitForSelector('#records');
  await page.click('text=新增');
  await page.waitForSelector('#record');
  await page.click('#record button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#record button').disabled);
  const req = await alertText(page);
  check('register add without the required name: the API names the field', req.includes("'name'") || req.includes('name'), req);
  await page.fill('#f-name', '核心資料庫伺服器');
  await page.selectOption('#f-kind', 'hardware');
  await page.fill('#f-owner', '資訊室');
  await page.click('#record button[type=submit]');
  await page.waitForSelector('#history li');
  check('register add: saved and shown', (await alertText(page)) === '已儲存' && (await page.inputValue('#f-name')) === '核心資料庫伺服器');
  const url = page.url();
  await page.fill('#f-owner', '資安專責人員');
  await page.click('#record button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#history li').length >= 2);
  check('register edit: history has two entries', (await page.locator('#history li').count()) >= 2);
  check('register edit: stored', (await page.inputValue('#f-owner')) === '資安專責人員');
  await shot(page, 'register-record');
  page.once('dialog', (d) => d.accept());
  await page.click('button.danger');
  await page.waitForFunction(() => document.querySelector('button.danger').disabled);
  check('register archive: done', (await page.textContent('h1')).includes('已封存'));
  await page.goto(UI_URL + '/#/registers/asset');
  await page.waitForSelector('#records');
  check('archived record not in the list', !(await page.textContent('#records')).includes('核心資料庫伺服器'));
  await page.check('#all');
  await page.waitForFunction(() => document.querySelector('#records').textContent.includes('核心資料庫伺服器'));
  check('with archived ones: listed', true);
  await page.fill('#q', '不存在的字');
  await page.click('form[role=search] button');
  await page.waitForFunction(() => document.querySelector('#pageinfo').textContent.includes('共 0 筆'));
  check('search with no match: 0 rows', true);
  // CSV: a bad file lists every problem and imports nothing; a good one imports; the export
  // is a download of the same rows
  await go(page, '#/registers/person'); // the asset list has #records and the CSV form too
  await page.waitForSelector('#records');
  await page.click('details.csv summary');
  await page.setInputFiles('#csvfile', { name: 'bad.csv', mimeType: 'text/csv',
    buffer: Buffer.from('name,role,hired\n趙,security,2020-01-01\n錢,boss,2020-01-01\n孫,it,2021-02-29\n') });
  await page.click('#csv-import button[type=submit]');
  await page.waitForSelector('#csv-problems li');
  const probs = await page.locator('#csv-problems li').allTextContents();
  check('CSV import: every problem listed by line', probs.length === 2 && probs[0].startsWith('bad.csv:3:') &&
    probs[1].startsWith('bad.csv:4:'), probs.join(' | '));
  check('CSV import: nothing imported (the two people of the setup only)', (await page.textContent('#pageinfo')).includes('共 2 筆'));
  await shot(page, 'registers-csv-problems');
  await page.setInputFiles('#csvfile', { name: 'people.csv', mimeType: 'text/csv',
    buffer: Buffer.from('name,role,hired\n王小明,security,2020-01-01\n李美麗,general,2024-03-01\n') });
  await page.click('#csv-import button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#pageinfo').textContent.includes('共 4 筆'));
  check('CSV import: the rows listed, and said', (await page.textContent('#records')).includes('王小明') &&
    (await alertText(page)).includes('已匯入 2 筆'));
  await page.click('details.csv summary');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv-export')]);
  const csv = (await (await import('node:fs/promises')).readFile(await dl.path(), 'utf8'));
  check('CSV export: a download named for the register', dl.suggestedFilename() === 'brokersec-person.csv', dl.suggestedFilename());
  check('CSV export: the rows', csv.startsWith('id,') && csv.includes('王小明') && csv.includes('\r\n'), csv.slice(0, 200));
  const regs = await (await page.request.get(UI_URL + '/api/v1/registers')).json();
  const roleLabel = regs.registers.find((r) => r.name === 'person').fields.find((f) => f.name === 'role').value_labels.security['zh-TW'];
  check('enum values by their zh-TW labels', roleLabel && roleLabel !== 'security' &&
    (await page.textContent('#records')).includes(roleLabel) && !(await page.textContent('#records')).includes('security'), roleLabel);
  // 民國 dates: the switch in the header, kept
  check('dates as stored by default', (await page.textContent('#records')).includes('2020-01-01'));
  await page.click('#roc');
  await page.waitForFunction(() => document.querySelector('#records') && document.querySelector('#records').textContent.includes('民國109年01月01日'));
  check('民國 switch: hire dates in 民國 years', (await page.getAttribute('#roc', 'aria-pressed')) === 'true');
  await shot(page, 'registers');
  await axe(page, 'registers');
  await page.click('#roc');
  await page.waitForFunction(() => document.querySelector('#records').textContent.includes('2020-01-01'));
  // the printable table: every record on paper, the header row on each page
  await page.click('text=列印版');
  await page.waitForSelector('#print-table');
  check('print view: every record', (await page.locator('#print-table tbody tr').count()) === 4);
  await page.emulateMedia({ media: 'print' });
  check('print view: the menu and buttons are not printed', !(await page.isVisible('header.top')) && !(await page.isVisible('.noprint')));
  await page.pdf({ path: `${UI_SHOTS}/registers-print.pdf`, format: 'A4' });
  await page.emulateMedia({ media: 'screen' });
  check('record page reachable by its URL', url.includes('#/registers/asset/'), url);

  await page.goto(UI_URL + '/#/controls');
  await page.waitForSelector('#c-SR\\.1');
  const sr1 = await page.textContent('#c-SR\\.1');
  check('controls: verbatim zh-TW text of SR.1', sr1.includes('中華民國保險經紀人商業同業公會（以下簡稱本公會）'), sr1.slice(0, 200));
  check('controls: its English beside it', sr1.includes('Insurance Brokers Association'));
  await page.goto(UI_URL + '/#/controls?q=SR.4.5');
  await page.waitForSelector('#c-SR\\.4\\.5');
  check('controls: the text\'s own numbering beside the id', (await page.textContent('#c-SR\\.4\\.5 .num')).includes('第四條第五款'),
    await page.textContent('#c-SR\\.4\\.5 h2'));
  await page.goto(UI_URL + '/#/controls');
  await page.waitForSelector('#c-SR\\.1');
  await shot(page, 'controls');
  await axe(page, 'controls');
  await page.selectOption('#cstate', 'not_met');
  await page.click('form[role=search] button');
  await page.waitForFunction(() => location.hash.includes('state=not_met') && document.querySelector('#cstate').value === 'not_met'
    && !document.querySelector('#ccount').textContent.startsWith(document.querySelector('#ccount').textContent.split(' / ')[1]));
  const n = await page.locator('article.control').count();
  const badges = await page.locator('article.control .badge').allTextContents();
  check('controls: filter by status', n > 0 && badges.every((b) => b === '不符合'), badges.join(','));

  await page.click('#lang');
  await page.goto(UI_URL + '/#/dashboard');
  await page.reload();
  await page.waitForSelector('svg.chart');
  check('English kept across a reload', (await page.textContent('h1')) === 'Dashboard');
  await shot(page, 'dashboard-en');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1').textContent === '總覽');
  check('switch back to zh-TW', true);

  // the phone and 200 % zoom: no sideways scrolling of the page
  for (const [w, hgt, name] of [[375, 740, 'phone'], [640, 450, 'zoom200']]) {
    await page.setViewportSize({ width: w, height: hgt });
    for (const p of ['dashboard', 'registers/asset', 'controls']) {
      await page.goto(UI_URL + '/#/' + p);
      await page.waitForSelector('h1');
      await page.waitForTimeout(300);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      check(`${name}: ${p} fits the width`, over <= 1, over);
      if (p === 'dashboard') await shot(page, 'dashboard-' + name);
    }
  }
  await page.context().close();
}

// ---- an employee: own account only; direct calls for others' records refused ----
{
  const page = await newPage();
  await signIn(page, 'emp1', UI_PW0);
  await page.waitForSelector('#password-form');
  await page.fill('#current_password', UI_PW0);
  await page.fill('#new_password', UI_PW1);
  await page.fill('#new_password2', UI_PW1);
  await page.click('#password-form button');
  await page.waitForSelector('#me-user');
  check('employee: lands on the own account', (await page.textContent('#me-user')) === 'emp1');
  await page.waitForSelector('#tr-hours');
  check('employee: the own training hours (9, 6 professional)', /已受訓 9 小時.*專業課程 6 小時/.test(await page.textContent('#tr-hours')),
    await page.textContent('#tr-hours'));
  const courses = await page.textContent('#tr-table');
  check('employee: the own courses, not a colleague\'s', courses.includes('滲透測試實務') && !courses.includes('同事的秘密課程'), courses);
  check('employee: what they must do (security staff: 12 h of professional courses)',
    (await page.locator('#tr-todo li').count()) > 0, await page.textContent('section[aria-labelledby=tr-h]'));
  const nav = await page.locator('#nav a').allTextContents();
  check('employee: the menu has the account only', nav.length === 1 && nav[0] === '我的帳號', nav.join(','));
  await shot(page, 'employee-account');
  await axe(page, 'employee account');
  await page.goto(UI_URL + '/#/registers/training');
  await page.waitForSelector('.alert:not([hidden])');
  check('employee: a register page by URL says it is not allowed', (await alertText(page)).includes('無權'));
  const answers = await page.evaluate(async () => {
    const csrf = sessionStorage.getItem('bs.csrf');
    const get = async (p) => (await fetch('/api/v1' + p)).status;
    const post = await fetch('/api/v1/registers/training', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: '{}' });
    return { users: await get('/users'), root: await get('/users/root1'), training: await get('/registers/training'),
      person: await get('/registers/person'), status: await get('/status'), post: post.status, me: await get('/me'),
      mytraining: await get('/me/training') };
  });
  check('employee: own account and own training readable', answers.me === 200 && answers.mytraining === 200, JSON.stringify(answers));
  check('employee: direct calls for others\' records refused (403)',
    ['users', 'root', 'training', 'person', 'status', 'post'].every((k) => answers[k] === 403), JSON.stringify(answers));
  await page.click('#signout');
  await page.waitForSelector('#signin');
  const after = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  check('signed out: the session is gone', after === 401, after);
  await page.context().close();
}

}, 'ui');
