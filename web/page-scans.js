// page-scans.js - saved host scans (`brokersec scan --save`) and their waivers: #/scans the last
// scan of each host and, with ?host=, that host's history; #/scans/ID one scan, failing checks
// first with the clauses they serve, what was found and the fix, and a 豁免 form per failing
// check; #/scans/waivers the waivers, valid or expired. Also the dashboard's 最近掃描 panel
// (latestScansPanel). The API decides every call: GET /scans, /scans/latest, /scans/ID,
// /scan-waivers (status.read), POST /scan-waivers (evidence.write).
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, pick, addStrings } from './i18n.js';
import { day, when } from './fmt.js';
import { app } from './app.js';

addStrings({
  sc_menu: ['主機掃描', 'Scans'],
  sc_latest: ['各主機最近一次掃描', 'Last scan per host'],
  sc_history: ['掃描紀錄：{host}', 'Scan history: {host}'],
  sc_all_hosts: ['所有主機', 'All hosts'],
  sc_waivers: ['豁免', 'Waivers'],
  sc_host: ['主機', 'Host'], sc_time: ['掃描時間', 'Scanned'], sc_system: ['系統', 'System'],
  sc_device: ['設備', 'Device'], sc_platform: ['平台', 'Platform'], sc_root: ['掃描根目錄', 'Root'],
  sc_by: ['執行者', 'By'], sc_open: ['未豁免不符', 'Open failures'], sc_fail: ['不符', 'Failed'],
  sc_waived_n: ['已豁免', 'Waived'], sc_error: ['錯誤', 'Errors'], sc_pass: ['通過', 'Passed'],
  sc_na: ['不適用', 'N/A'], sc_show: ['檢視', 'View'], sc_hist_link: ['歷次掃描', 'History'],
  sc_none: ['尚無已儲存的掃描：以 brokersec scan --save --system ID 儲存一次掃描。',
    'No saved scans yet: save one with brokersec scan --save --system ID.'],
  sc_scan: ['掃描 #{id}：{host}', 'Scan #{id}: {host}'],
  sc_failing: ['不符之檢查項', 'Failing checks'],
  sc_others: ['其他檢查項（錯誤、不適用、通過）', 'Other checks (errors, not applicable, passed)'],
  sc_no_fail: ['本次掃描無不符之檢查項。', 'No check failed in this scan.'],
  sc_st_pass: ['通過', 'pass'], sc_st_fail: ['不符', 'fail'], sc_st_not_applicable: ['不適用', 'n/a'],
  sc_st_error: ['錯誤', 'error'], sc_st_waived: ['不符（已豁免）', 'fail (waived)'],
  sc_sev_critical: ['嚴重', 'critical'], sc_sev_high: ['高', 'high'], sc_sev_medium: ['中', 'medium'], sc_sev_low: ['低', 'low'],
  sc_severity: ['嚴重度', 'severity'],
  sc_clauses: ['對應條款', 'Clauses'], sc_found: ['檢查所見', 'What was found'], sc_fix: ['改善方式', 'Fix'],
  sc_reason: ['原因', 'Reason'], sc_baseline: ['基準', 'Baseline'],
  sc_file: ['檔案', 'File'], sc_subject: ['對象', 'Subject'], sc_value: ['實際值', 'Found'], sc_required: ['要求', 'Required'],
  sc_waiver: ['豁免 #{id}：至 {until}，核准人 {approver}；理由：{why}', 'Waiver #{id}: until {until}, approved by {approver}; reason: {why}'],
  sc_waive: ['豁免', 'Waive'],
  sc_waive_title: ['豁免此檢查項（主機 {host}）', 'Waive this check (host {host})'],
  sc_justification: ['理由（為何接受此風險）', 'Justification (why the risk is accepted)'],
  sc_approver: ['核准人（接受風險者）', 'Approver (who accepted the risk)'],
  sc_expires: ['有效至（含當日）', 'Valid until (inclusive)'],
  sc_waived_ok: ['已登錄豁免 #{id}', 'Waiver #{id} recorded'],
  sc_status_note: ['遵循狀態依掃描儲存時之結果判斷：新增之豁免自此主機下次儲存掃描起計入。',
    'Compliance status follows the scan as saved: a new waiver counts from the host\'s next saved scan.'],
  sc_w_active: ['有效', 'valid'], sc_w_expired: ['已到期', 'expired'],
  sc_w_show_all: ['含已到期', 'include expired'],
  sc_check: ['檢查項', 'Check'], sc_w_state: ['狀態', 'State'], sc_w_created: ['登錄時間', 'Recorded'],
  sc_w_none: ['尚無豁免', 'No waivers'],
  sc_w_reason: ['理由', 'Justification'], sc_w_approver: ['核准人', 'Approver'], sc_w_until: ['有效至', 'Valid until'],
  sc_panel: ['最近掃描', 'Recent scans'],
  sc_panel_none: ['尚無已儲存的掃描', 'No saved scans'],
  sc_fails_n: ['{n} 項不符', '{n} failing'],
});

