// users.test.mjs - the accounts (#/users), policy (#/policy) and API-token (#/tokens) pages in a
// real browser. Run by tests/cli/t0256-web-users.sh, which starts `serve` and passes: UI_URL,
// UI_SHOTS, UI_PW0 (initial password of it9, boss2), UI_PW1 (password of adm2 and so1), UI_PW2,
// UI_ADM_SECRET (adm2's TOTP seed), UI_ADM_STEP (the TOTP step its set-up used).
import { UI_URL, check, freshTotp, newPage, signedIn, signIn, axe, shot, alertText, go, run } from './lib.mjs';

const { UI_PW0, UI_PW1, UI_PW2, UI_ADM_SECRET, UI_ADM_STEP } = process.env;

// no sideways scrolling of the page at a phone's width and at 200 % zoom (640 px)
async function fits(page, path, sel, name) {
  for (const [w, hgt, tag] of [[375, 740, 'phone'], [640, 450, 'zoom200']]) {
    await page.setViewportSize({ width: w, height: hgt });
    await page.goto(UI_URL + '/#/' + path);
    await page.waitForSelector(sel);
    await page.waitForTimeout(200);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(`${tag}: ${path} fits the width`, over <= 1, over);
    if (tag === 'phone') await shot(page, name + '-phone');
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

// a direct call from inside the page, as any script there could make it
const call = (page, method, path, body) => page.evaluate(async ([m, p, b]) => {
  const r = await fetch('/api/v1' + p, { method: m, headers: { 'Content-Type': 'application/json',
    'X-CSRF-Token': sessionStorage.getItem('bs.csrf') }, body: b === undefined ? undefined : JSON.stringify(b) });
  return r.status;
}, [method, path, body]);

await run(async () => {
// ---- the security officer (no second factor needed): docs/roles.md's view ----
{
  const page = await signedIn('so1', UI_PW1);
  const nav = await page.locator('#nav a').allTextContents();
  check('security officer: 帳號, 政策 and API 符記 in the menu', ['帳號', '政策', 'API 符記'].every((x) => nav.includes(x)), nav.join(','));
  await page.goto(UI_URL + '/#/users');
  await page.waitForSelector('#users');
  check('security officer: the list', (await page.textContent('#users')).includes('it9'));
  check('security officer: no add form (users.write is the admin\'s)', await page.locator('#us-add').count() === 0);
  await shot(page, 'users-so');
  await axe(page, 'accounts (security officer)');
  await page.click('#us-row-it9 a');
  await page.waitForSelector('#us-detail');
  check('security officer on IT staff: a reset offered', await page.locator('#us-do-reset').count() === 1);
  check('security officer on IT staff: no role, disable, delete',
    await page.locator('#us-role-form, #us-do-disable, #us-do-delete, #us-do-enable').count() === 0);
  await go(page, '#/users/boss2'); // from it9's page: both have #us-detail
  await page.waitForSelector('#us-detail');
  check('security officer on an admin: nothing offered', await page.locator('#us-no-actions').count() === 1 &&
    await page.locator('#us-actions').count() === 0);
  await shot(page, 'users-so-admin');
  const refused = { disable: await call(page, 'PATCH', '/users/it9', { state: 'disabled' }),
    create: await call(page, 'POST', '/users', { username: 'sneaky', role: 'employee' }),
    resetAdmin: await call(page, 'POST', '/users/boss2/reset'), del: await call(page, 'DELETE', '/users/it9') };
  check('security officer: what is hidden is refused by the API (403)', Object.values(refused).every((s) => s === 403), JSON.stringify(refused));
  await page.goto(UI_URL + '/#/policy');
  await page.waitForSelector('#policy');
  check('security officer: the policy is editable (policy.write)', await page.locator('input.po-input').count() > 5);
  await page.goto(UI_URL + '/#/account');
  await page.waitForSelector('#me-user');
  check('the account page links to the own API tokens', await page.locator('#me-tokens').count() === 1);
  await page.click('#me-tokens');
  await page.waitForSelector('#tokens');
  check('security officer: own tokens only', !(await page.textContent('#main')).includes('tokens.manage'));
  await page.context().close();
}

// ---- the admin: the second factor's next code ----
while (Math.floor(Date.now() / 30000) <= Number(UI_ADM_STEP)) await new Promise((r) => setTimeout(r, 500));
const page = await newPage();
await signIn(page, 'adm2', UI_PW1, await freshTotp(UI_ADM_SECRET));
await page.waitForSelector('#nav a');

// ---- accounts: add (the one-time password once), role, reset, disable/enable ----
{
  await page.goto(UI_URL + '/#/users');
  await page.waitForSelector('#users');
  check('admin: the add form', await page.locator('#us-add').count() === 1);
  check('admin: every role can be given', (await page.locator('#us-a-role option').count()) === 5);
  await page.fill('#us-a-username', 'newemp');
  await page.fill('#us-a-full', '王小明');
  await page.selectOption('#us-a-role', 'employee');
  await page.click('#us-add button[type=submit]');
  await page.waitForSelector('#us-otp');
  const otp = (await page.textContent('#us-otp')).trim();
  check('add: the one-time password shown', otp.length >= 16, otp);
  check('add: with the warning that it is shown once', (await page.textContent('#us-otp-h')).includes('只顯示這一次') &&
    (await page.textContent('section.once .alert')).includes('無法再取得'));
  await shot(page, 'users-add-otp');
  await axe(page, 'accounts (admin, a new password shown)');
  check('add: the new account in the list, said so', (await page.textContent('#users')).includes('newemp') &&
    (await alertText(page)).includes('已建立帳號 newemp'));
  await page.fill('#us-a-username', 'newemp');
  await page.click('#us-add button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#us-add button').disabled);
  check('add the same name again: the API refusal shown', (await page.locator('section[aria-labelledby=us-add-h] .alert').first().textContent()).includes('newemp'));
  await page.goto(UI_URL + '/#/policy');
  await page.waitForSelector('#policy');
  await page.goto(UI_URL + '/#/users');
  await page.waitForSelector('#users');
  check('the one-time password is not shown again', await page.locator('#us-otp').count() === 0 &&
    !(await page.textContent('body')).includes(otp));
  // the password works once, for the person: the first sign-in asks for a new one
  {
    const p2 = await newPage();
    await signIn(p2, 'newemp', otp);
    await p2.waitForSelector('#password-form');
    check('the one-time password signs in, straight to the change', (await p2.textContent('h1')).includes('首次登入'));
    await p2.context().close();
  }
  await page.click('#us-row-newemp a');
  await page.waitForSelector('#us-detail');
  check('admin on an employee: role, disable, reset, delete offered',
    await page.locator('#us-role-form').count() === 1 && await page.locator('#us-do-disable, #us-do-reset, #us-do-delete').count() === 3);
  check('the account page shows no stray value', !(await page.textContent('#main')).includes('null'));
  await page.selectOption('#us-role-new', 'it_staff');
  await page.click('#us-role-form button');
  await page.waitForFunction(() => document.querySelector('#us-role').textContent.includes('it_staff'));
  check('role changed, said so', (await alertText(page)).includes('已完成'));
  await page.click('#us-do-reset');
  await page.waitForSelector('#us-reset-token');
  const tok = (await page.textContent('#us-reset-token')).trim();
  check('reset: the token shown once with the re-identification warning', /^[0-9a-f]{64}$/.test(tok) &&
    (await page.textContent('section.once .alert')).includes('確認本人身分'), tok);
  await shot(page, 'users-reset');
  await axe(page, 'account (admin, a reset token shown)');
  const used = await page.request.post(UI_URL + '/api/v1/password-reset', { data: { token: tok, new_password: UI_PW2 } });
  check('the reset token works', used.status() === 200, used.status());
  page.once('dialog', (d) => d.accept());
  await page.click('#us-do-disable');
  await page.waitForFunction(() => document.querySelector('#us-state').textContent.includes('停用'));
  check('disabled; enable offered instead', await page.locator('#us-do-enable').count() === 1 && await page.locator('#us-do-disable').count() === 0);
  await page.click('#us-do-enable');
  await page.waitForFunction(() => document.querySelector('#us-state').textContent.includes('啟用'));
  check('enabled again', true);
  await go(page, '#/users/adm2'); // from newemp's page: both have #us-detail
  await page.waitForSelector('#us-detail');
  check('admin on itself: nothing offered (the own account changes through /me)', await page.locator('#us-no-actions').count() === 1);
  await page.goto(UI_URL + '/#/users');
  await page.waitForSelector('#users');
  await shot(page, 'users');
  await fits(page, 'users', '#users', 'users');
  await fits(page, 'users/newemp', '#us-detail', 'user');
}

// ---- the policy: tighten, a looser value refused with its clause ----
{
  await page.goto(UI_URL + '/#/policy');
  await page.waitForSelector('#policy');
  const row = await page.textContent('#po-row-lockout-minutes');
  check('policy: the regulation\'s number and clause beside the value', row.includes('15') && row.includes('附件二伍、四') && row.includes('A2.5.4.2.3'), row);
  await page.fill('input[name="lockout.minutes"]', '30');
  await page.click('#policy-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#main .alert.ok'));
  check('tighten: saved, said so', (await alertText(page)).includes('lockout.minutes 15 → 30'));
  check('tighten: the value in force', (await page.inputValue('input[name="lockout.minutes"]')) === '30');
  await page.fill('input[name="lockout.minutes"]', '10');
  await page.click('#policy-form button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#policy-form button').disabled);
  const msg = await alertText(page);
  check('loosen: refused with the API message naming the clause', msg.includes('A2.5.4.2.3') && !msg.includes('已更新'), msg);
  const pol = await page.evaluate(async () => (await (await fetch('/api/v1/policy')).json())['lockout.minutes']);
  check('loosen: nothing stored', pol === 30, pol);
  await shot(page, 'policy');
  await axe(page, 'policy');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1').textContent === 'Password, lockout and session policy');
  check('policy in English: the clause in English', (await page.textContent('#po-row-lockout-minutes')).includes('Annex 2'));
  await shot(page, 'policy-en');
  await page.click('#lang');
  await page.waitForFunction(() => document.querySelector('h1').textContent === '密碼、鎖定與連線政策');
  await fits(page, 'policy', '#policy', 'policy');
}

// ---- API tokens: create (shown once), use, revoke ----
{
  await page.goto(UI_URL + '/#/tokens');
  await page.waitForSelector('#tk-form');
  check('tokens: a scope offered per permission a token can carry', await page.locator('#tk-form input[name=scope]').count() >= 5);
  await page.click('#tk-form button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#tk-form button').disabled);
  check('tokens: no scope chosen, the API says so', (await alertText(page)).includes('events.append'));
  await page.check('#tk-s-events-read');
  await page.fill('#tk-days', '30');
  await page.click('#tk-form button[type=submit]');
  await page.waitForSelector('#tk-new');
  const tok = (await page.textContent('#tk-new')).trim();
  check('tokens: the new token shown, once, with the warning', tok.startsWith('bst_') && (await page.textContent('#tk-new-box')).includes('只顯示這一次'), tok);
  await shot(page, 'tokens-new');
  await axe(page, 'tokens (a new token shown)');
  const bearer = { headers: { Authorization: 'Bearer ' + tok } };
  check('tokens: it reads /events/status', (await page.request.get(UI_URL + '/api/v1/events/status', bearer)).status() === 200);
  const id = (await page.textContent('#tokens tbody tr:first-child td:first-child')).trim();
  check('tokens: listed without the token', !(await page.textContent('#tokens')).includes(tok));
  page.once('dialog', (d) => d.accept());
  await page.click(`#tk-row-${id} button.danger`);
  await page.waitForFunction((i) => document.querySelector('#tk-row-' + i + ' .tk-state')?.textContent === '已撤銷', id);
  check('tokens: revoked, said so', (await alertText(page)).includes('已撤銷符記 ' + id));
  check('tokens: the new token is not shown again', await page.locator('#tk-new').count() === 0);
  check('tokens: a revoked token is refused (401)', (await page.request.get(UI_URL + '/api/v1/events/status', bearer)).status() === 401);
  await shot(page, 'tokens');
  await axe(page, 'tokens');
  await fits(page, 'tokens', '#tokens', 'tokens');
}
await page.context().close();
}, 'users');
