// demo.test.mjs - a demo data directory (`brokersec init --demo`, web/demo-banner.js) in a real
// browser. Run by tests/cli/t0257-web-demo.sh, which makes the directory and passes UI_PW1
// (so1, a security officer; emp1, an employee). The banner on every page of the menu, in both
// languages and on paper; the dashboard populated; the issued report downloaded (saved as
// $UI_SHOTS/demo-report.pdf for the shell to read with pdftotext); 1280 and 375 px.
import { UI_URL, UI_SHOTS, check, signedIn, axe, shot, run } from './lib.mjs';

const { UI_PW1 } = process.env;
const BANNER = '示範資料 — 非真實紀錄';
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
const banner = async (page) => (await page.locator('#demo-banner').count()) === 1 && page.locator('#demo-banner').isVisible()
  ? (await page.textContent('#demo-banner')) : '';

await run(async () => {
  const page = await signedIn('so1', UI_PW1);
  await page.waitForSelector('#fd-h');
  check('the banner after sign-in', (await banner(page)).includes(BANNER), await banner(page));
  check('the banner is right under the header, outside the page content',
    await page.evaluate(() => document.querySelector('header.top').nextElementSibling.id === 'demo-banner'));

  // ---- the dashboard: populated
  const fd = await page.textContent('#fd-h');
  check('dashboard: 3 open findings', fd.includes('3'), fd);
  const panel = await page.locator('section[aria-labelledby=fd-h]').textContent();
  const late = await page.locator('section[aria-labelledby=fd-h] p.bad').textContent();
  check('dashboard: one finding overdue', /^1\s*已逾改善期限/.test(late.trim()), late);
  check('dashboard: the overdue finding is listed', panel.includes('核心系統仍有共用管理帳號'), panel);
  const body = await page.textContent('#main');
  check('dashboard: the demo company', body.includes('示範保險經紀人股份有限公司（示範）'));
  const counts = await page.locator('#main h2 .count').allTextContents();
  check('dashboard: deadline panels with counts', counts.filter((n) => Number(n) > 0).length >= 2, counts.join(','));
  await page.waitForSelector('#sc-h'); // the scans panel is added once read
  const scans = await page.textContent('#sc-panel');
  check('dashboard: the saved scan of srv-core-01', scans.includes('srv-core-01'), scans);
  await shot(page, 'demo-dashboard');
  await axe(page, 'demo dashboard with its banner');

  // ---- every page of the menu carries the banner
  const links = await page.locator('#nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('the menu has its pages', links.length >= 10, links.join(' '));
  for (const href of links) {
    await page.click(`#nav a[href="${href}"]`);
    await page.waitForFunction((h) => location.hash === h && document.querySelector('#nav a[aria-current=page]')?.getAttribute('href') === h, href);
    await page.waitForSelector('#main h1');
    const b = await banner(page);
    check('banner on ' + href, b.includes(BANNER), b);
  }

  // registers: the 40 people
  // a hash change renders asynchronously: wait for the new page, not the last one's table
  const before = await page.textContent('#main h1');
  await page.goto(UI_URL + '/#/registers/person');
  await page.waitForFunction((h) => location.hash === '#/registers/person' &&
    document.querySelector('#main h1')?.textContent !== h && document.querySelector('#main table.data tbody tr'), before);
  const people = await page.textContent('#main');
  check('registers: 40 people', /\b40\b/.test(people), people.slice(0, 300));
  check('banner on a register', (await banner(page)).includes(BANNER));
  await shot(page, 'demo-people');

  // ---- English
  await page.click('#lang');
  await page.waitForFunction(() => (document.getElementById('demo-banner')?.textContent || '').includes('Demo data'));
  check('English banner', (await banner(page)).includes('Demo data — not real records'), await banner(page));
  await page.click('#lang');
  await page.waitForFunction(() => (document.getElementById('demo-banner')?.textContent || '').includes('示範資料'));

  // ---- the assessment and its issued report, downloaded
  await page.goto(UI_URL + '/#/assessments/1');
  await page.waitForSelector('#reports a.as-dl[data-format=pdf]');
  const h1 = await page.textContent('h1');
  check('the demo assessment, reported', h1.includes('示範') && h1.includes('已提報'), h1);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#reports a.as-dl[data-format=pdf]')]);
  await dl.saveAs(UI_SHOTS + '/demo-report.pdf');
  check('the download is the report', dl.suggestedFilename().startsWith('電腦系統資訊安全評估報告'), dl.suggestedFilename());
  check('banner on the assessment', (await banner(page)).includes(BANNER));
  await shot(page, 'demo-assessment');
  await axe(page, 'demo assessment');

  // ---- on paper: the header is not printed, the banner is
  await page.emulateMedia({ media: 'print' });
  check('print: the header is hidden', !(await page.locator('header.top').isVisible()));
  check('print: the banner is printed', await page.locator('#demo-banner').isVisible());
  await page.emulateMedia({ media: 'screen' });

  // ---- the employee's own page has it too
  const emp = await signedIn('emp1', UI_PW1);
  await emp.waitForSelector('#main h1');
  check('employee: the banner', (await banner(emp)).includes(BANNER), await banner(emp));

  // ---- a phone's width
  const phone = await signedIn('so1', UI_PW1, { viewport: { width: 375, height: 740 } });
  for (const [path, sel, name] of [['#/dashboard', '#fd-h', 'demo-dashboard-phone'], ['#/assessments/1', '#reports', 'demo-assessment-phone'],
    ['#/registers/person', '#main table.data tbody tr', 'demo-people-phone']]) {
    await phone.goto(UI_URL + '/' + path);
    await phone.waitForSelector(sel);
    const over = await noSideScroll(phone);
    check('375 px: no sideways scrolling on ' + path, over <= 0, over);
    check('375 px: banner on ' + path, (await banner(phone)).includes(BANNER));
    await shot(phone, name);
    await phone.screenshot({ path: `${UI_SHOTS}/${name}-top.png` }); // the first screen: header and banner
  }
  await axe(phone, 'demo dashboard at 375 px');
}, 'demo');