const PAGE = 50;

function query() {
  return new URLSearchParams(location.hash.split('?')[1] || '');
}

function tabs(current) {
  return h('nav', { class: 'tabs', 'aria-label': t('sc_menu') },
    h('a', { href: '#/scans', 'aria-current': current === 'scans' ? 'page' : false }, t('sc_latest')),
    h('a', { href: '#/scans/waivers', 'aria-current': current === 'waivers' ? 'page' : false }, t('sc_waivers')));
}

// A register link for a system or device id when it is a record id, else the text.
function recLink(reg, id) {
  if (id === null || id === undefined || id === '') return '—';
  return /^\d+$/.test(String(id)) ? h('a', { href: '#/registers/' + reg + '/' + id }, reg === 'system' ? t('sc_system') + ' ' + id : t('sc_device') + ' ' + id)
    : String(id);
}

function pager(page, offset, go) {
  const end = Math.min(offset + page.records.length, page.total);
  return h('nav', { class: 'pager', 'aria-label': 'pages' },
    h('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }, t('prev')),
    h('span', {}, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
    h('button', { type: 'button', disabled: end >= page.total, onclick: () => go(offset + PAGE) }, t('next')));
}

// The rows of /scans or /scans/latest as a table in a scrolling wrapper.
function scanTable(id, label, records, withHistory) {
  // the open failures beside the host: what a phone shows before it scrolls
  const cols = [t('sc_host'), t('sc_open'), t('sc_time'), t('sc_system'), t('sc_device'), t('sc_waived_n'),
    t('sc_error'), t('sc_pass'), t('sc_na'), ''];
  const num = [1, 5, 6, 7, 8];
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label },
    h('table', { class: 'data', id },
      h('thead', {}, h('tr', {}, cols.map((c, i) => h('th', { scope: 'col', class: num.includes(i) ? 'n' : false }, c)))),
      h('tbody', {}, records.map((r) => h('tr', {},
        h('th', { scope: 'row' }, withHistory ? h('a', { href: '#/scans?host=' + encodeURIComponent(r.host) }, r.host) : r.host),
        h('td', { class: r.open ? 'n bad' : 'n' }, String(r.open)),
        h('td', {}, h('a', { href: '#/scans/' + r.id }, when(r.created_at))),
        h('td', {}, recLink('system', r.system)), h('td', {}, recLink('device', r.device)),
        h('td', { class: 'n' }, String(r.counts.waived)),
        h('td', { class: r.counts.error ? 'n bad' : 'n' }, String(r.counts.error)),
        h('td', { class: 'n' }, String(r.counts.pass)), h('td', { class: 'n' }, String(r.counts.not_applicable)),
        h('td', {}, h('a', { href: '#/scans/' + r.id }, t('sc_show'), ' #' + r.id)))))));
}

async function listPage() {
  const qs = query();
  const host = qs.get('host') || '', offset = Number(qs.get('offset') || 0);
  const args = new URLSearchParams({ offset: String(offset), limit: String(PAGE) });
  if (host) args.set('host', host);
  const page = await api('GET', (host ? '/scans?' : '/scans/latest?') + args);
  const go = (o) => {
    const n = new URLSearchParams({ offset: String(o) });
    if (host) n.set('host', host);
    location.hash = '#/scans?' + n;
  };
  const title = host ? t('sc_history', { host }) : t('sc_latest');
  show(h('h1', {}, t('sc_menu')), tabs('scans'),
    h('section', { 'aria-labelledby': 'sc-list-h' },
      h('h2', { id: 'sc-list-h' }, title),
      host ? h('p', {}, h('a', { href: '#/scans' }, t('sc_all_hosts'))) : null,
      page.total ? [scanTable('scans', title, page.records, !host), pager(page, offset, go)] : h('p', {}, t('sc_none'))));
}

function statusText(r) {
  if (r.status === 'fail' && r.waiver) return t('sc_st_waived');
  return t('sc_st_' + r.status);
}

function evidenceTable(ev, label) {
  if (!ev || !ev.length) return null;
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label },
    h('table', { class: 'data' }, h('caption', {}, t('sc_found')),
      h('thead', {}, h('tr', {}, [t('sc_file'), t('sc_subject'), t('sc_value'), t('sc_required')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ev.map((e) => h('tr', {},
        h('td', {}, e.file ? h('code', {}, e.file + (e.line ? ':' + e.line : '')) : '—'),
        h('td', {}, e.subject || '—'), h('td', {}, e.found || ''), h('td', {}, e.required || ''))))));
}

