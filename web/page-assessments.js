// page-assessments.js - the 電腦系統資訊安全評估 as a workflow (docs/assessments.md, 附件二 貳 參
// 肆 柒 捌): the assessments a page at a time (GET /assessments), planning one, and one
// assessment (GET /assessments/ID) with its steps in order - what is done and what is next -
// and a form for each step (scope, sample, assessors, run, results, findings, complete,
// follow-up, close), each calling the API as the command line would; the findings (缺失) with
// their follow-ups, the audit unit's review and close; and the 報告: issue it in each format
// (POST /assessments/ID/reports) and download the issued files (GET /reports/ID). Who may do
// what is the API's answer: the page leaves out what the role cannot do and shows every refusal
// as the API wrote it.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, lang, addStrings } from './i18n.js';
import { day, when } from './fmt.js';
import { app } from './app.js';

addStrings({
  as_menu: ['評估', 'Assessments'],
  as_title: ['電腦系統資訊安全評估', 'Computer system security assessments'],
  as_intro: ['依附件二：評估計畫經董（理）事會或其授權之經理部門核定（貳），依系統類別選擇評估項目（肆），抽測設備（參二），由符合資格且獨立之評估人員執行（柒），缺失送稽核單位追蹤覆查（捌）。',
    'Annex 2: a plan approved by the board or its delegate (II), the areas per system category (IV), a sample of devices (III.2), qualified and independent assessors (VII), findings followed up by the audit unit (VIII).'],
  as_none: ['尚無評估', 'No assessments yet'],
  as_plan_new: ['新增評估計畫', 'Plan an assessment'],
  as_f_title: ['評估名稱', 'Title'],
  as_f_from: ['評估期間起', 'Period from'],
  as_f_to: ['評估期間迄', 'Period to'],
  as_f_approver: ['核定層級', 'Approved by (level)'],
  as_approver_board: ['董（理）事會', 'the board'],
  as_approver_delegate: ['經其授權之經理部門', 'a delegated management unit'],
  as_f_approved_by: ['核定者', 'Approver'],
  as_f_approved_on: ['核定日期', 'Approved on'],
  as_f_note: ['備註', 'Note'],
  as_planned_ok: ['已建立評估計畫', 'Assessment planned'],
  as_col_status: ['狀態', 'Status'],
  as_col_period: ['評估期間', 'Period'],
  as_col_completed: ['提報日期', 'Reported on'],
  as_col_findings: ['缺失（未結案／全部）', 'Findings (open / all)'],
  as_legacy: ['過往評估紀錄', 'past assessment (recorded)'],
  as_st_planned: ['規劃中', 'planned'], as_st_running: ['執行中', 'running'],
  as_st_reported: ['已提報', 'reported'], as_st_closed: ['已結案', 'closed'],
  as_steps: ['評估步驟', 'Steps'],
  as_step_done: ['已完成', 'done'], as_step_next: ['下一步', 'next'], as_step_todo: ['尚未進行', 'not yet'],
  as_step_optional: ['視需要', 'as needed'],
  as_s_plan: ['評估計畫核定（貳）', 'Plan approved (II)'],
  as_s_scope: ['評估範圍（肆二）', 'Scope (IV.2)'],
  as_s_sample: ['設備抽測（參二）', 'Device sample (III.2)'],
  as_s_assessors: ['評估人員（柒）', 'Assessors (VII)'],
  as_s_run: ['開始執行', 'Run'],
  as_s_results: ['各評估項目結果（肆一）', 'Results per control (IV.1)'],
  as_s_findings: ['缺失項目（捌）', 'Findings (VIII)'],
  as_s_complete: ['完成評估並提報稽核單位（捌）', 'Complete and report to the audit unit (VIII)'],
  as_s_followup: ['稽核單位追蹤覆查（捌）', 'Follow-up by the audit unit (VIII)'],
  as_s_close: ['結案', 'Close'],
  as_n_systems: ['{n} 個系統', '{n} systems'],
  as_n_sample: ['已抽測 {a}／應抽測 {b} 台', '{a} of {b} devices sampled'],
  as_n_assessors: ['{n} 位', '{n}'],
  as_n_results: ['已評 {a}／{b} 項', '{a} of {b} decided'],
  as_n_findings: ['{n} 項，未結案 {o} 項', '{n}, {o} open'],
  as_plan_info: ['核定', 'Approval'],
  as_scope: ['評估範圍', 'Scope'],
  as_col_system: ['系統', 'System'], as_col_category: ['類別', 'Category'],
  as_col_areas: ['評估項目（肆一）', 'Areas (IV.1)'], as_col_reason: ['理由', 'Reason'],
  as_col_devices: ['設備數', 'Devices'], as_col_required: ['應抽測', 'Required'], as_col_sampled: ['已抽測', 'Sampled'],
  as_cat: ['第{n}類', 'category {n}'], // {n}: 一二三 in zh-TW (the text's 第一類), the digit in English
  as_scope_add: ['加入或變更範圍', 'Put a system in scope'],
  as_f_system: ['系統', 'System'],
  as_f_areas: ['評估項目（第一類系統須全部十項）', 'Areas (a category 1 system: all ten)'],
  as_f_reason: ['選擇理由（第二類、第三類系統須填）', 'Reason (categories 2 and 3)'],
  as_scope_remove: ['自範圍移除', 'Remove from scope'],
  as_sample: ['設備抽測', 'Device sample'],
  as_col_device: ['設備 ID', 'Device id'], as_col_tag: ['財產編號', 'Asset tag'], as_col_kind: ['種類', 'Kind'],
  as_col_scan: ['所依據之主機檢查', 'Saved scan used'],
  as_sample_add: ['登錄抽測設備', 'Record sampled devices'],
  as_f_devices: ['設備 ID（以逗號分隔，可用範圍如 4-9）', 'Device ids (comma-separated, ranges such as 4-9)'],
  as_all_devices: ['填入此系統全部設備', 'Fill in all devices of this system'],
  as_bad_devices: ['設備 ID 應為數字或範圍（如 1,2,5-9）', 'Device ids are numbers or ranges (such as 1,2,5-9)'],
  as_assessors: ['評估人員', 'Assessors'],
  as_col_name: ['姓名', 'Name'], as_col_unit: ['單位', 'Unit'], as_col_role: ['角色', 'Role'],
  as_col_qual: ['資格（柒二）', 'Qualification (VII.2)'], as_col_nda: ['保密協議（柒三）', 'NDA (VII.3)'],
  as_role_lead: ['主評', 'lead'], as_role_member: ['評估人員', 'member'],
  as_hours: ['訓練 {n} 小時', '{n} h training'],
  as_assessor_add: ['指派評估人員', 'Add an assessor'],
  as_f_assessor: ['評估人員（評估人員登記簿）', 'Assessor (assessor register)'],
  as_f_role: ['角色', 'Role'],
  as_run: ['開始執行評估', 'Start the assessment'],
  as_run_why: ['須至少一個系統在範圍內並指派評估人員；開始後自抽測設備之主機檢查帶入結果。',
    'Needs a system in scope and an assessor; results are then read from the saved scans of the sampled devices.'],
  as_results: ['評估結果', 'Results'],
  as_summary: ['符合 {m}、不符合 {nm}、不適用 {na}、未評 {u}', 'met {m}, not met {nm}, not applicable {na}, not decided {u}'],
  as_col_control: ['控制項', 'Control'], as_col_result: ['結果', 'Result'], as_col_source: ['依據', 'Basis'],
  as_col_evidence: ['佐證', 'Evidence'],
  as_r_none: ['未評', 'not decided'], as_r_met: ['符合', 'met'], as_r_not_met: ['不符合', 'not met'],
  as_r_not_applicable: ['不適用', 'not applicable'],
  as_src_none: ['—', '—'], as_src_scan: ['主機檢查', 'host scan'], as_src_register: ['登錄資料', 'register'],
  as_src_judgement: ['評估人員判斷', "assessor's judgement"],
  as_filter_result: ['依結果篩選', 'Filter by result'],
  as_from_scans: ['自主機檢查重新帶入', 'Read the saved scans again'],
  as_result_set: ['登錄評估結果', 'Record a result'],
  as_f_control: ['控制項（範圍內）', 'Control (in scope)'],
  as_f_result: ['結果', 'Result'], as_f_source: ['依據', 'Basis'],
  as_f_rreason: ['理由（不適用或評估人員判斷須填）', 'Reason (needed for not applicable and judgement)'],
  as_f_evidence: ['佐證（評估人員判斷須填，如佐證編號或工作底稿）', 'Evidence (needed for judgement: an evidence id or working paper)'],
  as_findings: ['缺失項目', 'Findings'],
  as_findings_none: ['尚無缺失', 'No findings'],
  as_sev_critical: ['嚴重', 'critical'], as_sev_high: ['高', 'high'], as_sev_medium: ['中', 'medium'], as_sev_low: ['低', 'low'],
  as_cat_management: ['管理面', 'management'], as_cat_technical: ['技術面', 'technical'],
  as_cat_physical: ['實體面', 'physical'], as_cat_personnel: ['人員面', 'personnel'],
  as_fs_open: ['未結案', 'open'], as_fs_closed: ['已結案', 'closed'], as_overdue: ['已逾期', 'overdue'],
  as_f_severity: ['缺失嚴重程度', 'Severity'], as_f_fcategory: ['缺失類別', 'Category'],
  as_f_ftitle: ['缺失項目', 'Finding'], as_f_risk: ['風險說明', 'Risk'],
  as_f_recommendation: ['具體改善建議', 'Recommendation'], as_f_owner: ['改善負責人', 'Owner'],
  as_f_due: ['改善期限', 'Due'],
  as_finding_add: ['登錄缺失', 'Record a finding'],
  as_followups: ['追蹤覆查紀錄', 'Follow-up'],
  as_followup_none: ['尚無追蹤紀錄', 'No follow-up yet'],
  as_audit_unit: ['稽核單位', 'audit unit'],
  as_v_corrected: ['改善完成', 'corrected'], as_v_partial: ['部分改善', 'partly corrected'],
  as_v_not_corrected: ['未改善', 'not corrected'],
  as_followup_add: ['登錄改善情形（非稽核單位，不結案）', 'Record progress (not the audit unit: never closes)'],
  as_review_add: ['稽核單位覆查（「改善完成」即結案）', "The audit unit's review (corrected closes it)"],
  as_f_by: ['登錄者', 'By'], as_f_verdict: ['覆查結果', 'Verdict'], as_f_date: ['日期', 'Date'],
  as_finding_close: ['稽核單位結案', 'Close (audit unit)'],
  as_complete: ['完成評估並提報稽核單位', 'Complete and report to the audit unit'],
  as_complete_why: ['檢查：每一系統抽測比例符合參二、範圍內每一控制項均有結果、評估人員仍符合資格。',
    'Checks: every sample meets III.2, every control in scope has a result, the assessors still qualify.'],
  as_f_cdate: ['提報日期（空白為今日）', 'Report date (empty: today)'],
  as_close: ['評估結案', 'Close the assessment'],
  as_close_why: ['每一缺失均須經稽核單位覆查結案。', 'Every finding must be closed by the audit unit.'],
  as_reports: ['報告', 'Reports'],
  as_reports_why: ['電腦系統資訊安全評估報告（附件二捌）：發行時記錄其 SHA-256 雜湊值於事件日誌並保存五年；下載之檔案可以 brokersec report verify 驗證。',
    'The computer system security assessment report (Annex 2 VIII): its SHA-256 is recorded in the event log when issued and kept five years; a downloaded file can be checked with brokersec report verify.'],
  as_issue: ['發行報告', 'Issue the report'],
  as_f_format: ['格式', 'Format'], as_f_lang: ['語言', 'Language'],
  as_lang_zh: ['繁體中文', 'Traditional Chinese'], as_lang_en: ['英文', 'English'],
  as_issued: ['已發行 {f} 報告', 'Issued the {f} report'],
  as_reports_none: ['尚未發行報告', 'No report issued yet'],
  as_col_format: ['格式', 'Format'], as_col_lang: ['語言', 'Language'], as_col_issued: ['發行時間', 'Issued'],
  as_col_by: ['發行者', 'Issued by'], as_col_size: ['大小（位元組）', 'Size (bytes)'],
  as_col_keep: ['保存至', 'Kept until'], as_col_file: ['檔案', 'File'],
  as_download: ['下載', 'Download'],
  as_not_kept: ['於命令列發行，伺服器未保存檔案', 'issued on the command line: not kept on the server'],
  as_saved: ['已儲存', 'Saved'],
  as_back: ['回評估清單', 'All assessments'],
  as_choose: ['請選擇', 'choose'],
});

