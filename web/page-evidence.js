// page-evidence.js - evidence (docs/status.md "Evidence and its review"): the list a page at a
// time from the server (GET /evidence?state&control&queue=1: the ones awaiting review first),
// the upload form (a file read in the browser, sent as base64 in POST /evidence), one record
// (GET /evidence/ID) with its file (GET /evidence/ID/file, an attachment) and the review:
// accept or reject with a comment (POST /evidence/ID/review). Who may upload or review is the
// API's answer; the page only leaves out what the role cannot do, and shows every refusal
// (the submitter reviewing their own file) as the API wrote it.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, addStrings } from './i18n.js';
import { day, when } from './fmt.js';
import { app } from './app.js';

addStrings({
  ev_menu: ['佐證', 'Evidence'],
  ev_title: ['佐證檔案', 'Evidence'],
  ev_intro: ['佐證提交後為「待審核」；須由提交者以外之資安專責人員或稽核審核，採認後始計入符合狀態，並於有效期間內有效（該控制項之週期，未定者一年）。',
    'Evidence is submitted, then accepted or rejected by a security officer or auditor other than the submitter; only accepted evidence counts, within its validity (the control\'s cycle, else a year).'],
  ev_pending: ['待審核：{n} 件', 'Awaiting review: {n}'],
  ev_submitted: ['待審核', 'awaiting review'],
  ev_accepted: ['已採認', 'accepted'],
  ev_rejected: ['已退回', 'rejected'],
  ev_expired: ['已逾有效期', 'expired'],
  ev_state: ['狀態', 'State'],
  ev_control: ['控制項編號', 'Control id'],
  ev_filter: ['篩選', 'Filter'],
  ev_target: ['佐證對象', 'Proves'],
  ev_name: ['檔名', 'File name'],
  ev_size: ['大小', 'Size'],
  ev_by: ['提交者', 'Submitted by'],
  ev_at: ['提交時間', 'Submitted'],
  ev_reviewer: ['審核者', 'Reviewer'],
  ev_reviewed_at: ['審核時間', 'Reviewed'],
  ev_comment_shown: ['審核意見', 'Review comment'],
  ev_valid_until: ['有效至', 'Valid until'],
  ev_note: ['說明', 'Note'],
  ev_sha: ['SHA-256 雜湊值', 'SHA-256'],
  ev_none: ['尚無佐證', 'No evidence'],
  ev_upload: ['上傳佐證', 'Upload evidence'],
  ev_kind: ['佐證對象類型', 'What it proves'],
  ev_kind_control: ['控制項', 'a control'],
  ev_kind_record: ['登記簿紀錄（REGISTER:ID）', 'a register record (REGISTER:ID)'],
  ev_target_id: ['控制項編號（如 SR.4.5）或登記簿紀錄（如 person:10）', 'Control id (e.g. SR.4.5) or register record (e.g. person:10)'],
  ev_file: ['檔案', 'File'],
  ev_limit: ['經網頁上傳之檔案以 {mb} MB（{n} 位元組）為限；較大之檔案（至 100 MiB）請以指令 brokersec evidence add 加入。檔案以 SHA-256 保存，內容不得更改。',
    'Files uploaded here are limited to {mb} MB ({n} bytes); larger ones (up to 100 MiB) go in with brokersec evidence add. The file is kept under its SHA-256 and cannot change.'],
  ev_too_big: ['檔案「{f}」為 {n} 位元組，超過網頁上傳上限 {max} 位元組：請以指令 brokersec evidence add 加入，或壓縮後再上傳。',
    'The file \'{f}\' is {n} bytes, more than the web upload limit of {max} bytes: add it with brokersec evidence add, or compress it first.'],
  ev_no_file: ['請選擇要上傳的檔案', 'Choose the file to upload'],
  ev_no_target: ['請填寫佐證對象：控制項編號或 REGISTER:ID', 'Fill in what it proves: a control id or REGISTER:ID'],
  ev_send: ['提交佐證', 'Submit evidence'],
  ev_sending: ['上傳中…', 'Uploading…'],
  ev_sent: ['已提交佐證 #{id}，待審核', 'Evidence #{id} submitted: awaiting review'],
  ev_no_write: ['您的角色無上傳佐證之權限（evidence.write）：請由資安專責人員、IT 人員或管理者上傳。',
    'Your role may not upload evidence (evidence.write): a security officer, IT staff or an administrator uploads it.'],
  ev_download: ['下載檔案', 'Download the file'],
  ev_download_why: ['下載時伺服器依 SHA-256 核對檔案，與紀錄不符者不予提供並發出警示。',
    'The server checks the file against its SHA-256 on each download; a file that does not match is refused and an alert raised.'],
  ev_review: ['審核', 'Review'],
  ev_review_why: ['採認或退回皆須填寫意見，審核一經送出即為最終結果，並記錄於事件日誌。',
    'Accepting or rejecting needs a comment; a review is final and recorded in the event log.'],
  ev_comment: ['審核意見（必填）', 'Review comment (required)'],
  ev_accept: ['採認', 'Accept'],
  ev_reject: ['退回', 'Reject'],
  ev_need_comment: ['請填寫審核意見：採認或退回都須說明理由', 'Write a review comment: accepting or rejecting needs a reason'],
  ev_own: ['您是此佐證的提交者（{u}），不得審核自己提交的佐證：須由另一位資安專責人員或稽核審核。',
    'You submitted this evidence ({u}) and cannot review it yourself: another security officer or auditor must.'],
  ev_reviewed_ok: ['已{d}佐證 #{id}', 'Evidence #{id}: {d}'],
  ev_final: ['此佐證已審核，審核為最終結果；如需重新審核，請再次上傳檔案。',
    'This evidence is reviewed and a review is final: upload the file again to have it reviewed anew.'],
  ev_no_review_role: ['審核由資安專責人員或稽核為之（evidence.review）。', 'Security officers and auditors review evidence (evidence.review).'],
  ev_back: ['返回佐證清單', 'Back to the evidence list'],
  ev_bytes: ['{n} 位元組', '{n} bytes'],
});