function waiverForm(scan, r, n, rerender) {
  const a = alertBox();
  const id = (x) => 'sc-w' + n + '-' + x;
  const f = h('form', { class: 'waive', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: id('j') }, t('sc_justification')),
      h('textarea', { id: id('j'), name: 'justification', rows: 2, maxlength: 2000 })),
    h('div', { class: 'field' }, h('label', { for: id('a') }, t('sc_approver')),
      h('input', { id: id('a'), name: 'approver', type: 'text', maxlength: 200 })),
    h('div', { class: 'field' }, h('label', { for: id('e') }, t('sc_expires')),
      h('input', { id: id('e'), name: 'expires', type: 'date' })),
    h('div', { class: 'bar' }, h('button', { type: 'submit' }, t('sc_waive'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    a.say('');
    try {
      const w = await api('POST', '/scan-waivers', {
        host: scan.host, check_id: r.check, justification: f.elements.justification.value.trim(),
        approver: f.elements.approver.value.trim(), expires: f.elements.expires.value,
      });
      sessionStorage.setItem('bs.flash', t('sc_waived_ok', { id: w.id }));
      await rerender();
    } catch (err) {
      a.say(err.message);
    }
  });
  return h('details', { class: 'waive' }, h('summary', {}, t('sc_waive_title', { host: scan.host })), a, f);
}

function resultCard(scan, r, n, canWaive, rerender) {
  const hid = 'sc-r' + n;
  const bad = r.status === 'fail' && !r.waiver;
  return h('article', { class: 'control scanres', 'aria-labelledby': hid },
    h('h3', { id: hid }, pick(r.title), ' ',
      h('span', { class: 'badge ' + (bad || r.status === 'error' ? 'bad' : '') }, statusText(r)),
      h('span', { class: 'badge' }, t('sc_severity'), ' ', t('sc_sev_' + r.severity))),
    h('p', { class: 'small' }, h('code', {}, r.check)),
    r.clauses.length ? h('p', {}, h('b', {}, t('sc_clauses'), '：'), r.clauses.map((c, i) => [i ? '；' : '',
      pick(c.numbering), ' ', h('a', { class: 'cid', href: '#/controls?q=' + encodeURIComponent(c.id) }, c.id),
      c.title ? ' ' + pick(c.title) : ''])) : null,
    r.reason ? h('p', { class: 'reason' }, h('b', {}, t('sc_reason'), '：'), pick(r.reason)) : null,
    evidenceTable(r.evidence, pick(r.title)),
    r.baseline ? h('p', { class: 'small' }, h('b', {}, t('sc_baseline'), '：'), pick(r.baseline)) : null,
    r.fix ? h('p', {}, h('b', {}, t('sc_fix'), '：'), pick(r.fix)) : null,
    r.waiver ? h('p', { class: 'alert ok' }, t('sc_waiver', { id: r.waiver.id, until: day(r.waiver.expires),
      approver: r.waiver.approver, why: r.waiver.justification })) : null,
    bad && canWaive ? waiverForm(scan, r, n, rerender) : null);
}