// the category as the text writes it: 第一類 in zh-TW, category 1 in English
function catNum(n) {
  return lang() === 'en' ? String(n) : ({ 1: '一', 2: '二', 3: '三' }[n] || String(n));
}

const PAGE = 50;
const AREAS = [['(一)', '資訊架構檢視', 'Information architecture'], ['(二)', '網路活動檢視', 'Network activity'],
  ['(三)', '網路設備、伺服器及終端機等設備檢測', 'Network devices, servers and terminals'], ['(四)', '網站安全檢測', 'Website security'],
  ['(五)', '安全設定檢視', 'Security settings'], ['(六)', '存取機制檢視', 'Access mechanisms'], ['(七)', '事件日誌機制檢視', 'Event logging'],
  ['(八)', '系統備份檢視', 'System backups'], ['(九)', '系統備援檢視', 'System redundancy'], ['(十)', '合規檢視', 'Compliance']];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const CATEGORIES = ['management', 'technical', 'physical', 'personnel'];
const VERDICTS = ['corrected', 'partial', 'not-corrected'];

const can = (perm) => !!(app.me && (app.me.permissions || []).includes(perm));
const key = (v) => String(v).replace(/-/g, '_');
const area = (n) => { const a = AREAS[n - 1]; return a ? a[0] + ' ' + t('as_area_' + n) : String(n); };
addStrings(Object.fromEntries(AREAS.map((a, i) => ['as_area_' + (i + 1), [a[1], a[2]]])));

