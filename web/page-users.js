// page-users.js - the accounts (A2.4.1.6.1): the list 50 a page from the server (GET /users:
// ?q, ?sort, ?order, ?offset, ?limit, ?all=1 for deleted ones), one account (#/users/NAME)
// with what the signed-in role may do to it, and adding one. The actions offered are those
// GET /users says the caller may do (`may`, `may_give`: docs/roles.md "Who may act on whom");
// the API refuses the others anyway, and every refusal is shown as it comes. One-time secrets
// (a new account's password, a reset token) are in the API's answer only: shown once here.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, addStrings } from './i18n.js';
import { day, when } from './fmt.js';

addStrings({
  us_menu: ['帳號', 'Accounts'],
  us_title: ['帳號管理', 'Accounts'],
  us_intro: ['個人帳號之新增、角色、停用、解除鎖定與重設（附表二肆、一、(六)）。可執行之操作依您的角色及「誰可對誰操作」之規則（docs/roles.md）；每一變更皆記入事件日誌。',
    'Personal accounts: add, role, disable, unlock, reset (Annex 2 IV.1(6)). What you may do follows your role and "who may act on whom" (docs/roles.md); every change is an event in the log.'],
  us_username: ['帳號', 'Username'], us_full_name: ['姓名', 'Full name'], us_role: ['角色', 'Role'],
  us_state: ['狀態', 'State'], us_last_login: ['最後登入', 'Last sign-in'], us_totp: ['雙因子', 'Two-factor'],
  us_kind: ['種類', 'Kind'], us_expires: ['到期日', 'Expires'], us_created: ['建立', 'Created'],
  us_created_by: ['建立者', 'Created by'], us_pw_changed: ['密碼變更', 'Password changed'],
  us_locked: ['鎖定中', 'locked'], us_must_change: ['須變更密碼', 'must change the password'],
  us_deleted_too: ['含已封存帳號', 'include deleted accounts'],
  us_active: ['啟用', 'active'], us_disabled: ['停用', 'disabled'], us_deleted: ['已封存', 'deleted'],
  us_personal: ['個人', 'personal'], us_temporary: ['臨時', 'temporary'], us_emergency: ['緊急', 'emergency'],
  us_add: ['新增帳號', 'Add an account'],
  us_add_submit: ['建立帳號', 'Create the account'],
  us_expires_hint: ['臨時與緊急帳號必填（附表二肆、一、(六)）', 'required for temporary and emergency accounts'],
  us_otp: ['一次性密碼（只顯示這一次）', 'One-time password (shown only this once)'],
  us_otp_warn: ['請在確認本人身分後，當面或以安全管道交付；離開此頁後即無法再取得。首次登入時必須變更；雙因子金鑰須由伺服器端核發（brokersec user totp）。',
    'Hand it over in person or by a safe channel after checking who the person is; it cannot be shown again once you leave this page. It must be changed at the first sign-in; the second factor then comes from the server (brokersec user totp).'],
  us_created_ok: ['已建立帳號 {u}', 'Account {u} created'],
  us_actions: ['操作', 'Actions'],
  us_no_actions: ['您的角色對此帳號沒有可執行之操作。', 'Your role may do nothing to this account.'],
  us_set_role: ['變更角色', 'Change the role'],
  us_new_role: ['新角色', 'New role'],
  us_disable: ['停用', 'Disable'], us_enable: ['啟用', 'Enable'], us_unlock: ['解除鎖定', 'Unlock'],
  us_reset: ['核發重設碼', 'Issue a reset token'], us_delete: ['刪除（封存）', 'Delete (archive)'],
  us_confirm_delete: ['確定刪除（封存）帳號 {u}？帳號名稱不會再被使用。', 'Delete (archive) account {u}? Its name is never used again.'],
  us_confirm_disable: ['確定停用帳號 {u}？其連線將立即結束。', 'Disable account {u}? Its sessions end at once.'],
  us_reset_token: ['重設碼（只顯示這一次）', 'Reset token (shown only this once)'],
  us_reset_warn: ['請在確認本人身分後交付；15 分鐘內有效、僅能使用一次，本人於登入頁「忘記密碼？」使用。',
    'Hand it over only after re-identifying the person; valid 15 minutes, once, on the sign-in page ("Forgot the password?").'],
  us_done: ['已完成：{what}', 'Done: {what}'],
  us_back: ['返回帳號列表', 'Back to the accounts'],
  us_none: ['沒有符合之帳號', 'No accounts'],
  us_tokens: ['此帳號之 API 符記', 'This account\'s API tokens'],
});

const PAGE = 50;
const roleLabel = (r) => t('role_' + r) + ' (' + r + ')';

function stateCell(u) {
  return [t('us_' + u.state), u.locked ? h('span', { class: 'badge us-locked' }, t('us_locked')) : null];
}

