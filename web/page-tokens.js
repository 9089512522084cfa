// page-tokens.js - API tokens (符記) for machine clients: the signed-in account's own, every
// account's for a role with tokens.manage (GET /tokens, 50 a page from the server); a new one
// with scopes and days (POST /tokens: the token is in that answer only, shown here once);
// revoke (DELETE /tokens/ID). Which scopes a token may carry and whose tokens may be revoked
// are the API's rules (docs/roles.md "API tokens"): the page offers what GET /tokens says.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, addStrings } from './i18n.js';
import { when } from './fmt.js';
import { app } from './app.js';

addStrings({
  tk_menu: ['API 符記', 'API tokens'],
  tk_title: ['API 符記', 'API tokens'],
  tk_intro: ['API 符記供機器用戶端（如傳送事件之代理程式、讀取事件日誌狀態之 SIEM）使用，代表持有人行事；其權限範圍只能是持有人角色所具有之權限。符記本身只在建立時顯示一次，系統僅保存其雜湊值。',
    'API tokens are for machine clients (an agent sending events, a SIEM reading the event log\'s state) and act for their owner, within scopes the owner\'s role holds. A token is shown once, when it is made; brokersec keeps only its hash.'],
  tk_create: ['建立符記', 'Create a token'],
  tk_scopes: ['權限範圍', 'Scopes'],
  tk_days: ['有效天數（1–365）', 'Valid for (days, 1–365)'],
  tk_no_scope: ['您的角色沒有可授予符記之權限。', 'Your role holds no permission a token can carry.'],
  tk_new: ['新符記（只顯示這一次）', 'New token (shown only this once)'],
  tk_new_warn: ['請立即複製並妥善保存於用戶端：離開或重新整理此頁後即無法再取得；遺失時請撤銷後重新建立。',
    'Copy it to the client now: once you leave or reload this page it cannot be shown again; if lost, revoke it and create another.'],
  tk_id: ['編號', 'ID'], tk_owner: ['持有人', 'Owner'], tk_created: ['建立', 'Created'],
  tk_expires: ['到期', 'Expires'], tk_state: ['狀態', 'State'], tk_action: ['操作', 'Action'],
  tk_active: ['有效', 'active'], tk_expired: ['已到期', 'expired'], tk_revoked: ['已撤銷', 'revoked'],
  tk_revoke: ['撤銷', 'Revoke'],
  tk_confirm_revoke: ['確定撤銷符記 {id}？使用它的用戶端將立即被拒絕。', 'Revoke token {id}? Clients using it are refused at once.'],
  tk_revoked_ok: ['已撤銷符記 {id}', 'Token {id} revoked'],
  tk_none: ['尚無符記', 'No tokens'],
  tk_all: ['所有帳號之符記（您的角色具 tokens.manage）', 'Every account\'s tokens (your role holds tokens.manage)'],
  tk_mine_only: ['只看我的符記', 'My tokens only'],
  tk_routes: ['可用於：', 'Opens:'],
  tk_mine: ['我的 API 符記', 'My API tokens'],
});

const PAGE = 50;

function stateLabel(s) {
  return t('tk_' + s);
}