function field(id, label, el, hint) {
  el.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label, hint ? h('span', { class: 'small' }, ' ' + hint) : null), el);
}
const input = (name, attrs) => h('input', { name, type: 'text', ...attrs });
const select = (name, opts, attrs) => h('select', { name, ...attrs }, opts.map(([v, text]) => h('option', { value: v }, text)));
const textarea = (name, attrs) => h('textarea', { name, rows: 3, ...attrs });
const val = (f, name) => f.elements[name].value.trim();

// A form whose submit calls run(form); the API's refusal goes to alert as it came.
function form(id, fields, submit, alert, run, cls) {
  const f = h('form', { id, class: cls || 'as-form', novalidate: true }, fields,
    h('div', { class: 'bar' }, h('button', { type: 'submit' }, submit)));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    alert.say('');
    const b = f.querySelector('button[type=submit]');
    b.disabled = true;
    try { await run(f); } catch (err) { alert.say(err.message); } finally { b.disabled = false; }
  });
  return f;
}

function table(id, label, head, rows, empty) {
  return h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label },
    h('table', { class: 'data', id }, h('thead', {}, h('tr', {}, head.map((x) => x instanceof Node ? x : h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: head.length }, empty || t('no_records'))))));
}

function section(id, title, ...kids) {
  return h('section', { class: 'as-sec', id, 'aria-labelledby': id + '-h' }, h('h2', { id: id + '-h' }, title), kids);
}

function flash(a) {
  const f = sessionStorage.getItem('bs.flash');
  if (f) { sessionStorage.removeItem('bs.flash'); a.say(f, true); }
}

// ---- the list ----

