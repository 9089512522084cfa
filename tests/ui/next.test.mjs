// next.test.mjs - the dashboard's 下一步 panel (web/page-dashboard.js) in a real browser: the
// most urgent actions of GET /status?view=summary, each with its state, what it concerns, its
// command in <code> and a link to the web page that does the same; English by the switch; a
// phone's width; axe; screenshots. Doing one action from its page (a policy document) moves it.
// Run by tests/cli/t0258-web-next.sh with UI_PW1 (so1, a security officer).
import { UI_URL, UI_SHOTS, check, signedIn, axe, shot, run } from './lib.mjs';

const { UI_PW1 } = process.env;
const noSideScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

await run(async () => {
  const page = await signedIn('so1', UI_PW1);
  const api = await (await page.request.get(UI_URL + '/api/v1/status?view=summary')).json();
  await page.goto(UI_URL + '/#/dashboard');
  await page.waitForSelector('#db-next li');
  check('下一步: the heading', (await page.textContent('#db-next-h')).startsWith('下一步'));
  const items = page.locator('#db-next ol.db-next > li');
  check('下一步: ten actions', (await items.count()) === 10, await items.count());
  check('下一步: says how many there are in all', (await page.textContent('#db-next-h')).includes('共 ' + api.actions_total + ' 項'));
  const codes = await page.locator('#db-next li code').allTextContents();
  check('下一步: each command in <code>, as the API wrote it, in order',
    JSON.stringify(codes) === JSON.stringify(api.actions.map((a) => a.command['zh-TW'])), codes.join(' | '));
  const first = await items.first().textContent();
  check('下一步: the first names its state, title and controls',
    first.includes(api.actions[0].title['zh-TW']) && first.includes(api.actions[0].controls[0]) && first.includes('影響 ' + api.actions[0].count + ' 項'), first);
  const links = await page.locator('#db-next li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check('下一步: a link to the page that does the same, where one exists',
    JSON.stringify(links) === JSON.stringify(api.actions.filter((a) => a.page).map((a) => a.page)), links.join(' '));
  check('下一步: the hint to the full list', (await page.textContent('#db-next')).includes('完整清單：brokersec status --all'));
  check('下一步: before the compliance chart',
    await page.evaluate(() => !!(document.getElementById('db-next').compareDocumentPosition(document.getElementById('cmp-h')) & Node.DOCUMENT_POSITION_FOLLOWING)));
  await shot(page, 'next-dashboard');
  await axe(page, 'dashboard with 下一步');

  // English by the switch
  await page.click('#lang');
  await page.waitForFunction(() => (document.getElementById('db-next-h') || {}).textContent?.startsWith('Next steps'));
  const en = await page.locator('#db-next li code').allTextContents();
  check('English: the commands with English placeholders', JSON.stringify(en) === JSON.stringify(api.actions.map((a) => a.command.en)), en.join(' | '));
  check('English: the controls counted', (await items.first().textContent()).includes(api.actions[0].count + ' controls'));
  await shot(page, 'next-dashboard-en');
  await page.locator('#db-next').screenshot({ path: `${UI_SHOTS}/next-panel-en.png` });
  await page.click('#lang');
  await page.waitForFunction(() => (document.getElementById('db-next-h') || {}).textContent?.startsWith('下一步'));

  // a phone's width: no page scroll sideways, the commands wrap
  await page.setViewportSize({ width: 375, height: 740 });
  await page.waitForTimeout(100);
  check('375 px: no horizontal page scroll', (await noSideScroll(page)) <= 0, await noSideScroll(page));
  await shot(page, 'next-dashboard-phone');
  await page.locator('#db-next').screenshot({ path: `${UI_SHOTS}/next-panel-phone.png` }); // the panel alone, readable
  await axe(page, 'dashboard with 下一步 at 375 px');
  await page.setViewportSize({ width: 1280, height: 900 });

  // doing one: the first action, the policy documents' (a fresh directory has none: 不符合),
  // from its link; the action shrinks (the register now holds records: only the controls whose
  // own kind of document is missing stay)
  const pd = api.actions.find((a) => a.key === 'register:policy-doc');
  check('the policy documents have an action', !!pd);
  await page.click('#db-next a[href="#/registers/policy-doc"]');
  await page.waitForSelector('#records');
  check('its link opens the policy-doc register', page.url().endsWith('#/registers/policy-doc'));
  await page.click('text=新增');
  await page.waitForSelector('#record');
  await page.fill('#f-title', '資訊安全政策');
  const kind = page.locator('#f-kind');
  if ((await kind.evaluate((e) => e.tagName)) === 'SELECT') await kind.selectOption({ index: 1 });
  else await kind.fill('security-policy');
  await page.click('#record button[type=submit]');
  await page.waitForSelector('#history li');
  await page.goto(UI_URL + '/#/dashboard');
  await page.waitForSelector('#db-next li');
  const now = await (await page.request.get(UI_URL + '/api/v1/status?view=summary')).json();
  const after = now.actions.find((a) => a.key === 'register:policy-doc');
  check('after adding one: its action shrank or left', !after || after.count < pd.count, JSON.stringify([pd.count, after && after.count]));
  const li = page.locator('#db-next li', { has: page.locator('a[href="#/registers/policy-doc"]') });
  check('and the panel says so', after ? (await li.textContent()).includes('影響 ' + after.count + ' 項') : (await li.count()) === 0);
}, 'next');
