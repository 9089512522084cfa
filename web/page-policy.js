// page-policy.js - the password, lockout and session policy (GET /policy): each value with the
// regulation's number, the allowed range and the clause it comes from (附件二伍、四、(二)...).
// A role with policy.write edits the values (PATCH /policy, as `brokersec policy set`): the API
// takes only values stricter than the regulation and its refusal (the bound and the clause) is
// shown as it comes; each stored value is an event.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, lang, addStrings } from './i18n.js';
import { app } from './app.js';

addStrings({
  po_menu: ['政策', 'Policy'],
  po_title: ['密碼、鎖定與連線政策', 'Password, lockout and session policy'],
  po_intro: ['預設值即法規之數值；每一值只能設定得比法規更嚴格，不能更寬鬆。每次變更皆記入事件日誌。',
    'The defaults are the regulation\'s numbers; each value may be made stricter, never looser. Every change is an event in the log.'],
  po_key: ['項目', 'Setting'],
  po_value: ['目前設定', 'In force'],
  po_regulation: ['法規數值', 'Regulation'],
  po_range: ['允許範圍', 'Allowed'],
  po_clause: ['依據條文', 'Clause'],
  po_higher: ['數值愈大愈嚴格', 'higher is stricter'],
  po_lower: ['數值愈小愈嚴格', 'lower is stricter'],
  po_fixed: ['固定', 'fixed'],
  po_save: ['儲存變更', 'Save changes'],
  po_nothing: ['沒有變更', 'Nothing changed'],
  po_saved: ['已更新：{what}', 'Updated: {what}'],
  po_readonly: ['您的角色可檢視政策，變更須由系統管理者或資安專責人員為之。',
    'Your role may read the policy; an administrator or the security officer changes it.'],
  po_new_value: ['{key} 之新值', 'New value of {key}'],
  'po_k_password.min_length': ['密碼最短長度（字元）', 'Minimum password length (characters)'],
  'po_k_password.min_classes': ['須含字元種類數（大寫、小寫、數字、符號）', 'Character classes required (upper, lower, digit, other)'],
  'po_k_password.history': ['不得重複使用之前幾次密碼', 'Earlier passwords that cannot be reused'],
  'po_k_password.min_age_days': ['密碼最短效期（天）', 'Minimum password age (days)'],
  'po_k_password.max_age_days': ['密碼最長效期（天）', 'Maximum password age (days)'],
  'po_k_lockout.threshold': ['連續登入失敗幾次即鎖定', 'Consecutive failed sign-ins that lock the account'],
  'po_k_lockout.minutes': ['鎖定時間（分鐘）', 'Lockout duration (minutes)'],
  'po_k_session.idle_minutes': ['連線閒置逾時（分鐘）', 'Session idle timeout (minutes)'],
  'po_k_session.absolute_hours': ['連線最長時間（小時）', 'Session lifetime (hours)'],
  'po_k_account.idle_days': ['帳號閒置幾天即停用', 'Unused accounts are disabled after (days)'],
  'po_k_reset.token_minutes': ['重設碼有效時間（分鐘）', 'Reset token lifetime (minutes)'],
  'po_k_throttle.per_minute': ['每一來源位址每分鐘嘗試次數上限', 'Attempts per source address per minute'],
  'po_k_totp.admin_required': ['管理者須使用雙因子驗證（1＝是）', 'Administrators must use TOTP (1 = yes)'],
});

const label = (r) => {
  const k = 'po_k_' + r.key;
  const s = t(k);
  return s === k ? r.what : s;
};

export async function policyPage() {
  const pol = await api('GET', '/policy');
  const canWrite = (app.me.permissions || []).includes('policy.write');
  const a = alertBox();
  const rows = pol.rules.map((r, i) => {
    const id = 'po-' + i;
    const clause = r.clause ? r.clause[lang() === 'en' ? 'en' : 'zh-TW'] : '';
    const title = r.title ? r.title[lang() === 'en' ? 'en' : 'zh-TW'] : '';
    return h('tr', { id: 'po-row-' + r.key.replace(/\./g, '-') },
      h('th', { scope: 'row', id: id + '-h' }, label(r), h('br'), h('span', { class: 'src' }, r.key)),
      h('td', { class: 'n', 'data-label': t('po_value') }, canWrite && r.stricter !== 'fixed'
        ? h('input', { type: 'number', id, name: r.key, value: String(r.value), min: r.min, max: r.max, step: 1,
          class: 'po-input', 'aria-labelledby': id + '-h', 'data-old': String(r.value) })
        : h('span', { class: 'po-val' }, String(r.value))),
      h('td', { class: 'n', 'data-label': t('po_regulation') }, String(r.regulation)),
      h('td', { 'data-label': t('po_range') }, r.stricter === 'fixed' ? String(r.min) : r.min + '–' + r.max, h('br'),
        h('span', { class: 'small' }, t('po_' + r.stricter))),
      h('td', { 'data-label': t('po_clause') }, clause, ' ', h('span', { class: 'src' }, r.source), title ? h('br') : null,
        title ? h('span', { class: 'small' }, title) : null));
  });
  const table = h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('po_title') },
    h('table', { class: 'data', id: 'policy' },
      h('thead', {}, h('tr', {}, ['po_key', 'po_value', 'po_regulation', 'po_range', 'po_clause'].map((k, i) =>
        h('th', { scope: 'col', class: i === 1 || i === 2 ? 'n' : false }, t(k))))),
      h('tbody', {}, rows)));
  if (!canWrite) {
    show(h('h1', {}, t('po_title')), h('p', {}, t('po_intro')), h('p', { class: 'small' }, t('po_readonly')), a, table);
    return;
  }
  const f = h('form', { id: 'policy-form', novalidate: true }, table,
    h('div', { class: 'bar' }, h('button', { type: 'submit' }, t('po_save'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    a.say('');
    const body = {}, what = [];
    for (const el of f.querySelectorAll('input.po-input')) {
      if (el.value.trim() === el.dataset.old) continue;
      // sent as typed: the API says what is wrong with a value that is not a whole number
      const n = Number(el.value.trim());
      body[el.name] = Number.isInteger(n) ? n : el.value.trim();
      what.push(el.name + ' ' + el.dataset.old + ' → ' + el.value.trim());
    }
    if (!what.length) { a.say(t('po_nothing'), true); return; }
    const btn = f.querySelector('button');
    btn.disabled = true;
    try {
      await api('PATCH', '/policy', body);
      await policyPage();
      const b = document.querySelector('#main .alert');
      if (b) b.say(t('po_saved', { what: what.join('; ') }), true);
    } catch (err) {
      a.say(err.message);
      btn.disabled = false;
    }
  });
  show(h('h1', {}, t('po_title')), h('p', {}, t('po_intro')), a, f);
}
