// lib.mjs - what every browser test shares: Debian's chromium through playwright-core, the
// check counter, axe-core, screenshots, sign-in, TOTP codes. A test file imports these and
// ends with `await done()`, which prints "N passed, N failed" (the shell script reads it).
// Environment (tests/cli/t02-web.inc sets it): UI_URL (https://127.0.0.1:PORT), UI_SHOTS.
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const { UI_URL, UI_SHOTS } = process.env;
mkdirSync(UI_SHOTS, { recursive: true });
let pass = 0, fail = 0;
let lastPage = null;
const problems = []; // console errors (a CSP violation is one) and uncaught exceptions, all pages

export function check(name, cond, detail) {
  if (cond) { pass++; return; }
  fail++;
  console.log('not ok: ' + name + (detail === undefined ? '' : '\n  ' + String(detail).slice(0, 600)));
}

export function totp(secret) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/=+$/, '')) bits += alpha.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const ctr = Buffer.alloc(8);
  ctr.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const hm = createHmac('sha1', key).update(ctr).digest();
  const o = hm[19] & 15;
  return String((hm.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

// A code not used yet: the server takes each code once (replay), so wait for the next window.
let lastCode = '';
export async function freshTotp(secret) {
  while (totp(secret) === lastCode) await new Promise((r) => setTimeout(r, 500));
  lastCode = totp(secret);
  return lastCode;
}

export const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

export async function newPage(opts = {}) {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'zh-TW', viewport: { width: 1280, height: 900 }, ...opts });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    // a refused request (4xx) is logged by the browser; those are the tests' own doing
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.setDefaultTimeout(10000);
  lastPage = page;
  return page;
}

export async function axe(page, name) {
  await page.evaluate(AXE);
  const r = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id + ': ' + v.nodes.length));
  check('axe: no serious or critical violations on ' + name, r.length === 0, r.join('; '));
}

export async function shot(page, name) {
  await page.screenshot({ path: `${UI_SHOTS}/${name}.png`, fullPage: true });
}

export async function signIn(page, user, pw, code) {
  await page.goto(UI_URL + '/');
  await page.fill('#username', user);
  await page.fill('#password', pw);
  if (code) await page.fill('#totp', code);
  await page.click('#signin button[type=submit]');
}

// Signs in and waits until the menu is there (an account with no change or TOTP due).
export async function signedIn(user, pw, opts) {
  const page = await newPage(opts);
  await signIn(page, user, pw);
  await page.waitForSelector('#nav a');
  return page;
}

// Opens the route hash ('#/registers/person') and waits until its page has drawn: the
// heading of the page left behind is marked first, so a selector both pages have cannot be
// met by the old one (a hash change leaves it up until the new page replaces it).
export async function go(page, hash) {
  await page.evaluate(() => { const h1 = document.querySelector('#main h1'); if (h1) h1.dataset.stale = '1'; });
  await page.goto(UI_URL + '/' + hash);
  await page.waitForSelector('#main h1:not([data-stale])');
}

export const alertText = (page) => page.locator('#main .alert:not([hidden])').first().textContent();

// The steps of a test file: a step that throws stops the file, with the page as it was.
export async function run(steps, file) {
  rmSync(`${UI_SHOTS}/failure-${file}.png`, { force: true });
  try {
    await steps();
  } catch (e) {
    fail++;
    console.log('not ok: stopped: ' + String(e.message || e).split('\n')[0]);
    console.log('  at ' + (String(e.stack).match(/\w+\.test\.mjs:\d+/) || ['?'])[0]);
    if (lastPage) {
      console.log('  page: ' + (await lastPage.textContent('body').catch(() => '?')).replace(/\s+/g, ' ').slice(0, 600));
      await lastPage.screenshot({ path: `${UI_SHOTS}/failure-${file}.png` }).catch(() => {});
    }
  }
  check('no console errors or CSP violations in any page', problems.length === 0, problems.join('\n'));
  await browser.close();
  console.log(`${pass} passed, ${fail} failed`);
  process.exit(fail ? 1 : 0);
}