// #/tokens?offset=N&mine=1
export async function tokensPage(_args, note) {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const offset = Number(qs.get('offset') || 0), mine = qs.get('mine') === '1';
  const args = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
  if (mine) args.set('user', app.me.user);
  const list = await api('GET', '/tokens?' + args);
  const go = (changes) => {
    const n = new URLSearchParams({ offset: String(offset), ...(mine ? { mine: '1' } : {}), ...changes });
    if (n.get('mine') === '0') n.delete('mine');
    location.hash = '#/tokens?' + n;
  };
  const a = alertBox();
  const parts = [h('h1', {}, t('tk_title')), h('p', {}, t('tk_intro'))];
  if (note) parts.push(note);
  parts.push(a);

  // the form: the scopes the role may give that a route accepts, each with its routes
  if (list.scopes.length) {
    const f = h('form', { id: 'tk-form', novalidate: true },
      h('fieldset', {}, h('legend', {}, t('tk_scopes')),
        list.scopes.map((s) => h('div', { class: 'tk-scope' },
          h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'scope', value: s.name, id: 'tk-s-' + s.name.replace('.', '-') }),
            ' ', h('code', {}, s.name)),
          h('span', { class: 'small' }, ' ', t('tk_routes'), ' ', s.routes.join(', '))))),
      h('div', { class: 'field' }, h('label', { for: 'tk-days' }, t('tk_days')),
        h('input', { id: 'tk-days', type: 'number', min: 1, max: 365, value: '90', step: 1 })),
      h('div', { class: 'bar' }, h('button', { type: 'submit' }, t('tk_create'))));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      a.say('');
      const scopes = [...f.querySelectorAll('input[name=scope]:checked')].map((x) => x.value);
      const days = Number(f.querySelector('#tk-days').value);
      const btn = f.querySelector('button');
      btn.disabled = true;
      try {
        const r = await api('POST', '/tokens', { scopes, days: Number.isInteger(days) ? days : 0 });
        // the token is in this answer only: shown once, in a box the next render drops
        const box = h('section', { class: 'card once', id: 'tk-new-box', 'aria-labelledby': 'tk-new-h' },
          h('h2', { id: 'tk-new-h' }, t('tk_new')),
          h('p', { class: 'alert', role: 'alert' }, t('tk_new_warn')),
          h('p', {}, h('code', { id: 'tk-new' }, r.token)),
          h('p', { class: 'small' }, '#' + r.id + ' · ' + r.scopes.join(', ') + ' · ' + t('tk_expires') + ' ', when(r.expires)));
        await tokensPage([], box);
      } catch (err) {
        a.say(err.message);
        btn.disabled = false;
      }
    });
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'tk-c-h' }, h('h2', { id: 'tk-c-h' }, t('tk_create')), f));
  } else {
    parts.push(h('p', { class: 'small', id: 'tk-no-scope' }, t('tk_no_scope')));
  }

  if (list.all_accounts) {
    const cb = h('input', { type: 'checkbox', id: 'tk-mine', checked: mine });
    cb.addEventListener('change', () => go({ mine: cb.checked ? '1' : '0', offset: '0' }));
    parts.push(h('p', { class: 'small' }, t('tk_all')), h('div', { class: 'bar' }, h('label', { class: 'check' }, cb, t('tk_mine_only'))));
  }
  const cols = ['tk_id', ...(list.all_accounts ? ['tk_owner'] : []), 'tk_scopes', 'tk_created', 'tk_expires', 'tk_state', 'tk_action'];
  const rows = list.records.map((r) => {
    const act = r.may_revoke ? h('button', { type: 'button', class: 'danger', 'data-id': r.id,
      'aria-label': t('tk_revoke') + ' #' + r.id }, t('tk_revoke')) : '';
    if (act) act.addEventListener('click', async () => {
      if (!window.confirm(t('tk_confirm_revoke', { id: r.id }))) return;
      try {
        await api('DELETE', '/tokens/' + r.id);
        const ok = alertBox();
        ok.say(t('tk_revoked_ok', { id: r.id }), true);
        await tokensPage([], ok);
      } catch (err) { a.say(err.message); }
    });
    return h('tr', { class: r.state === 'active' ? '' : 'archived', id: 'tk-row-' + r.id },
      h('td', {}, String(r.id)), list.all_accounts ? h('td', {}, r.owner) : null,
      h('td', {}, r.scopes.join(', ')), h('td', {}, when(r.created)), h('td', {}, when(r.expires)),
      h('td', { class: 'tk-state' }, stateLabel(r.state)), h('td', {}, act));
  });
  const end = Math.min(offset + list.records.length, list.total);
  parts.push(h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('tk_title') },
    h('table', { class: 'data', id: 'tokens' },
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, t(c))))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: cols.length }, t('tk_none')))))),
  h('nav', { class: 'pager', 'aria-label': 'pages' },
    h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')),
    h('span', {}, t('page_of', { a: list.total ? offset + 1 : 0, b: end, n: list.total })),
    h('button', { type: 'button', disabled: end >= list.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('next'))));
  show(parts);
}
