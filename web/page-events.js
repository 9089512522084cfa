// page-events.js - the event log (SR.11, A2.4.1.7): its status and alert (GET /events/status),
// a search a page of 50 at a time from the server by cursor (GET /events?before|after, newest
// first; the server examines a bounded window per request, so a page may come back short and
// still go on), one event in full (#/events/SEQ), the integrity check (POST /events/verify) and
// the export bundle of a period (GET /events/bundle, a download that verifies offline). Every
// read is itself an event on the server (A2.4.1.7.6). Dates are chosen as Taiwan days and sent
// as the UTC instants that begin and end them.
import { api, ApiError } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, lang, addStrings } from './i18n.js';
import { when } from './fmt.js';

addStrings({
  lg_menu: ['事件日誌', 'Event log'],
  lg_why: ['依自律規範第十一條（事件日誌機制）及附件二肆、一、(七)：日誌保存至少六個月、防止竄改，查閱日誌亦留存紀錄。',
    'Self-regulation art. 11 (event logging) and Annex 2 IV.1.(7): kept at least six months, tamper-evident; every read is recorded too.'],
  lg_status: ['日誌狀態', 'Log status'],
  lg_head: ['最新樹根（請抄錄保存）', 'Head (write it down)'],
  lg_retention: ['保存期限', 'Retention'], lg_days: ['{n} 日', '{n} days'],
  lg_filter: ['篩選', 'Filter'],
  lg_from: ['起日（臺北時間）', 'From (Taipei date)'], lg_to: ['迄日（臺北時間）', 'To (Taipei date)'],
  lg_type: ['事件類型（或前綴，如 auth）', 'Event type (or a prefix such as auth)'],
  lg_user: ['使用者', 'User'], lg_host: ['主機', 'Host'], lg_q: ['文字', 'Text'],
  lg_apply: ['查詢', 'Search'], lg_clear: ['清除條件', 'Clear'],
  lg_time: ['時間', 'Time'], lg_etype: ['類型', 'Type'], lg_actor: ['執行者', 'Actor'],
  lg_summary: ['摘要', 'Summary'], lg_seq: ['序號', 'Seq'],
  lg_newer: ['較新', 'Newer'], lg_older: ['較舊', 'Older'],
  lg_none: ['無符合條件之事件', 'No events match'],
  lg_window: ['本次檢視至第 {a}–{b} 筆事件，尚無符合者：請按「較舊」／「較新」繼續搜尋',
    'No match among events #{a}–#{b} examined so far: use Older / Newer to search on'],
  lg_shown: ['顯示 {n} 筆（序號 {a}–{b}）', '{n} shown (seq {a}–{b})'],
  lg_verify: ['驗證完整性', 'Verify integrity'], lg_verifying: ['驗證中…', 'Verifying…'],
  lg_verify_scope: ['驗證範圍：{s}', 'Verified: {s}'], lg_all: ['全部日誌', 'the whole log'],
  lg_period: ['{a} 至 {b}', '{a} to {b}'],
  lg_intact: ['完整：{e} 筆事件（序號 {f}–{l}）、{c} 個檢查點，耗時 {ms} 毫秒',
    'Intact: {e} events (seq {f}–{l}), {c} checkpoints, in {ms} ms'],
  lg_tampered: ['驗證失敗（日誌遭竄改或毀損）：', 'Verification FAILED (tampered or damaged): '],
  lg_seals: ['本項驗證已檢查雜湊鏈與簽章之樹根；前向安全封印須以 init 時交付稽核之驗證金鑰離線檢查：匯出後執行 brokersec log verify --bundle 檔案 --key 金鑰檔。',
    'This checked the hash chain and the signed tree heads; the forward-secure seals need the verification key given to the auditor at init, offline: export, then run brokersec log verify --bundle FILE --key KEYFILE.'],
  lg_export: ['匯出', 'Export'], lg_exporting: ['匯出中…', 'Exporting…'],
  lg_export_need: ['匯出前請選擇起日與迄日', 'Choose the From and To dates to export'],
  lg_exported: ['已下載 {f}（SHA-256 {s}），可以 brokersec log verify --bundle 離線驗證',
    'Downloaded {f} (SHA-256 {s}); it verifies offline with brokersec log verify --bundle'],
  lg_event: ['事件 #{n}', 'Event #{n}'], lg_back: ['返回列表', 'Back to the list'],
  lg_not_found: ['找不到此事件（可能已逾保存期限而刪除）', 'No such event (it may have been purged after the retention)'],
  lg_f_seq: ['序號', 'seq'], lg_f_time: ['時間（臺北）', 'time (Taipei)'], lg_f_utc: ['時間（UTC）', 'time (UTC)'],
  lg_f_type: ['類型', 'type'], lg_f_severity: ['嚴重度', 'severity'], lg_f_host: ['主機', 'host'],
  lg_f_source: ['來源', 'source'], lg_f_system: ['系統', 'system'], lg_f_user: ['使用者', 'user'],
  lg_f_outcome: ['結果', 'outcome'], lg_f_message: ['訊息', 'message'], lg_f_data: ['詳細資料', 'data'],
  lg_failure: ['失敗', 'failure'], lg_success: ['成功', 'success'],
});

