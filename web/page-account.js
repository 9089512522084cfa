// page-account.js - the signed-in account: who it is, the password change and the second
// factor. Every role has it; for an employee it is the whole UI (docs/roles.md: own account,
// own password, own training).
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t } from './i18n.js';
import { passwordForm, totpSection } from './page-login.js';
import { refresh } from './app.js';

export async function accountPage() {
  const me = await api('GET', '/me');
  const a = alertBox(), b = alertBox();
  show(h('h1', {}, t('account')),
    h('dl', { class: 'me' },
      h('dt', {}, t('username')), h('dd', { id: 'me-user' }, me.user),
      h('dt', {}, t('full_name')), h('dd', {}, me.full_name || '—'),
      h('dt', {}, t('role')), h('dd', { id: 'me-role' }, me.roles.join(', ')),
      h('dt', {}, t('totp')), h('dd', {}, me.totp ? t('on') : t('off'))),
    h('section', { class: 'card', 'aria-labelledby': 'pw-h' }, h('h2', { id: 'pw-h' }, t('change_password')), a,
      passwordForm(a, async () => { document.getElementById("password-form").reset(); a.say(t("changed"), true); })),
    me.totp || me.totp_cli_only ? null
      : h('section', { class: 'card', 'aria-labelledby': 'totp-h' }, h('h2', { id: 'totp-h' }, t('totp_setup')), b,
        totpSection(b, refresh, 'totp_why_opt')),
    h('section', { class: 'card', 'aria-labelledby': 'tr-h' }, h('h2', { id: 'tr-h' }, t('training')),
      h('p', {}, t('training_none'))));
}
