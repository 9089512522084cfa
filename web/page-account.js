// page-account.js - the signed-in account: who it is, the password change and the second
// factor. Every role has it; for an employee it is the whole UI (docs/roles.md: own account,
// own password, own training).
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, lang, addStrings } from './i18n.js';
import { day } from './fmt.js';

addStrings({
  ac_hours: ['{y} 年已受訓 {h} 小時（其中資通安全專業課程 {p} 小時）', '{h} hours of training in {y} ({p} of them professional security courses)'],
  ac_todo: ['待辦事項', 'What you must do'],
  ac_no_todo: ['目前沒有待辦事項', 'Nothing to do now'],
  ac_no_training: ['尚無受訓紀錄', 'No training recorded yet'],
  ac_date: ['日期', 'Date'], ac_course: ['課程', 'Course'], ac_kind: ['類別', 'Kind'], ac_hrs: ['時數', 'Hours'],
  ac_prof: ['專業', 'professional'], ac_gen: ['通識', 'general'],
  ac_not_linked: ['您的帳號尚未對應至人員登記簿中的紀錄：請資安專責人員於該人員紀錄填入您的帳號（系統帳號欄），即可在此檢視您的受訓紀錄。',
    'Your account is not linked to a record of the person register yet: ask the security officer to enter your user name in your record (the account field) to see your training here.'],
});

// The own training (GET /me/training): this year's hours, the courses, and the duties that
// name this person (training hours due, a missing agreement ...).
async function trainingSection() {
  const tr = await api('GET', '/me/training?lang=' + lang());
  const body = !tr.linked ? [h('p', { id: 'tr-none' }, t('ac_not_linked'))] : [
    h('p', { id: 'tr-hours' }, t('ac_hours', { y: tr.year, h: tr.hours_this_year, p: tr.professional_hours_this_year })),
    h('h3', {}, t('ac_todo')),
    tr.duties.filter((d) => d.status !== 'ok').length
      ? h('ul', { class: 'due', id: 'tr-todo' }, tr.duties.filter((d) => d.status !== 'ok').map((d) =>
        h('li', {}, h('strong', {}, day(d.due)), ' ', h('span', { class: 'src' }, d.source), ' ', d.detail)))
      : h('p', {}, t('ac_no_todo')),
    tr.training.length ? h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'tr-h' },
      h('table', { class: 'data', id: 'tr-table' },
        h('thead', {}, h('tr', {}, ['ac_date', 'ac_course', 'ac_kind', 'ac_hrs'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, tr.training.map((x) => h('tr', {}, h('td', { class: 'nowrap' }, day(x.date)), h('td', {}, x.course),
          h('td', {}, x.kind === 'professional' ? t('ac_prof') : t('ac_gen')), h('td', { class: 'n' }, String(x.hours)))))))
      : h('p', {}, t('ac_no_training'))];
  return h('section', { class: 'card', 'aria-labelledby': 'tr-h' }, h('h2', { id: 'tr-h' }, t('training')), body);
}
import { passwordForm, totpSection } from './page-login.js';
import { refresh } from './app.js';

export async function accountPage() {
  const me = await api('GET', '/me');
  const a = alertBox(), b = alertBox();
  show(h('h1', {}, t('account')),
    h('dl', { class: 'me' },
      h('dt', {}, t('username')), h('dd', { id: 'me-user' }, me.user),
      h('dt', {}, t('full_name')), h('dd', {}, me.full_name || '—'),
      h('dt', {}, t('role')), h('dd', { id: 'me-role' }, me.roles.map((r) => t('role_' + r)).join('、')),
      h('dt', {}, t('totp')), h('dd', {}, me.totp ? t('on') : t('off'))),
    // the own API tokens (page-tokens.js): for a role with a permission a token can carry
    (me.permissions || []).some((p) => p !== 'self' && p !== 'training.self')
      ? h('p', {}, h('a', { href: '#/tokens', id: 'me-tokens' }, t('tk_mine'))) : null,
    h('section', { class: 'card', 'aria-labelledby': 'pw-h' }, h('h2', { id: 'pw-h' }, t('change_password')), a,
      passwordForm(a, async () => { document.getElementById("password-form").reset(); a.say(t("changed"), true); })),
    me.totp || me.totp_cli_only ? null
      : h('section', { class: 'card', 'aria-labelledby': 'totp-h' }, h('h2', { id: 'totp-h' }, t('totp_setup')), b,
        totpSection(b, refresh, 'totp_why_opt')),
    await trainingSection());
}