const PAGE = 50;
const FILTERS = ['from', 'to', 'type', 'user', 'host', 'q'];

// The state of the list lives in the hash (#/events?type=..&before=..), so Back works.
function state() {
  return new URLSearchParams(location.hash.split('?')[1] || '');
}

function go(qs, seq) {
  const keep = new URLSearchParams();
  for (const [k, v] of qs) if (v !== '') keep.set(k, v);
  location.hash = '#/events' + (seq ? '/' + seq : '') + (String(keep) ? '?' + keep : '');
}

// A Taiwan calendar day -> the UTC instant that begins it, or that ends it (microseconds).
function utcFrom(d) {
  return new Date(Date.parse(d + 'T00:00:00+08:00')).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
function utcTo(d) {
  return new Date(Date.parse(d + 'T23:59:59+08:00')).toISOString().replace(/\.\d{3}Z$/, '.999999Z');
}

// The API's arguments for the filters in qs (dates converted).
function apiArgs(qs) {
  const a = new URLSearchParams();
  for (const k of FILTERS) {
    const v = qs.get(k);
    if (!v) continue;
    a.set(k, k === 'from' ? utcFrom(v) : k === 'to' ? utcTo(v) : v);
  }
  return a;
}

async function statusCard() {
  const st = await api('GET', '/events/status');
  const alert = st.alert ? (typeof st.alert === 'string' ? st.alert : JSON.stringify(st.alert)) : null;
  return h('section', { class: 'card', 'aria-labelledby': 'lg-st-h', id: 'lg-status' },
    h('h2', { id: 'lg-st-h' }, t('lg_status')),
    h('dl', {},
      h('dt', {}, t('events')), h('dd', {}, String(st.events)),
      h('dt', {}, t('checkpoint')), h('dd', {}, st.checkpoint && st.checkpoint.time ? when(st.checkpoint.time) : t('none')),
      h('dt', {}, t('lg_head')), h('dd', {}, h('code', {}, st.checkpoint ? st.checkpoint.head : '')),
      h('dt', {}, t('lg_retention')), h('dd', {}, t('lg_days', { n: st.retention_days })),
      h('dt', {}, t('alert')), h('dd', { class: alert ? 'bad' : '', id: 'lg-alert' }, alert || t('no_alert'))));
}

function field(id, label, attrs) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id.slice(3), ...attrs }));
}

function filterForm(qs) {
  const f = h('form', { id: 'lg-filter', class: 'lg-filter', role: 'search', 'aria-label': t('lg_filter') },
    field('lg-from', t('lg_from'), { type: 'date', value: qs.get('from') || '' }),
    field('lg-to', t('lg_to'), { type: 'date', value: qs.get('to') || '' }),
    field('lg-type', t('lg_type'), { type: 'text', value: qs.get('type') || '', maxlength: 64, autocomplete: 'off' }),
    field('lg-user', t('lg_user'), { type: 'text', value: qs.get('user') || '', maxlength: 256, autocomplete: 'off' }),
    field('lg-host', t('lg_host'), { type: 'text', value: qs.get('host') || '', maxlength: 256, autocomplete: 'off' }),
    field('lg-q', t('lg_q'), { type: 'search', value: qs.get('q') || '', maxlength: 200, autocomplete: 'off' }),
    h('div', { class: 'bar' }, h('button', { type: 'submit' }, t('lg_apply')),
      h('button', { type: 'button', class: 'secondary', onclick: () => go(new URLSearchParams()) }, t('lg_clear'))));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = new URLSearchParams();
    for (const k of FILTERS) n.set(k, f.elements[k].value.trim());
    go(n); // a new search starts at the newest events
  });
  return f;
}

