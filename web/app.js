// app.js - the shell: who is signed in (GET /me), the pages the role may open, the client
// routes (#/dashboard, #/registers/NAME ...), the language switch. The permissions below only
// choose what to show: the API decides every request on its own (docs/roles.md).
import { api, ApiError, forgetSession, newRoute } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, lang, setLang } from './i18n.js';
import { roc, setRoc } from './fmt.js';
import { loginPage, changePage, totpPage, resetPage } from './page-login.js';
import { dashboardPage } from './page-dashboard.js';
import { duePage } from './page-due.js';
import { registersPage } from './page-registers.js';
import { controlsPage } from './page-controls.js';
import { assessmentsPage } from './page-assessments.js';
import { evidencePage } from './page-evidence.js';
import { scansPage } from './page-scans.js';
import { usersPage } from './page-users.js';
import { policyPage } from './page-policy.js';
import { tokensPage } from './page-tokens.js';
import { eventsPage } from './page-events.js';
import { accountPage } from './page-account.js';
import { demoBanner } from './demo-banner.js';

// Which pages each role's permissions open (src/auth/perm.c): status.read, registers.read,
// controls.read are held by every role but employee.
const STAFF = ['admin', 'security_officer', 'auditor', 'it_staff'];
const PAGES = [
  { path: 'dashboard', label: 'dashboard', roles: STAFF, run: dashboardPage },
  { path: 'due', label: 'deadlines', roles: STAFF, run: duePage },
  { path: 'registers', label: 'registers', roles: STAFF, run: registersPage },
  { path: 'controls', label: 'controls', roles: STAFF, run: controlsPage },
  { path: 'assessments', label: 'as_menu', roles: STAFF, run: assessmentsPage }, // registers.read
  { path: 'evidence', label: 'ev_menu', roles: STAFF, run: evidencePage }, // evidence.read
  { path: 'scans', label: 'sc_menu', roles: STAFF, run: scansPage }, // status.read
  { path: 'users', label: 'us_menu', roles: ['admin', 'security_officer', 'auditor'], run: usersPage }, // users.read
  { path: 'policy', label: 'po_menu', roles: ['admin', 'security_officer', 'auditor'], run: policyPage }, // policy.read
  { path: 'events', label: 'lg_menu', roles: ['admin', 'security_officer', 'auditor'], run: eventsPage }, // events.read
  // own tokens (every account with a scope a token can carry: all but employee); all with tokens.manage
  { path: 'tokens', label: 'tk_menu', roles: STAFF, run: tokensPage },
  { path: 'account', label: 'account', roles: null, run: accountPage },
];

export const app = { me: null };

function allowed(page) {
  return !page.roles || (app.me && app.me.roles.some((r) => page.roles.includes(r)));
}

function chrome() {
  document.documentElement.lang = lang() === 'en' ? 'en' : 'zh-Hant-TW';
  const l = document.getElementById('lang');
  l.textContent = t('lang_switch');
  l.setAttribute('aria-label', lang() === 'en' ? '切換為中文' : 'Switch to English');
  const r = document.getElementById('roc'); // a toggle: dates in 民國 years or as stored
  r.textContent = t('roc_years');
  r.setAttribute('aria-pressed', roc() ? 'true' : 'false');
  const nav = document.getElementById('nav');
  const here = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  const ready = app.me && !app.me.must_change_password && !app.me.must_enroll_totp;
  nav.setAttribute('aria-label', lang() === 'en' ? 'Main' : '主選單');
  nav.replaceChildren(...(ready ? PAGES.filter(allowed) : []).map((p) =>
    h('a', { href: '#/' + p.path, 'aria-current': here === p.path ? 'page' : false }, t(p.label))));
  const so = document.getElementById('signout');
  so.hidden = !app.me;
  so.textContent = t('signout');
  demoBanner(app.me); // a demo data directory says so on every page
  document.getElementById('who').textContent = app.me ? app.me.user + ' (' + app.me.roles.map((r) => t('role_' + r)).join('、') + ')' : '';
}

export async function route() {
  newRoute(); // the page left behind stops here (api.js)
  chrome();
  if (!app.me) return location.hash.startsWith('#/reset') ? resetPage() : loginPage();
  if (app.me.must_change_password) return changePage();
  if (app.me.must_enroll_totp) return totpPage();
  // #/page/arg...?query: the pages read the query from location.hash themselves
  const parts = location.hash.replace(/^#\/?/, '').split('?')[0].split('/').map(decodeURIComponent);
  let page = PAGES.find((p) => p.path === parts[0]);
  if (!page || !allowed(page)) {
    const first = PAGES.find(allowed);
    if (page) { // a page the role may not open: said, not silently swapped
      const a = alertBox();
      show(h('h1', {}, t(page.label)), a);
      a.say(t('not_allowed'));
      return;
    }
    location.replace('#/' + first.path);
    return;
  }
  try {
    await page.run(parts.slice(1));
  } catch (e) {
    if (e instanceof ApiError && e.code === 'aborted') return; // another page was opened meanwhile
    if (e instanceof ApiError && e.status === 401) return signedOut();
    const a = alertBox();
    show(h('h1', {}, t('error')), a);
    a.say(e.message);
  }
}

// GET /me again (after sign-in or a change), then the page the hash names.
export async function refresh() {
  try {
    app.me = sessionStorage.getItem('bs.csrf') ? await api('GET', '/me') : null;
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) throw e;
    app.me = null;
  }
  if (!app.me) forgetSession();
  await route();
}

function signedOut() {
  app.me = null;
  forgetSession();
  return route();
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'en' ? 'zh-TW' : 'en');
  route();
});
document.getElementById('roc').addEventListener('click', () => {
  setRoc(!roc());
  route();
});
document.getElementById('signout').addEventListener('click', async () => {
  try { await api('DELETE', '/session'); } catch { /* the session may have ended already */ }
  signedOut();
});
window.addEventListener('hashchange', route);
refresh();
