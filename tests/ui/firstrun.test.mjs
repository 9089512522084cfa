// The first run (issue 21), started by tests/cli/t0259-web-first-run.sh: `make run`'s script
// on a fresh data directory printed FR_USER and the one-time password FR_PW on its sign-in
// screen. A newcomer signs in with them, must change the password (to UI_PW1) and set up
// TOTP, and lands on a dashboard that already shows this host's scan (FR_HOST). Prints
// "N passed, N failed".
import { UI_URL, check, newPage, axe, shot, alertText, freshTotp, run } from './lib.mjs';

const { FR_USER, FR_PW, FR_OLD_PW, UI_PW1, FR_HOST } = process.env;

await run(async () => {
  const page = await newPage();
  await page.goto(UI_URL + '/');
  await page.waitForSelector('#signin');
  await shot(page, 'firstrun-signin');

  // the password of an earlier start stopped working when the server showed a new one
  await page.fill('#username', FR_USER);
  await page.fill('#password', FR_OLD_PW);
  await page.click('#signin button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#signin button[type=submit]').disabled
    && document.querySelector('#main .alert:not([hidden])'));
  check('the previous start\'s one-time password is refused', (await alertText(page)).length > 0, await alertText(page));

  await page.fill('#username', FR_USER);
  await page.fill('#password', FR_PW);
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#password-form');
  check('the printed password signs in: the first-login change page', (await page.textContent('h1')).includes('首次登入'));
  await page.fill('#current_password', FR_PW);
  await page.fill('#new_password', UI_PW1);
  await page.fill('#new_password2', UI_PW1);
  await page.click('#password-form button');
  await page.waitForSelector('#totp-start');
  check('then the second factor, required of an administrator', (await page.locator('#totp-start').count()) === 1);
  await page.fill('#totp_password', UI_PW1);
  await page.click('#totp-start button');
  await page.waitForSelector('#totp-secret');
  const secret = (await page.textContent('#totp-secret')).trim();
  await page.fill('#code', await freshTotp(secret));
  await page.click('#totp-confirm button');
  await page.waitForSelector('svg.chart');
  check('then the dashboard', (await page.textContent('h1')) === '總覽');

  // this host's scan, made by make run before serving
  await page.waitForSelector('#sc-panel');
  const hosts = await page.locator('#sc-panel li a').allTextContents();
  check('the dashboard shows this host\'s scan', hosts.includes(FR_HOST), hosts.join(','));
  const fails = await page.locator('#sc-panel li', { hasText: FR_HOST }).textContent();
  check('with its failing checks counted', /\d/.test(fails), fails);
  await shot(page, 'firstrun-dashboard');
  await axe(page, 'first-run dashboard');
  await page.click(`#sc-panel li a:text("${FR_HOST}")`);
  await page.waitForFunction(() => location.hash.startsWith('#/scans/'));
  await page.waitForSelector('h2');
  check('the scan opens with its checks', (await page.textContent('#main')).includes(FR_HOST));
  await shot(page, 'firstrun-scan');
}, 'firstrun');