function outcome(v) {
  return v === 'failure' ? t('lg_failure') : v === 'success' ? t('lg_success') : '';
}

function table(events, qs) {
  const rows = events.map((e) => h('tr', { class: e.outcome === 'failure' ? 'lg-fail' : '' },
    h('td', {}, h('a', { href: '#/events/' + e.seq + (String(qs) ? '?' + qs : ''), 'aria-label': t('lg_event', { n: e.seq }) }, String(e.seq))),
    h('td', { class: 'lg-when' }, when(e.time)),
    h('td', {}, h('span', { class: 'cid' }, e.type)),
    h('td', {}, e.user || ''),
    h('td', {}, e.host || ''),
    h('td', { class: 'lg-msg' }, e.outcome === 'failure' ? '✗ ' : '', e.message || '')));
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('lg_menu') },
    h('table', { class: 'data', id: 'lg-events' },
      h('thead', {}, h('tr', {}, [t('lg_seq'), t('lg_time'), t('lg_etype'), t('lg_actor'), t('lg_host'), t('lg_summary')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

// The integrity check: the whole log, or the period of the filter when it has both dates.
function verifyBox(qs) {
  const out = alertBox();
  const note = h('p', { class: 'small', id: 'lg-verify-note', hidden: true }, t('lg_seals'));
  const b = h('button', { type: 'button', id: 'lg-verify' }, t('lg_verify'));
  b.addEventListener('click', async () => {
    b.disabled = true;
    b.textContent = t('lg_verifying');
    out.say('');
    note.hidden = true;
    try {
      const period = qs.get('from') && qs.get('to');
      const args = period ? '?' + new URLSearchParams({ from: utcFrom(qs.get('from')), to: utcTo(qs.get('to')) }) : '';
      const r = await api('POST', '/events/verify' + args);
      const scope = t('lg_verify_scope', { s: period ? t('lg_period', { a: qs.get('from'), b: qs.get('to') }) : t('lg_all') });
      if (r.intact) {
        out.say(t('lg_intact', { e: r.events, f: r.first_seq, l: r.last_seq, c: r.checkpoints,
          ms: Math.round(r.elapsed_ms) }) + '。' + scope, true);
      } else {
        out.say(t('lg_tampered') + (r.problem || '') + '。' + scope);
      }
      note.hidden = !!r.seals_checked;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) throw e;
      out.say(e.message);
    } finally {
      b.disabled = false;
      b.textContent = t('lg_verify');
    }
  });
  out.id = 'lg-verify-result';
  return { button: b, parts: [out, note] };
}

// The export bundle of the filter's period: fetched (so that an error is the API's message,
// not a downloaded error), then saved under the name the server gives.
function exportBox(qs) {
  const out = alertBox();
  out.id = 'lg-export-result';
  const b = h('button', { type: 'button', id: 'lg-export', class: 'secondary' }, t('lg_export'));
  b.addEventListener('click', async () => {
    out.say('');
    const from = document.getElementById('lg-from').value, to = document.getElementById('lg-to').value;
    if (!from || !to) { out.say(t('lg_export_need')); document.getElementById(from ? 'lg-to' : 'lg-from').focus(); return; }
    b.disabled = true;
    b.textContent = t('lg_exporting');
    try {
      const r = await fetch('/api/v1/events/bundle?' + new URLSearchParams({ from: utcFrom(from), to: utcTo(to) }),
        { headers: { 'Accept-Language': lang() }, credentials: 'same-origin' });
      if (!r.ok) {
        let msg = 'HTTP ' + r.status;
        try { msg = (await r.json()).error.message; } catch { /* not the API's JSON */ }
        out.say(msg);
        return;
      }
      const cd = r.headers.get('Content-Disposition') || '';
      const name = (/filename="([^"]+)"/.exec(cd) || [null, 'events.sqlite'])[1];
      const sha = r.headers.get('X-Content-SHA256') || '';
      const url = URL.createObjectURL(await r.blob());
      const a = h('a', { href: url, download: name, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      out.say(t('lg_exported', { f: name, s: sha }), true);
    } catch (e) {
      out.say(String(e.message || e));
    } finally {
      b.disabled = false;
      b.textContent = t('lg_export');
    }
  });
  return { button: b, parts: [out] };
}

async function listPage() {
  const qs = state();
  const filters = new URLSearchParams();
  for (const k of FILTERS) if (qs.get(k)) filters.set(k, qs.get(k));
  const args = apiArgs(qs);
  args.set('limit', String(PAGE));
  if (qs.get('before')) args.set('before', qs.get('before'));
  else if (qs.get('after')) args.set('after', qs.get('after'));
  const a = alertBox();
  const [card, page] = await Promise.all([statusCard(), api('GET', '/events?' + args).catch((e) => {
    if (e instanceof ApiError && e.status === 400) { a.say(e.message); return null; } // a filter the API refused
    throw e;
  })]);
  const v = verifyBox(filters), x = exportBox(filters);
  const move = (k, val) => { const n = new URLSearchParams(filters); n.set(k, String(val)); go(n); };
  const parts = [h('h1', {}, t('lg_menu')), h('p', { class: 'small' }, t('lg_why')),
    h('div', { class: 'cards' }, card,
      h('section', { class: 'card', 'aria-labelledby': 'lg-int-h' }, h('h2', { id: 'lg-int-h' }, t('lg_verify'), ' / ', t('lg_export')),
        h('div', { class: 'bar' }, v.button, x.button), v.parts, x.parts)),
    h('h2', {}, t('lg_filter')), filterForm(qs), a];
  if (page) {
    const ev = page.events;
    let info;
    if (ev.length) info = t('lg_shown', { n: ev.length, a: ev[ev.length - 1].seq, b: ev[0].seq });
    else if (page.older || page.newer) info = t('lg_window', { a: page.scanned ? page.scanned.from_seq : '', b: page.scanned ? page.scanned.to_seq : '' });
    else info = t('lg_none');
    const pager = () => h('nav', { class: 'pager', 'aria-label': t('lg_menu') },
      h('button', { type: 'button', class: 'lg-newer', disabled: !page.newer, onclick: () => move('after', page.newer) }, '← ', t('lg_newer')),
      h('button', { type: 'button', class: 'lg-older', disabled: !page.older, onclick: () => move('before', page.older) }, t('lg_older'), ' →'));
    parts.push(h('p', { id: 'lg-info', role: 'status' }, info), ev.length ? table(ev, filters) : null, pager());
  }
  show(parts);
}

function value(k, v) {
  if (v === null || v === undefined) return '—';
  if (k === 'time') return when(v);
  if (k === 'outcome') return outcome(v) || v;
  if (k === 'data') return typeof v === 'object' ? dataList(v) : String(v);
  return String(v);
}

// The event's data: a definition list of its members, nested objects as nested lists.
function dataList(o) {
  if (Array.isArray(o)) return h('code', {}, JSON.stringify(o));
  return h('dl', { class: 'lg-data' }, Object.entries(o).map(([k, v]) => [h('dt', {}, k),
    h('dd', {}, v !== null && typeof v === 'object' ? dataList(v) : h('span', { class: 'lg-val' }, String(v)))]));
}

async function eventPage(seq) {
  const qs = state();
  const back = new URLSearchParams();
  for (const k of [...FILTERS, 'before', 'after']) if (qs.get(k)) back.set(k, qs.get(k));
  const n = Number(seq);
  const r = Number.isSafeInteger(n) && n > 0
    ? await api('GET', '/events?' + new URLSearchParams({ before: String(n + 1), limit: '1', scan: '1' })) : { events: [] };
  const e = r.events.find((x) => x.seq === n);
  const parts = [h('h1', {}, t('lg_event', { n: seq })),
    h('p', {}, h('a', { href: '#/events' + (String(back) ? '?' + back : ''), id: 'lg-back' }, '← ', t('lg_back')))];
  if (!e) {
    const a = alertBox();
    parts.push(a);
    show(parts);
    a.say(t('lg_not_found'));
    return;
  }
  const keys = ['seq', 'time', 'type', 'severity', 'outcome', 'user', 'host', 'source', 'system', 'message', 'data'];
  parts.push(h('dl', { id: 'lg-detail', class: 'lg-detail' }, keys.map((k) => [
    h('dt', {}, t('lg_f_' + k)), h('dd', {}, value(k, e[k])),
    k === 'time' ? [h('dt', {}, t('lg_f_utc')), h('dd', {}, h('code', {}, e.time))] : null])));
  show(parts);
}

export async function eventsPage(args) {
  if (args[0]) return eventPage(args[0]);
  return listPage();
}