async function scanPage(id) {
  const scan = await api('GET', '/scans/' + encodeURIComponent(id));
  // evidence.write (src/auth/perm.c): who may waive; the API decides in any case
  const canWaive = !!(app.me && app.me.roles.some((x) => ['admin', 'security_officer', 'it_staff'].includes(x)));
  const a = alertBox();
  const failing = scan.results.filter((r) => r.status === 'fail');
  const others = scan.results.filter((r) => r.status !== 'fail');
  const rerender = () => scanPage(id);
  const c = scan.counts;
  show(h('h1', {}, t('sc_scan', { id: scan.id, host: scan.host })), tabs('scans'), a,
    h('dl', { class: 'scanmeta' },
      h('dt', {}, t('sc_time')), h('dd', {}, when(scan.created_at)),
      h('dt', {}, t('sc_host')), h('dd', {}, h('a', { href: '#/scans?host=' + encodeURIComponent(scan.host) }, scan.host), ' (', t('sc_hist_link'), ')'),
      h('dt', {}, t('sc_system')), h('dd', {}, recLink('system', scan.system)),
      h('dt', {}, t('sc_device')), h('dd', {}, recLink('device', scan.device)),
      h('dt', {}, t('sc_platform')), h('dd', {}, scan.platform),
      h('dt', {}, t('sc_root')), h('dd', {}, h('code', {}, scan.root)),
      h('dt', {}, t('sc_by')), h('dd', {}, scan.created_by)),
    h('ul', { class: 'totals', id: 'sc-counts' },
      h('li', { class: 'st-not_met-t' }, h('span', { class: 'big' }, String(scan.open)), ' ', t('sc_open')),
      h('li', {}, h('span', { class: 'big' }, String(c.waived)), ' ', t('sc_waived_n')),
      h('li', {}, h('span', { class: 'big' }, String(c.error)), ' ', t('sc_error')),
      h('li', { class: 'st-met-t' }, h('span', { class: 'big' }, String(c.pass)), ' ', t('sc_pass')),
      h('li', {}, h('span', { class: 'big' }, String(c.not_applicable)), ' ', t('sc_na'))),
    h('p', { class: 'small' }, t('sc_status_note')),
    h('section', { 'aria-labelledby': 'sc-fail-h', id: 'sc-failing' }, h('h2', { id: 'sc-fail-h' }, t('sc_failing'), ' ',
      h('span', { class: 'count' }, String(failing.length))),
    failing.length ? failing.map((r, i) => resultCard(scan, r, i, canWaive, rerender)) : h('p', {}, t('sc_no_fail'))),
    h('section', { 'aria-labelledby': 'sc-oth-h' },
      h('details', { id: 'sc-others' }, h('summary', {}, h('h2', { id: 'sc-oth-h', class: 'inline' }, t('sc_others'), ' ',
        h('span', { class: 'count' }, String(others.length)))),
      others.map((r, i) => resultCard(scan, r, failing.length + i, false, rerender)))));
  const flash = sessionStorage.getItem('bs.flash');
  if (flash) { sessionStorage.removeItem('bs.flash'); a.say(flash, true); }
}

async function waiversPage() {
  const qs = query();
  const all = qs.get('all') === '1', offset = Number(qs.get('offset') || 0);
  const args = new URLSearchParams({ sort: 'id', order: 'desc', offset: String(offset), limit: String(PAGE) });
  if (all) args.set('all', '1');
  const page = await api('GET', '/scan-waivers?' + args);
  const go = (o, a2 = all) => {
    const n = new URLSearchParams({ offset: String(o) });
    if (a2) n.set('all', '1');
    location.hash = '#/scans/waivers?' + n;
  };
  const box = h('input', { type: 'checkbox', id: 'sc-all', checked: all });
  box.addEventListener('change', () => go(0, box.checked));
  const cols = ['ID', t('sc_host'), t('sc_check'), t('sc_w_reason'), t('sc_w_approver'), t('sc_w_until'),
    t('sc_w_state'), t('sc_w_created')];
  show(h('h1', {}, t('sc_menu')), tabs('waivers'),
    h('section', { 'aria-labelledby': 'sc-w-h' }, h('h2', { id: 'sc-w-h' }, t('sc_waivers')),
      h('div', { class: 'bar' }, h('label', { class: 'check' }, box, t('sc_w_show_all'))),
      page.total ? [h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('sc_waivers') },
        h('table', { class: 'data', id: 'waivers' },
          h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, page.records.map((w) => h('tr', { class: w.active ? '' : 'archived' },
            h('td', {}, String(w.id)), h('td', {}, h('a', { href: '#/scans?host=' + encodeURIComponent(w.host) }, w.host)),
            h('td', {}, w.title ? pick(w.title) : '', ' ', h('code', { class: 'small' }, w.check_id)),
            h('td', {}, w.justification), h('td', {}, w.approver), h('td', {}, day(w.expires)),
            h('td', {}, w.active ? t('sc_w_active') : t('sc_w_expired')),
            h('td', {}, when(w.created_at), ' ', h('span', { class: 'small' }, w.created_by))))))),
      pager(page, offset, go)] : h('p', {}, t('sc_w_none'))));
}

export async function scansPage(args) {
  if (args[0] === 'waivers') return waiversPage();
  if (args[0]) return scanPage(args[0]);
  return listPage();
}

// The dashboard's panel: the last scan per host, its time, failing checks and a link.
export async function latestScansPanel() {
  const page = await api('GET', '/scans/latest?limit=' + PAGE);
  return h('section', { class: 'card', 'aria-labelledby': 'sc-h', id: 'sc-panel' },
    h('h2', { id: 'sc-h' }, h('a', { href: '#/scans' }, t('sc_panel')), ' ', h('span', { class: 'count' }, String(page.total))),
    page.records.length ? h('ul', { class: 'due' }, page.records.map((r) => h('li', {},
      h('a', { href: '#/scans/' + r.id }, r.host), ' ', when(r.created_at), ' · ',
      h('span', { class: r.open ? 'bad' : '' }, t('sc_fails_n', { n: r.open })))))
      : h('p', {}, t('sc_panel_none')));
}
