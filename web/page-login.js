// page-login.js - sign-in, the first-login password change, TOTP enrolment, and the password
// form the account page shares. Each shows the API's own message when it refuses: one answer
// for every failed sign-in (unknown name, wrong password, locked), as the API gives it.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t } from './i18n.js';
import { refresh } from './app.js';

function field(id, label, attrs) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, ...attrs }));
}

// A form whose submit runs fn(values) with the button disabled, saying any error in a.
function form(id, fields, button, a, fn) {
  const btn = h('button', { type: 'submit' }, button);
  const f = h('form', { id, novalidate: true }, fields, btn);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    a.say('');
    btn.disabled = true;
    try {
      await fn(Object.fromEntries(new FormData(f)));
    } catch (e) {
      a.say(e.message);
    } finally {
      btn.disabled = false;
    }
  });
  return f;
}

export function loginPage() {
  const a = alertBox();
  show(h('section', { class: 'narrow' },
    h('h1', {}, t('signin')),
    a,
    form('signin', [
      field('username', t('username'), { autocomplete: 'username', required: true, autocapitalize: 'none' }),
      field('password', t('password'), { type: 'password', autocomplete: 'current-password', required: true }),
      field('totp', t('totp_code'), { inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 8 }),
    ], t('signin'), a, async (v) => {
      const body = { username: v.username, password: v.password };
      if (v.totp) body.totp = v.totp;
      try {
        await api('POST', '/session', body);
      } catch (e) {
        e.message = t('signin_failed') + ': ' + e.message;
        throw e;
      }
      await refresh();
    }),
    h('p', {}, h('a', { href: '#/reset', id: 'to-reset' }, t('use_reset')))));
}

// A reset token (issued after re-identification: POST /users/NAME/reset or `brokersec user
// reset`) and the new password; the API applies the policy and uses the token once.
export function resetPage() {
  const a = alertBox();
  show(h('section', { class: 'narrow' },
    h('h1', {}, t('reset_title')), h('p', {}, t('reset_why')), a,
    form('reset', [
      field('token', t('reset_token'), { autocomplete: 'off', required: true, spellcheck: 'false' }),
      field('reset_new', t('new_password'), { type: 'password', autocomplete: 'new-password', required: true }),
      field('reset_new2', t('new_password2'), { type: 'password', autocomplete: 'new-password', required: true }),
    ], t('change_password'), a, async (v) => {
      if (v.reset_new !== v.reset_new2) throw new Error(t('mismatch'));
      await api('POST', '/password-reset', { token: v.token.trim(), new_password: v.reset_new });
      document.getElementById('reset').reset();
      a.say(t('reset_done'), true);
    }),
    h('p', {}, h('a', { href: '#/' }, t('signin')))));
}

// The password change: current, new twice (compared here only to catch a typing slip; the
// API applies the policy and says what is wrong).
export function passwordForm(a, done) {
  return form('password-form', [
    field('current_password', t('current_password'), { type: 'password', autocomplete: 'current-password', required: true }),
    field('new_password', t('new_password'), { type: 'password', autocomplete: 'new-password', required: true }),
    field('new_password2', t('new_password2'), { type: 'password', autocomplete: 'new-password', required: true }),
  ], t('change_password'), a, async (v) => {
    if (v.new_password !== v.new_password2) throw new Error(t('mismatch'));
    await api('POST', '/me/password', { current_password: v.current_password, new_password: v.new_password });
    await done();
  });
}

export function changePage() {
  const a = alertBox();
  show(h('section', { class: 'narrow' },
    h('h1', {}, t('first_change')), h('p', {}, t('first_change_why')), a, passwordForm(a, refresh)));
}

// TOTP enrolment: the password again, the key to type or scan, then a code to confirm it.
export function totpSection(a, done, why = 'totp_why') {
  const out = h('div', { id: 'totp-key' });
  const confirm = form('totp-confirm', [
    field('code', t('totp_code'), { inputmode: 'numeric', autocomplete: 'one-time-code', required: true, maxlength: 8 }),
  ], t('totp_confirm'), a, async (v) => {
    await api('POST', '/me/totp/confirm', { code: v.code });
    await done();
  });
  confirm.hidden = true;
  const start = form('totp-start', [
    field('totp_password', t('password'), { type: 'password', autocomplete: 'current-password', required: true }),
  ], t('totp_start'), a, async (v) => {
    const r = await api('POST', '/me/totp', { password: v.totp_password });
    out.replaceChildren(
      h('p', {}, t('totp_secret'), ': ', h('code', { id: 'totp-secret' }, r.secret)),
      h('p', { class: 'small' }, h('code', {}, r.otpauth_uri)));
    start.hidden = true;
    confirm.hidden = false;
    confirm.querySelector('input').focus();
  });
  return h('div', {}, h('p', {}, t(why)), start, out, confirm);
}

export function totpPage() {
  const a = alertBox();
  show(h('section', { class: 'narrow' }, h('h1', {}, t('totp_setup')), a, totpSection(a, refresh)));
}