async function listPage() {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const offset = Number(qs.get('offset') || 0);
  const page = await api('GET', '/assessments?' + new URLSearchParams({ offset: String(offset), limit: String(PAGE) }));
  const a = alertBox();
  const rows = page.assessments.map((x) => h('tr', {},
    h('td', {}, h('a', { href: '#/assessments/' + x.id }, String(x.id))),
    h('td', {}, h('a', { href: '#/assessments/' + x.id }, x.title || ''), x.legacy ? h('span', { class: 'badge' }, t('as_legacy')) : null),
    h('td', {}, h('span', { class: 'as-st as-st-' + x.status }, t('as_st_' + x.status))),
    h('td', {}, x.completed_on ? day(x.completed_on) : ''),
    h('td', { class: 'n' }, x.summary ? x.summary.findings_open + ' / ' + x.summary.findings : '')));
  const end = Math.min(offset + page.assessments.length, page.total);
  const go = (o) => { location.hash = '#/assessments?offset=' + o; };
  const parts = [h('h1', {}, t('as_title')), a, h('p', { class: 'small' }, t('as_intro')),
    table('assessments', t('as_title'), ['ID', t('as_f_title'), t('as_col_status'), t('as_col_completed'), h('th', { scope: 'col', class: 'n' }, t('as_col_findings'))], rows, t('as_none')),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }, t('prev')),
      h('span', { id: 'pageinfo' }, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go(offset + PAGE) }, t('next')))];
  if (can('registers.write')) {
    const pa = alertBox();
    parts.push(section('as-plan', t('as_plan_new'), pa, form('plan', [
      field('pl-title', t('as_f_title'), input('title', { maxlength: 200, 'aria-required': 'true' })),
      h('div', { class: 'as-row' },
        field('pl-from', t('as_f_from'), input('from', { type: 'date', 'aria-required': 'true' })),
        field('pl-to', t('as_f_to'), input('to', { type: 'date', 'aria-required': 'true' }))),
      field('pl-approver', t('as_f_approver'), select('approver', [['board', t('as_approver_board')], ['delegate', t('as_approver_delegate')]])),
      h('div', { class: 'as-row' },
        field('pl-by', t('as_f_approved_by'), input('approved_by', { maxlength: 200, 'aria-required': 'true' })),
        field('pl-on', t('as_f_approved_on'), input('approved_on', { type: 'date', 'aria-required': 'true' }))),
      field('pl-note', t('as_f_note'), textarea('note', { maxlength: 2000 })),
    ], t('as_plan_new'), pa, async (f) => {
      const body = { title: val(f, 'title'), from: val(f, 'from'), to: val(f, 'to'), approver: val(f, 'approver'),
        approved_by: val(f, 'approved_by'), approved_on: val(f, 'approved_on') };
      if (val(f, 'note')) body.note = val(f, 'note');
      const r = await api('POST', '/assessments', body);
      sessionStorage.setItem('bs.flash', t('as_planned_ok') + ' #' + r.id);
      location.hash = '#/assessments/' + r.id;
    })));
  }
  show(parts);
  flash(a);
}

// ---- one assessment ----

// The steps of 附件二 in order: done, next or not yet, with what is counted.
function steps(x) {
  const s = x.summary, st = x.status, order = ['planned', 'running', 'reported', 'closed'].indexOf(st);
  const sampleOk = x.scope.length > 0 && x.scope.every((c) => c.sampled >= c.sample_required && c.sampled > 0);
  const list = [
    ['plan', true, day(x.plan && x.plan.approved_on)],
    ['scope', x.scope.length > 0, t('as_n_systems', { n: x.scope.length })],
    ['sample', sampleOk, t('as_n_sample', { a: s.sampled, b: s.sample_required })],
    ['assessors', x.assessors.length > 0, t('as_n_assessors', { n: x.assessors.length })],
    ['run', order >= 1, ''],
    ['results', order >= 1 && s.controls > 0 && s.undecided === 0, t('as_n_results', { a: s.controls - s.undecided, b: s.controls })],
    ['findings', order >= 2 ? true : null, t('as_n_findings', { n: s.findings, o: s.findings_open })],
    ['complete', order >= 2, x.completed_on ? day(x.completed_on) : ''],
    ['followup', order >= 2 && s.findings_open === 0, ''],
    ['close', order >= 3, ''],
  ];
  let next = false;
  return h('ol', { class: 'as-steps', id: 'steps' }, list.map(([k, done, info]) => {
    let state = done === true ? 'done' : done === null ? 'optional' : 'todo';
    if (state === 'todo' && !next) { state = 'next'; next = true; }
    return h('li', { class: 'as-step-' + state, 'aria-current': state === 'next' ? 'step' : false },
      h('span', { class: 'as-step-name' }, t('as_s_' + k)), ' ',
      h('span', { class: 'as-step-state' }, t('as_step_' + state)), info ? h('span', { class: 'small' }, ' · ' + info) : null);
  }));
}

// Every record of a register (for the forms' choices), a page of 200 at a time.
async function allRecords(name, keep) {
  const out = [];
  for (let offset = 0; ; offset += 200) {
    const p = await api('GET', '/registers/' + name + '?' + new URLSearchParams({ offset: String(offset), limit: '200', sort: 'id' }));
    out.push(...p.records.filter(keep || (() => true)));
    if (offset + p.records.length >= p.total || !p.records.length) return out;
  }
}

