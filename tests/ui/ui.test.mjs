// ui.test.mjs - the web UI in a real browser: Debian's chromium driven by playwright-core,
// axe-core on each main page. Run by tests/cli/t0250-web-ui.sh, which starts `serve` and
// passes: UI_URL (https://127.0.0.1:PORT), UI_ADMIN_PW (root1's one-time password),
// UI_PW0 (the initial password of lock1, emp1, rst1), UI_PW1, UI_PW2 (new passwords),
// UI_RESET_TOKEN (a reset token for rst1),
// UI_SHOTS (screenshots directory). Prints "ok"/"not ok" lines and "N passed, N failed".
import { UI_URL, check, freshTotp, newPage, axe, shot, signIn, alertText, run } from './lib.mjs';

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
  await shot(page, 'dashboard');
  await axe(page, 'dashboard');
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
  await page.goto(UI_URL + '/#/registers/person');
  await page.waitForSelector('#records');
  await shot(page, 'registers');
  await axe(page, 'registers');
  check('record page reachable by its URL', url.includes('#/registers/asset/'), url);

  await page.goto(UI_URL + '/#/controls');
  await page.waitForSelector('#c-SR\\.1');
  const sr1 = await page.textContent('#c-SR\\.1');
  check('controls: verbatim zh-TW text of SR.1', sr1.includes('中華民國保險經紀人商業同業公會（以下簡稱本公會）'), sr1.slice(0, 200));
  check('controls: its English beside it', sr1.includes('Insurance Brokers Association'));
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
      person: await get('/registers/person'), status: await get('/status'), post: post.status, me: await get('/me') };
  });
  check('employee: own account readable', answers.me === 200, JSON.stringify(answers));
  check('employee: direct calls for others\' records refused (403)',
    ['users', 'root', 'training', 'person', 'status', 'post'].every((k) => answers[k] === 403), JSON.stringify(answers));
  await page.click('#signout');
  await page.waitForSelector('#signin');
  const after = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
  check('signed out: the session is gone', after === 401, after);
  await page.context().close();
}

}, 'ui');