const PAGE = 50;
// POST /evidence takes a JSON body of at most 4 MiB: the file as base64 (4/3 of it) and the
// rest of the record must fit, so the page stops at 3 MB before reading the file.
export const MAX_UPLOAD = 3000000;
const STATES = ['submitted', 'accepted', 'rejected', 'expired'];
const WRITERS = ['admin', 'security_officer', 'it_staff']; // evidence.write (src/auth/perm.c)
const REVIEWERS = ['security_officer', 'auditor'];          // evidence.review

const has = (roles) => !!(app.me && app.me.roles.some((r) => roles.includes(r)));
const num = (n) => new Intl.NumberFormat('en-US').format(n);

function stateOf(e) {
  return e.expired ? 'expired' : e.state;
}

function badge(e) {
  const st = stateOf(e);
  const cls = { submitted: 'unknown', accepted: 'met', rejected: 'not_met', expired: 'due' }[st];
  return h('span', { class: 'badge ev-state st-' + cls + '-t', 'data-state': st }, t('ev_' + st));
}

function size(n) {
  if (n < 1024) return t('ev_bytes', { n: num(n) });
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
  return (n / 1024 / 1024).toFixed(1) + ' MiB';
}

function target(e) {
  if (e.record) {
    const spec = e.record.register + ':' + e.record.id;
    return h('a', { href: '#/registers/' + e.record.register + '/' + e.record.id }, spec);
  }
  return h('a', { href: '#/controls?q=' + encodeURIComponent(e.control_id), class: 'cid' }, e.control_id);
}

// The file as base64 (RFC 4648, padded), read in the browser: nothing leaves before the size
// check has passed.
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^[^,]*,/, ''));
    r.onerror = () => reject(r.error || new Error('FileReader'));
    r.readAsDataURL(file);
  });
}