function parseIds(text) {
  const ids = [];
  for (const part of text.split(/[,，\s]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(t('as_bad_devices'));
    const a = Number(m[1]), b = m[2] ? Number(m[2]) : a;
    if (b < a || b - a > 100000) throw new Error(t('as_bad_devices'));
    for (let i = a; i <= b; i++) ids.push(i);
  }
  return ids;
}

async function detailPage(id) {
  const x = await api('GET', '/assessments/' + id);
  const write = can('registers.write'), audit = can('assessments.followup');
  const open = x.status === 'planned' || x.status === 'running';
  const a = alertBox();
  // each change: the API call, then the page again with what was done said at the top
  const act = async (method, path, body, said) => {
    await api(method, path, body);
    sessionStorage.setItem('bs.flash', said || t('as_saved'));
    await detailPage(id);
  };
  const sysName = new Map(x.scope.map((c) => [String(c.system), c.system_name]));
  const sysLabel = (sid) => (sysName.get(String(sid)) || '') + ' (#' + sid + ')';
  const parts = [h('p', { class: 'small' }, h('a', { href: '#/assessments' }, t('as_back'))),
    h('h1', {}, x.title || t('as_title'), ' ', h('span', { class: 'as-st as-st-' + x.status }, t('as_st_' + x.status))), a,
    h('dl', { class: 'as-meta' },
      h('dt', {}, 'ID'), h('dd', {}, String(x.id)),
      h('dt', {}, t('as_col_period')), h('dd', {}, day(x.period_start) + ' – ' + day(x.period_end)),
      h('dt', {}, t('as_plan_info')), h('dd', {}, x.plan && x.plan.approver ? t('as_approver_' + x.plan.approver) + '：' + (x.plan.approved_by || '') + '，' + day(x.plan.approved_on) : '—'),
      x.legacy ? [h('dt', {}, t('as_legacy')), h('dd', {}, (x.legacy_assessor || '') + ' ' + (x.legacy_report || ''))] : null)];
  if (!x.legacy) parts.push(section('as-steps-sec', t('as_steps'), steps(x)));

  // scope (肆二)
  const systems = write && open ? await allRecords('system') : [];
  const sc = alertBox();
  const scopeRows = x.scope.map((c) => h('tr', {},
    h('td', {}, sysLabel(c.system)), h('td', {}, t('as_cat', { n: catNum(c.category) })),
    h('td', {}, c.areas.length === 10 ? t('all') : c.areas.map(area).join('、')), h('td', {}, c.reason || ''),
    h('td', { class: 'n' }, String(c.devices)), h('td', { class: 'n' }, String(c.sample_required)),
    h('td', { class: 'n' + (c.sampled < c.sample_required ? ' bad' : '') }, String(c.sampled))));
  const scopeSec = section('as-scope', t('as_scope'), table('scope', t('as_scope'),
    [t('as_col_system'), t('as_col_category'), t('as_col_areas'), t('as_col_reason'),
      ...['as_col_devices', 'as_col_required', 'as_col_sampled'].map((k) => h('th', { scope: 'col', class: 'n' }, t(k)))], scopeRows));
  if (write && open) {
    scopeSec.append(sc, form('scope-form', [
      field('sc-system', t('as_f_system'), select('system', [['', t('as_choose')], ...systems.map((r) => [String(r.id), r.name + ' (#' + r.id + ', ' + t('as_cat', { n: catNum(r.category) }) + ')'])])),
      h('fieldset', { class: 'as-areas' }, h('legend', {}, t('as_f_areas')),
        AREAS.map((_, i) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'area', value: String(i + 1) }), area(i + 1)))),
      field('sc-reason', t('as_f_reason'), textarea('reason', { maxlength: 2000 })),
    ], t('as_scope_add'), sc, async (f) => {
      const areas = [...f.querySelectorAll('input[name=area]:checked')].map((c) => Number(c.value));
      const body = { system: Number(val(f, 'system')) || 0 };
      if (areas.length) body.areas = areas;
      if (val(f, 'reason')) body.reason = val(f, 'reason');
      await act('POST', '/assessments/' + id + '/scope', body);
    }));
  }
  parts.push(scopeSec);

  // sample (參二)
  const sa = alertBox();
  const sampleSec = section('as-sample', t('as_sample'), table('samples', t('as_sample'),
    [t('as_col_system'), t('as_col_device'), t('as_col_tag'), t('as_col_kind'), t('as_col_scan')],
    x.samples.map((d) => h('tr', {}, h('td', {}, sysLabel(d.system)), h('td', {}, String(d.device)), h('td', {}, d.asset_tag || ''),
      h('td', {}, d.kind || ''), h('td', {}, d.scan ? ['#' + d.scan + ' ', when(d.scan_at)] : '—')))));
  if (write && open && x.scope.length) {
    const devIn = input('devices', { inputmode: 'numeric', 'aria-required': 'true' });
    const fill = h('button', { type: 'button', class: 'secondary', id: 'sa-all' }, t('as_all_devices'));
    const f = form('sample-form', [
      field('sa-system', t('as_f_system'), select('system', [['', t('as_choose')], ...x.scope.map((c) => [String(c.system), sysLabel(c.system)])])),
      field('sa-devices', t('as_f_devices'), devIn), h('div', { class: 'bar' }, fill),
    ], t('as_sample_add'), sa, async (form_) => {
      await act('POST', '/assessments/' + id + '/sample', { system: Number(val(form_, 'system')) || 0, devices: parseIds(val(form_, 'devices')) });
    });
    fill.addEventListener('click', async () => {
      sa.say('');
      const sys = Number(f.elements.system.value);
      if (!sys) { f.elements.system.focus(); return; }
      try {
        const devs = await allRecords('device', (r) => Number(r.system) === sys && !r.archived);
        devIn.value = devs.map((r) => r.id).join(',');
      } catch (err) { sa.say(err.message); }
    });
    sampleSec.append(sa, f);
  }
  parts.push(sampleSec);

  // assessors (柒)
  const as = alertBox();
  const assessorSec = section('as-assessors', t('as_assessors'), table('assessors', t('as_assessors'),
    [t('as_col_name'), t('as_col_unit'), t('as_col_role'), t('as_col_qual'), t('as_col_nda')],
    x.assessors.map((p) => h('tr', {}, h('td', {}, p.name || ''), h('td', {}, p.unit || ''), h('td', {}, p.role ? t('as_role_' + p.role) : ''),
      h('td', {}, [p.training_hours ? t('as_hours', { n: p.training_hours }) : '', p.certificate || '', p.financial_experience || ''].filter(Boolean).join('；')),
      h('td', {}, day(p.nda_signed))))));
  if (write && open) {
    const people = await allRecords('assessor', (r) => !r.archived);
    assessorSec.append(as, form('assessor-form', [
      field('as-assessor', t('as_f_assessor'), select('assessor', [['', t('as_choose')], ...people.map((r) => [String(r.id), r.name + (r.unit ? '（' + r.unit + '）' : '') + ' #' + r.id])])),
      field('as-role', t('as_f_role'), select('role', [['member', t('as_role_member')], ['lead', t('as_role_lead')]])),
    ], t('as_assessor_add'), as, async (f) => {
      await act('POST', '/assessments/' + id + '/assessors', { assessor: Number(val(f, 'assessor')) || 0, role: val(f, 'role') });
    }));
  }
  parts.push(assessorSec);

  // run
  if (write && x.status === 'planned') {
    const ra = alertBox();
    parts.push(section('as-run', t('as_s_run'), h('p', { class: 'small' }, t('as_run_why')), ra,
      form('run-form', [], t('as_run'), ra, async () => act('POST', '/assessments/' + id + '/run'))));
  }

  // results (肆一), a page at a time from the server
  if (x.status !== 'planned' && !x.legacy) parts.push(await resultsSection(x, id, write, act, sysLabel));

  // findings (捌)
  if (x.status !== 'planned' && !x.legacy) parts.push(findingsSection(x, id, write, audit, act, sysLabel));

  // complete, close
  if (write && x.status === 'running') {
    const ca = alertBox();
    parts.push(section('as-complete', t('as_s_complete'), h('p', { class: 'small' }, t('as_complete_why')), ca,
      form('complete-form', [field('co-date', t('as_f_cdate'), input('date', { type: 'date' }))], t('as_complete'), ca,
        async (f) => act('POST', '/assessments/' + id + '/complete', val(f, 'date') ? { date: val(f, 'date') } : {}))));
  }
  if (write && x.status === 'reported') {
    const cl = alertBox();
    parts.push(section('as-close', t('as_s_close'), h('p', { class: 'small' }, t('as_close_why')), cl,
      form('close-form', [], t('as_close'), cl, async () => act('POST', '/assessments/' + id + '/close'))));
  }

  // 報告
  if (!x.legacy) parts.push(await reportsSection(x, id, write));
  show(parts);
  flash(a);
}