// note: a one-time secret to show above the list (a new account's password), flash: a message
async function listPage(note, flash) {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const q = qs.get('q') || '', sort = qs.get('sort') || 'username', order = qs.get('order') || 'asc';
  const all = qs.get('all') === '1', offset = Number(qs.get('offset') || 0);
  const args = new URLSearchParams({ sort, order, offset: String(offset), limit: String(PAGE) });
  if (q) args.set('q', q);
  if (all) args.set('all', '1');
  const page = await api('GET', '/users?' + args);
  const go = (changes) => {
    const n = new URLSearchParams({ q, sort, order, offset: String(offset), ...(all ? { all: '1' } : {}), ...changes });
    if (n.get('all') === '0') n.delete('all');
    location.hash = '#/users?' + n;
  };
  const a = alertBox();
  const search = h('form', { class: 'bar', role: 'search' },
    h('label', { for: 'us-q' }, t('search')), h('input', { id: 'us-q', type: 'search', value: q }),
    h('button', { type: 'submit' }, t('search')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'us-all', checked: all }), t('us_deleted_too')));
  search.addEventListener('submit', (e) => { e.preventDefault(); go({ q: search.querySelector('#us-q').value, offset: '0' }); });
  search.querySelector('#us-all').addEventListener('change', (e) => go({ all: e.target.checked ? '1' : '0', offset: '0' }));
  const cols = [['username', 'us_username'], ['full_name', 'us_full_name'], ['role', 'us_role'], ['state', 'us_state'],
    ['last_login', 'us_last_login'], [null, 'us_totp']];
  const head = cols.map(([c, k]) => {
    if (!c) return h('th', { scope: 'col' }, t(k));
    const sorted = sort === c;
    return h('th', { scope: 'col', 'aria-sort': sorted ? (order === 'asc' ? 'ascending' : 'descending') : false },
      h('button', { type: 'button', class: 'sort', title: t('sort_by'),
        onclick: () => go({ sort: c, order: sorted && order === 'asc' ? 'desc' : 'asc', offset: '0' }) },
      t(k), sorted ? (order === 'asc' ? ' ▲' : ' ▼') : ''));
  });
  const rows = page.records.map((u) => h('tr', { class: u.state === 'deleted' ? 'archived' : '', id: 'us-row-' + u.username },
    h('td', {}, h('a', { href: '#/users/' + encodeURIComponent(u.username) }, u.username)),
    h('td', {}, u.full_name), h('td', {}, roleLabel(u.role)), h('td', {}, stateCell(u)),
    h('td', {}, u.last_login ? when(u.last_login) : '—'), h('td', {}, u.totp ? t('on') : t('off'))));
  const end = Math.min(offset + page.records.length, page.total);
  const parts = [h('h1', {}, t('us_title')), h('p', {}, t('us_intro')), a, note || [], search,
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('us_title') },
      h('table', { class: 'data', id: 'users' }, h('thead', {}, h('tr', {}, head)),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: cols.length }, t('us_none')))))),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')),
      h('span', { id: 'us-pageinfo' }, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('next')))];
  if (page.may_give.length) parts.push(addForm(page.may_give));
  show(parts);
  if (flash) a.say(flash, true);
}