function uploadForm(qs) {
  const a = alertBox();
  const control = qs.get('control') || '', record = qs.get('record') || '';
  const kind = h('select', { id: 'ev-kind', name: 'kind' },
    h('option', { value: 'control', selected: !record }, t('ev_kind_control')),
    h('option', { value: 'record', selected: !!record }, t('ev_kind_record')));
  const tgt = h('input', { id: 'ev-target', name: 'target', type: 'text', value: record || control, maxlength: 96,
    'aria-required': 'true', autocomplete: 'off' });
  const file = h('input', { id: 'ev-file', name: 'file', type: 'file', 'aria-required': 'true', 'aria-describedby': 'ev-limit' });
  const note = h('textarea', { id: 'ev-note', name: 'note', rows: 3, maxlength: 4000 });
  const send = h('button', { type: 'submit' }, t('ev_send'));
  const f = h('form', { id: 'ev-upload', novalidate: true },
    h('p', { class: 'small', id: 'ev-limit' }, t('ev_limit', { mb: MAX_UPLOAD / 1e6, n: num(MAX_UPLOAD) })),
    h('div', { class: 'field' }, h('label', { for: 'ev-kind' }, t('ev_kind')), kind),
    h('div', { class: 'field' }, h('label', { for: 'ev-target' }, t('ev_target_id')), tgt),
    h('div', { class: 'field' }, h('label', { for: 'ev-file' }, t('ev_file')), file),
    h('div', { class: 'field' }, h('label', { for: 'ev-note' }, t('ev_note')), note),
    a, h('div', { class: 'bar' }, send));
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    a.say('');
    const fl = file.files && file.files[0], id = tgt.value.trim();
    if (!id) { a.say(t('ev_no_target')); tgt.focus(); return; }
    if (!fl) { a.say(t('ev_no_file')); file.focus(); return; }
    if (fl.size > MAX_UPLOAD) {
      a.say(t('ev_too_big', { f: fl.name, n: num(fl.size), max: num(MAX_UPLOAD) }));
      file.focus();
      return;
    }
    send.disabled = true;
    send.textContent = t('ev_sending');
    try {
      const body = { name: fl.name, content_base64: await readBase64(fl) };
      if (kind.value === 'record') body.record = id; else body.control_id = id;
      if (note.value.trim()) body.note = note.value.trim();
      const e = await api('POST', '/evidence', body);
      sessionStorage.setItem('bs.flash', t('ev_sent', { id: e.id }));
      location.hash = '#/evidence/' + e.id;
    } catch (err) {
      a.say(err.message);
    } finally {
      send.disabled = false;
      send.textContent = t('ev_send');
    }
  });
  return f;
}

async function listPage() {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const state = STATES.includes(qs.get('state')) ? qs.get('state') : '';
  const control = qs.get('control') || '', record = qs.get('record') || '';
  const offset = Math.max(0, Number(qs.get('offset')) || 0);
  const args = new URLSearchParams({ queue: '1', offset: String(offset), limit: String(PAGE) });
  if (state) args.set('state', state);
  if (control) args.set('control', control);
  else if (record) args.set('record', record); // #/evidence?record=person:10: that record's evidence
  const [page, pending] = await Promise.all([api('GET', '/evidence?' + args),
    api('GET', '/evidence?state=submitted&limit=1')]);
  const go = (changes) => {
    const n = new URLSearchParams({ state, control, record, offset: String(offset), ...changes });
    if (changes.control !== undefined) n.delete('record'); // the filter form names a control
    for (const k of ['state', 'control', 'record']) if (!n.get(k)) n.delete(k);
    location.hash = '#/evidence?' + n;
  };
  const filter = h('form', { class: 'bar', role: 'search', id: 'ev-filter' },
    h('label', { for: 'ev-fstate' }, t('ev_state')),
    h('select', { id: 'ev-fstate' }, h('option', { value: '' }, t('all')),
      STATES.map((k) => h('option', { value: k, selected: k === state }, t('ev_' + k)))),
    h('label', { for: 'ev-fcontrol' }, t('ev_control')),
    h('input', { id: 'ev-fcontrol', type: 'search', value: control, maxlength: 64, size: 12 }),
    h('button', { type: 'submit' }, t('ev_filter')));
  filter.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ state: filter.querySelector('#ev-fstate').value, control: filter.querySelector('#ev-fcontrol').value.trim(), offset: '0' });
  });
  const cols = ['ID', t('ev_target'), t('ev_name'), t('ev_size'), t('ev_by'), t('ev_at'), t('ev_state'), t('ev_reviewer'), t('ev_valid_until')];
  const rows = page.evidence.map((e) => h('tr', { 'data-id': e.id },
    h('td', {}, h('a', { href: '#/evidence/' + e.id }, '#' + e.id)),
    h('td', {}, target(e)),
    h('td', { class: 'ev-name' }, e.name),
    h('td', { class: 'n' }, size(e.size)),
    h('td', {}, e.created_by),
    h('td', {}, when(e.created_at)),
    h('td', {}, badge(e)),
    h('td', {}, e.reviewed_by || ''),
    h('td', {}, e.valid_until ? day(e.valid_until) : '')));
  const end = Math.min(offset + page.evidence.length, page.total);
  const upload = has(WRITERS)
    ? h('details', { class: 'ev-upload', open: qs.get('new') === '1' }, h('summary', {}, t('ev_upload')), uploadForm(qs))
    : (qs.get('new') === '1' ? h('p', { class: 'small' }, t('ev_no_write')) : null);
  const a = alertBox();
  show(h('h1', {}, t('ev_title')), a,
    h('p', { class: 'small' }, t('ev_intro')),
    upload,
    h('p', { id: 'ev-pending' }, h('a', { href: '#/evidence?state=submitted' }, t('ev_pending', { n: pending.total }))),
    filter,
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('ev_title') },
      h('table', { class: 'data', id: 'ev-list' },
        h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: cols.length }, t('ev_none')))))),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')),
      h('span', { id: 'ev-pageinfo' }, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('next'))));
  if (qs.get('new') === '1' && has(WRITERS)) {
    const el = document.getElementById(qs.get('control') || qs.get('record') ? 'ev-file' : 'ev-target');
    if (el) el.focus();
  }
}

