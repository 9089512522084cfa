// bench/web/paint.mjs URL USER PASSWORD LABEL - signs in (changing the first password when
// asked), then loads the dashboard and a register list 5 times each from a fresh tab and
// prints the medians: first contentful paint and the time until the page's data is drawn.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../tests/ui/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [BASE, USER, PW, LABEL] = process.argv.slice(2);
const NEWPW = 'Bench-Orchid-81-Harbor';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'zh-TW' });
const page = await ctx.newPage();
await page.goto(BASE + '/');
await page.fill('#username', USER);
await page.fill('#password', PW);
await page.click('#signin button[type=submit]');
await page.waitForSelector('#password-form, #nav a');
if (await page.locator('#password-form').count()) {
  await page.fill('#current_password', PW);
  await page.fill('#new_password', NEWPW);
  await page.fill('#new_password2', NEWPW);
  await page.click('#password-form button');
  await page.waitForSelector('#nav a');
}
const median = (a) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)];
async function measure(hash, ready) {
  const fcp = [], done = [];
  for (let i = 0; i < 5; i++) {
    // a new tab keeps the session (cookie) and the CSRF token (copied), as a reload would
    const p = await ctx.newPage();
    await p.goto(BASE + '/');
    await p.evaluate((v) => sessionStorage.setItem('bs.csrf', v), await page.evaluate(() => sessionStorage.getItem('bs.csrf')));
    await p.goto(BASE + '/' + hash);
    await p.reload();
    await p.waitForSelector(ready);
    const m = await p.evaluate(() => ({ fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      now: performance.now() }));
    fcp.push(m.fcp);
    done.push(m.now);
    await p.close();
  }
  return { fcp: Math.round(median(fcp)), done: Math.round(median(done)) };
}
const d = await measure('#/dashboard', 'svg.chart');
const r = await measure('#/registers/person', '#records');
console.log(`${LABEL}\tdashboard\tfcp_ms=${d.fcp}\tdrawn_ms=${d.done}`);
console.log(`${LABEL}\tregisters/person\tfcp_ms=${r.fcp}\tdrawn_ms=${r.done}`);
await browser.close();