async function resultsSection(x, id, write, act, sysLabel) {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const roff = Number(qs.get('roff') || 0), rres = qs.get('rres') || '';
  const args = new URLSearchParams({ offset: String(roff), limit: String(PAGE) });
  if (rres) args.set('result', rres);
  const page = await api('GET', '/assessments/' + id + '/results?' + args);
  const go = (changes) => {
    const n = new URLSearchParams({ roff: String(roff), rres, ...changes });
    if (!n.get('rres')) n.delete('rres');
    location.hash = '#/assessments/' + id + '?' + n;
  };
  const s = x.summary;
  const filter = h('select', { id: 'rs-filter' }, [['', t('all')], ['none', t('as_r_none')], ['met', t('as_r_met')],
    ['not-met', t('as_r_not_met')], ['not-applicable', t('as_r_not_applicable')]].map(([v, l]) => h('option', { value: v, selected: v === rres }, l)));
  filter.addEventListener('change', () => go({ rres: filter.value, roff: '0' }));
  const end = Math.min(roff + page.results.length, page.total);
  const sec = section('as-results', t('as_results'),
    h('p', { id: 'rs-summary' }, t('as_summary', { m: s.met, nm: s.not_met, na: s.not_applicable, u: s.undecided })),
    h('div', { class: 'bar' }, h('label', { for: 'rs-filter' }, t('as_filter_result')), filter),
    table('results', t('as_results'), [t('as_col_system'), t('as_col_control'), t('as_col_result'), t('as_col_source'), t('as_col_reason'), t('as_col_evidence')],
      page.results.map((r) => h('tr', {}, h('td', {}, sysLabel(r.system)), h('td', {}, h('span', { class: 'cid' }, r.control)),
        h('td', { class: 'as-r-' + r.result }, t('as_r_' + key(r.result))), h('td', {}, t('as_src_' + r.source)),
        h('td', {}, r.reason || ''), h('td', {}, r.evidence || '')))),
    h('nav', { class: 'pager', 'aria-label': t('as_results') },
      h('button', { type: 'button', disabled: roff === 0, onclick: () => go({ roff: String(Math.max(0, roff - PAGE)) }) }, t('prev')),
      h('span', {}, t('page_of', { a: page.total ? roff + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go({ roff: String(roff + PAGE) }) }, t('next'))));
  if (write && x.status === 'running') {
    const ra = alertBox();
    const sysSel = select('system', [['', t('as_choose')], ...x.scope.map((c) => [String(c.system), sysLabel(c.system)])]);
    const ctlSel = select('control', [['', t('as_choose')]]);
    // the controls of the chosen system, those not decided yet first
    sysSel.addEventListener('change', () => {
      const rows = x.results.filter((r) => String(r.system) === sysSel.value)
        .sort((p, q) => (p.result === 'none' ? 0 : 1) - (q.result === 'none' ? 0 : 1));
      ctlSel.replaceChildren(h('option', { value: '' }, t('as_choose')),
        ...rows.map((r) => h('option', { value: r.control }, r.control + ' — ' + t('as_r_' + key(r.result)))));
    });
    const scans = h('button', { type: 'button', class: 'secondary', id: 'rs-scans' }, t('as_from_scans'));
    scans.addEventListener('click', async () => {
      ra.say('');
      try { await act('POST', '/assessments/' + id + '/results', { from_scans: true }); } catch (err) { ra.say(err.message); }
    });
    sec.append(ra, h('div', { class: 'bar' }, scans), form('result-form', [
      field('rs-system', t('as_f_system'), sysSel), field('rs-control', t('as_f_control'), ctlSel),
      h('div', { class: 'as-row' },
        field('rs-result', t('as_f_result'), select('result', [['met', t('as_r_met')], ['not-met', t('as_r_not_met')], ['not-applicable', t('as_r_not_applicable')]])),
        field('rs-source', t('as_f_source'), select('source', [['judgement', t('as_src_judgement')], ['register', t('as_src_register')]]))),
      field('rs-reason', t('as_f_rreason'), textarea('reason', { maxlength: 4000 })),
      field('rs-evidence', t('as_f_evidence'), input('evidence', { maxlength: 500 })),
    ], t('as_result_set'), ra, async (f) => {
      const body = { system: Number(val(f, 'system')) || 0, control: val(f, 'control'), result: val(f, 'result'), source: val(f, 'source') };
      if (val(f, 'reason')) body.reason = val(f, 'reason');
      if (val(f, 'evidence')) body.evidence = val(f, 'evidence');
      await act('POST', '/assessments/' + id + '/results', body);
    }));
  }
  return sec;
}

function findingsSection(x, id, write, audit, act, sysLabel) {
  const sec = section('as-findings', t('as_findings'));
  if (!x.findings.length) sec.append(h('p', { id: 'fi-none' }, t('as_findings_none')));
  for (const f of x.findings) {
    const fa = alertBox();
    const card = h('article', { class: 'card as-finding', id: 'finding-' + f.id, 'aria-labelledby': 'fh-' + f.id },
      h('h3', { id: 'fh-' + f.id }, '#' + f.id + ' ', f.title || '', ' ',
        h('span', { class: 'badge as-sev-' + f.severity }, t('as_sev_' + f.severity)), ' ',
        h('span', { class: 'badge' + (f.status === 'open' ? '' : ' as-closed') }, t('as_fs_' + f.status)),
        f.overdue ? h('span', { class: 'badge bad' }, t('as_overdue')) : null),
      h('dl', {},
        h('dt', {}, t('as_col_system')), h('dd', {}, sysLabel(f.system)),
        h('dt', {}, t('as_col_control')), h('dd', { class: 'cid' }, f.control || ''),
        h('dt', {}, t('as_f_fcategory')), h('dd', {}, t('as_cat_' + f.category)),
        h('dt', {}, t('as_f_risk')), h('dd', {}, f.risk || ''),
        h('dt', {}, t('as_f_recommendation')), h('dd', {}, f.recommendation || ''),
        h('dt', {}, t('as_f_owner')), h('dd', {}, f.owner || ''),
        h('dt', {}, t('as_f_due')), h('dd', { class: f.overdue ? 'bad' : false }, day(f.due))),
      h('h4', {}, t('as_followups')),
      f.followups.length ? h('ol', { class: 'history' }, f.followups.map((u) => h('li', {},
        day(u.date), ' ', u.by || '', u.audit_unit ? ' (' + t('as_audit_unit') + ')' : '', '：', t('as_v_' + key(u.verdict)),
        u.note ? '，' + u.note : ''))) : h('p', { class: 'small' }, t('as_followup_none')), fa);
    if (f.status === 'open' && write) {
      card.append(h('details', { class: 'as-more' }, h('summary', {}, t('as_followup_add')), form('fu-' + f.id, [
        field('fu-by-' + f.id, t('as_f_by'), input('by', { maxlength: 200, 'aria-required': 'true' })),
        field('fu-v-' + f.id, t('as_f_verdict'), select('verdict', VERDICTS.map((v) => [v, t('as_v_' + key(v))]))),
        field('fu-d-' + f.id, t('as_f_date'), input('date', { type: 'date' })),
        field('fu-n-' + f.id, t('as_f_note'), textarea('note', { maxlength: 4000 })),
      ], t('as_followup_add'), fa, async (fm) => {
        const body = { by: val(fm, 'by'), verdict: val(fm, 'verdict') };
        if (val(fm, 'date')) body.date = val(fm, 'date');
        if (val(fm, 'note')) body.note = val(fm, 'note');
        await act('POST', '/assessment-findings/' + f.id + '/followups', body);
      })));
    }
    if (f.status === 'open' && audit) {
      card.append(form('rv-' + f.id, [
        h('p', { class: 'small' }, t('as_review_add')),
        field('rv-v-' + f.id, t('as_f_verdict'), select('verdict', VERDICTS.map((v) => [v, t('as_v_' + key(v))]))),
        field('rv-d-' + f.id, t('as_f_date'), input('date', { type: 'date' })),
        field('rv-n-' + f.id, t('as_f_note'), textarea('note', { maxlength: 4000 })),
      ], t('as_review_add'), fa, async (fm) => {
        const body = { verdict: val(fm, 'verdict') };
        if (val(fm, 'date')) body.date = val(fm, 'date');
        if (val(fm, 'note')) body.note = val(fm, 'note');
        await act('POST', '/assessment-findings/' + f.id + '/review', body);
      }, 'as-form as-review'));
      const close = h('button', { type: 'button', class: 'danger', id: 'fc-' + f.id }, t('as_finding_close'));
      close.addEventListener('click', async () => {
        fa.say('');
        try { await act('POST', '/assessment-findings/' + f.id + '/close'); } catch (err) { fa.say(err.message); }
      });
      card.append(h('div', { class: 'bar' }, close));
    }
    sec.append(card);
  }
  if (write && (x.status === 'running' || x.status === 'reported')) {
    const na = alertBox();
    const sysSel = select('system', [['', t('as_choose')], ...x.scope.map((c) => [String(c.system), sysLabel(c.system)])]);
    const ctlSel = select('control', [['', t('as_choose')]]);
    sysSel.addEventListener('change', () => {
      ctlSel.replaceChildren(h('option', { value: '' }, t('as_choose')), ...x.results.filter((r) => String(r.system) === sysSel.value)
        .map((r) => h('option', { value: r.control }, r.control + ' — ' + t('as_r_' + key(r.result)))));
    });
    sec.append(h('h3', {}, t('as_finding_add')), na, form('finding-form', [
      h('div', { class: 'as-row' }, field('fi-system', t('as_f_system'), sysSel), field('fi-control', t('as_f_control'), ctlSel)),
      h('div', { class: 'as-row' },
        field('fi-severity', t('as_f_severity'), select('severity', SEVERITIES.map((v) => [v, t('as_sev_' + v)]))),
        field('fi-category', t('as_f_fcategory'), select('category', CATEGORIES.map((v) => [v, t('as_cat_' + v)])))),
      field('fi-title', t('as_f_ftitle'), input('title', { maxlength: 500, 'aria-required': 'true' })),
      field('fi-risk', t('as_f_risk'), textarea('risk', { maxlength: 4000, 'aria-required': 'true' })),
      field('fi-rec', t('as_f_recommendation'), textarea('recommendation', { maxlength: 4000, 'aria-required': 'true' })),
      h('div', { class: 'as-row' },
        field('fi-owner', t('as_f_owner'), input('owner', { maxlength: 200, 'aria-required': 'true' })),
        field('fi-due', t('as_f_due'), input('due', { type: 'date', 'aria-required': 'true' }))),
    ], t('as_finding_add'), na, async (f) => {
      const body = { system: Number(val(f, 'system')) || 0 };
      for (const k of ['control', 'severity', 'category', 'title', 'risk', 'recommendation', 'owner', 'due']) if (val(f, k)) body[k] = val(f, k);
      await act('POST', '/assessments/' + id + '/findings', body);
    }));
  }
  return sec;
}

async function reportsSection(x, id, write) {
  const list = await api('GET', '/assessments/' + id + '/reports?' + new URLSearchParams({ sort: 'id', order: 'desc', limit: String(PAGE) }));
  const ra = alertBox();
  const sec = section('as-reports', t('as_reports'), h('p', { class: 'small' }, t('as_reports_why')), ra);
  if (write) {
    sec.append(form('report-form', [h('div', { class: 'as-row' },
      field('rp-format', t('as_f_format'), select('format', [['pdf', 'PDF'], ['docx', 'DOCX (Word)'], ['html', 'HTML'], ['oscal', 'OSCAL (JSON)']])),
      field('rp-lang', t('as_f_lang'), select('lang', [['zh-TW', t('as_lang_zh')], ['en', t('as_lang_en')]])))],
    t('as_issue'), ra, async (f) => {
      const r = await api('POST', '/assessments/' + id + '/reports', { format: val(f, 'format'), lang: val(f, 'lang') });
      sessionStorage.setItem('bs.flash', t('as_issued', { f: r.format.toUpperCase() }) + '：SHA-256 ' + r.sha256);
      await detailPage(id);
    }));
  }
  sec.append(table('reports', t('as_reports'),
    ['ID', t('as_col_format'), t('as_col_lang'), t('as_col_issued'), t('as_col_by'), t('as_col_size'), 'SHA-256', t('as_col_keep'), t('as_col_file')],
    list.reports.map((r) => h('tr', {}, h('td', {}, String(r.id)), h('td', {}, r.format.toUpperCase()),
      h('td', {}, r.lang === 'en' ? t('as_lang_en') : t('as_lang_zh')), h('td', {}, when(r.issued_at)), h('td', {}, r.issued_by),
      h('td', { class: 'n' }, String(r.size)), h('td', {}, h('code', { class: 'as-sha' }, r.sha256)), h('td', {}, day(r.retain_until)),
      h('td', {}, r.download ? h('a', { href: r.download, download: r.filename, class: 'as-dl', 'data-format': r.format }, t('as_download'), ' ', r.format.toUpperCase())
        : h('span', { class: 'small' }, t('as_not_kept'))))),
    t('as_reports_none')));
  if (list.total > list.reports.length) sec.append(h('p', { class: 'small' }, t('page_of', { a: 1, b: list.reports.length, n: list.total })));
  return sec;
}

export async function assessmentsPage(args) {
  if (args[0]) return detailPage(args[0]);
  return listPage();
}