function reviewSection(e) {
  const a = alertBox(); // the refusal beside the buttons that caused it
  const mine = app.me && app.me.user === e.created_by;
  const comment = h('textarea', { id: 'ev-comment', rows: 3, maxlength: 4000, 'aria-required': 'true' });
  const decide = async (decision, btn) => {
    a.say('');
    if (!comment.value.trim()) { a.say(t('ev_need_comment')); comment.focus(); return; }
    btn.disabled = true;
    try {
      await api('POST', '/evidence/' + e.id + '/review', { decision, comment: comment.value.trim() });
      sessionStorage.setItem('bs.flash', t('ev_reviewed_ok', { id: e.id, d: t(decision === 'accept' ? 'ev_accepted' : 'ev_rejected') }));
      await detailPage(String(e.id));
    } catch (err) {
      a.say(err.message);
      btn.disabled = false;
    }
  };
  const acc = h('button', { type: 'button', id: 'ev-accept' }, t('ev_accept'));
  const rej = h('button', { type: 'button', id: 'ev-reject', class: 'danger' }, t('ev_reject'));
  acc.addEventListener('click', () => decide('accept', acc));
  rej.addEventListener('click', () => decide('reject', rej));
  return h('section', { class: 'card', id: 'ev-review', 'aria-labelledby': 'ev-review-h' },
    h('h2', { id: 'ev-review-h' }, t('ev_review')),
    mine ? h('p', { class: 'ev-own', id: 'ev-own' }, t('ev_own', { u: e.created_by })) : null,
    h('p', { class: 'small' }, t('ev_review_why')),
    h('div', { class: 'field' }, h('label', { for: 'ev-comment' }, t('ev_comment')), comment),
    a, h('div', { class: 'bar' }, acc, rej));
}

async function detailPage(id) {
  const e = await api('GET', '/evidence/' + encodeURIComponent(id));
  const a = alertBox();
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  const parts = [h('h1', {}, t('ev_title'), ' #' + e.id), a,
    h('dl', { id: 'ev-detail' },
      row(t('ev_target'), target(e)),
      row(t('ev_name'), h('span', { class: 'ev-name' }, e.name)),
      row(t('ev_size'), size(e.size) + (e.size >= 1024 ? ' (' + t('ev_bytes', { n: num(e.size) }) + ')' : '')),
      row(t('ev_sha'), h('code', { id: 'ev-sha' }, e.sha256)),
      row(t('ev_note'), e.note || '—'),
      row(t('ev_by'), e.created_by),
      row(t('ev_at'), when(e.created_at)),
      row(t('ev_state'), badge(e)),
      e.reviewed_by ? [row(t('ev_reviewer'), e.reviewed_by), row(t('ev_reviewed_at'), when(e.reviewed_at)),
        row(t('ev_comment_shown'), h('span', { id: 'ev-review-comment' }, e.review_comment))] : null,
      e.valid_until ? row(t('ev_valid_until'), day(e.valid_until)) : null),
    h('p', { class: 'bar' },
      h('a', { class: 'button', id: 'ev-download', href: '/api/v1/evidence/' + e.id + '/file', download: e.name }, t('ev_download')),
      h('a', { class: 'button secondary', href: '#/evidence' }, t('ev_back'))),
    h('p', { class: 'small' }, t('ev_download_why'))];
  if (e.state === 'submitted') parts.push(has(REVIEWERS) ? reviewSection(e) : h('p', { class: 'small' }, t('ev_no_review_role')));
  else parts.push(h('p', { class: 'small' }, t('ev_final')));
  show(parts);
  const flash = sessionStorage.getItem('bs.flash');
  if (flash) { sessionStorage.removeItem('bs.flash'); a.say(flash, true); }
}

export async function evidencePage(args) {
  if (args[0]) return detailPage(args[0]);
  return listPage();
}