// Add: the one-time password is in the answer only, shown once in its own box.
function addForm(roles) {
  const a = alertBox();
  const field = (id, key, el) => h('div', { class: 'field' }, h('label', { for: id }, t(key)), el);
  const f = h('form', { id: 'us-add', novalidate: true },
    field('us-a-username', 'us_username', h('input', { id: 'us-a-username', name: 'username', autocomplete: 'off', maxlength: 64, 'aria-required': 'true' })),
    field('us-a-full', 'us_full_name', h('input', { id: 'us-a-full', name: 'full_name', maxlength: 200, autocomplete: 'off' })),
    field('us-a-role', 'us_role', h('select', { id: 'us-a-role', name: 'role' },
      roles.map((r) => h('option', { value: r, selected: r === 'employee' }, roleLabel(r))))),
    field('us-a-kind', 'us_kind', h('select', { id: 'us-a-kind', name: 'kind' },
      ['personal', 'temporary', 'emergency'].map((k) => h('option', { value: k }, t('us_' + k))))),
    h('div', { class: 'field' }, h('label', { for: 'us-a-expires' }, t('us_expires'), ' ', h('span', { class: 'small' }, '(' + t('us_expires_hint') + ')')),
      h('input', { id: 'us-a-expires', name: 'expires', type: 'date' })),
    h('div', { class: 'bar' }, h('button', { type: 'submit' }, t('us_add_submit'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    a.say('');
    const body = { username: f.elements.username.value.trim(), role: f.elements.role.value, kind: f.elements.kind.value };
    if (f.elements.full_name.value.trim()) body.full_name = f.elements.full_name.value.trim();
    if (f.elements.expires.value) body.expires = f.elements.expires.value;
    const btn = f.querySelector('button');
    btn.disabled = true;
    try {
      const r = await api('POST', '/users', body);
      // the list again, with the new account in it and its password above it, once
      await listPage(oneTime('us-otp', t('us_otp'), t('us_otp_warn'), r.one_time_password, r.username),
        t('us_created_ok', { u: r.username }));
    } catch (err) {
      a.say(err.message);
      btn.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'us-add-h' }, h('h2', { id: 'us-add-h' }, t('us_add')), a, f);
}

// A secret shown once: a heading, the warning, the value.
function oneTime(id, title, warn, value, who) {
  return h('section', { class: 'card once', 'aria-labelledby': id + '-h' },
    h('h2', { id: id + '-h' }, title, who ? '：' + who : ''),
    h('p', { class: 'alert', role: 'alert' }, warn),
    h('p', {}, h('code', { id }, value)));
}

async function userPage(name, note) {
  // the account with what the caller may do to it (may) and the roles it may give (may_give)
  const u = await api('GET', '/users/' + encodeURIComponent(name));
  const may = u.may || [];
  const a = alertBox();
  const act = async (what, fn) => {
    a.say('');
    try {
      const extra = await fn();
      await userPage(name, extra || null);
      const b = document.querySelector('#main .alert');
      if (b) b.say(t('us_done', { what }), true);
    } catch (err) { a.say(err.message); }
  };
  const path = '/users/' + encodeURIComponent(name);
  const buttons = [];
  if (may.includes('role')) {
    const sel = h('select', { id: 'us-role-new' }, u.may_give.map((r) => h('option', { value: r, selected: r === u.role }, roleLabel(r))));
    const f = h('form', { class: 'bar', id: 'us-role-form' }, h('label', { for: 'us-role-new' }, t('us_new_role')), sel,
      h('button', { type: 'submit' }, t('us_set_role')));
    f.addEventListener('submit', (e) => { e.preventDefault(); act(t('us_set_role') + ' → ' + sel.value, () => api('PATCH', path, { role: sel.value })); });
    buttons.push(f);
  }
  const bar = h('div', { class: 'bar', id: 'us-actions' });
  const btn = (op, key, fn, cls) => {
    if (!may.includes(op)) return;
    bar.append(h('button', { type: 'button', id: 'us-do-' + op, class: cls || false, onclick: fn }, t(key)));
  };
  btn('disable', 'us_disable', () => window.confirm(t('us_confirm_disable', { u: name })) && act(t('us_disable'), () => api('PATCH', path, { state: 'disabled' })), 'secondary');
  btn('enable', 'us_enable', () => act(t('us_enable'), () => api('PATCH', path, { state: 'active' })));
  btn('unlock', 'us_unlock', () => act(t('us_unlock'), () => api('POST', path + '/unlock')));
  btn('reset', 'us_reset', () => act(t('us_reset'), async () => {
    const r = await api('POST', path + '/reset');
    return oneTime('us-reset-token', t('us_reset_token'), t('us_reset_warn'), r.reset_token, r.username);
  }));
  btn('delete', 'us_delete', () => window.confirm(t('us_confirm_delete', { u: name })) && act(t('us_delete'), () => api('DELETE', path)), 'danger');
  if (bar.childNodes.length) buttons.push(bar);
  const row = (k, v) => [h('dt', {}, t(k)), h('dd', {}, v)];
  show(h('h1', {}, t('us_title'), '：', u.username),
    h('p', {}, h('a', { href: '#/users' }, t('us_back'))), a, note || [],
    h('dl', { class: 'me', id: 'us-detail' },
      row('us_full_name', u.full_name || '—'), row('us_role', h('span', { id: 'us-role' }, roleLabel(u.role))),
      row('us_kind', t('us_' + u.kind)),
      row('us_state', h('span', { id: 'us-state' }, stateCell(u), u.disabled_reason ? ' — ' + u.disabled_reason : '')),
      row('us_expires', u.expires ? day(u.expires) : '—'),
      row('us_last_login', u.last_login ? when(u.last_login) : '—'),
      row('us_pw_changed', [u.password_changed ? when(u.password_changed) : '—', u.must_change_password ? ' (' + t('us_must_change') + ')' : '']),
      row('us_totp', u.totp ? t('on') : t('off')),
      row('us_created', [u.created ? when(u.created) : '—', u.created_by ? ' · ' + u.created_by : ''])),
    h('section', { class: 'card', 'aria-labelledby': 'us-act-h' }, h('h2', { id: 'us-act-h' }, t('us_actions')),
      buttons.length ? buttons : h('p', { class: 'small', id: 'us-no-actions' }, t('us_no_actions'))));
}

export async function usersPage(args) {
  if (args[0]) return userPage(args[0], null);
  return listPage(null, null);
}
