// page-registers.js - every register through the same pages, from its description (GET
// /registers: fields, types, required, values): the list a page at a time from the server
// (?q, ?sort, ?order, ?offset, ?limit), add, edit, archive and history. The rules are the
// API's: its message (which field, what is wrong) is shown as it comes.
import { api, apiText } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, pick, addStrings } from './i18n.js';
import { day, when } from './fmt.js';

addStrings({
  rg_export: ['匯出 CSV', 'Export CSV'],
  rg_import: ['匯入 CSV', 'Import CSV'],
  rg_import_file: ['CSV 檔案（UTF-8，首列為欄位名稱）', 'CSV file (UTF-8, a header row of field names)'],
  rg_import_why: ['整個檔案於同一交易中匯入：任一列有誤時列出所有問題，且不匯入任何一筆。4 MiB 以上之檔案請以指令 brokersec {r} import 匯入。',
    'The whole file goes in one transaction: if any row is wrong, every problem is listed and nothing is imported. Files over 4 MiB: brokersec {r} import.'],
  rg_imported: ['已匯入 {n} 筆', 'Imported {n} records'],
  rg_too_big: ['檔案超過 4 MiB：請以指令 brokersec {r} import 匯入', 'The file is over 4 MiB: import it with brokersec {r} import'],
  rg_choose: ['請先選擇檔案', 'Choose a file first'],
  rg_print: ['列印', 'Print'],
  rg_print_view: ['列印版', 'Printable'],
  rg_printed: ['列印時間', 'Printed'],
  rg_rows: ['共 {n} 筆', '{n} records'],
  rg_print_cap: ['僅列出前 {n} 筆；完整資料請以「匯出 CSV」取得。', 'Only the first {n} records; export the CSV for all of them.'],
});

const PAGE = 50;
let described = null; // GET /registers, once per page load

async function registers() {
  if (!described) described = (await api('GET', '/registers')).registers;
  return described;
}

// A value's label in the chosen language (enum and set values, a system's category), else the value.
function label(f, v) {
  const l = f && f.value_labels && f.value_labels[String(v)];
  return l ? pick(l) : String(v);
}

function cell(v, f) {
  if (v === null || v === undefined) return '';
  if (f && f.type === 'date') return day(v);
  if (f && f.value_labels) return Array.isArray(v) ? v.map((x) => label(f, x)).join('、') : label(f, v);
  if (v === true) return t('yes');
  if (v === false) return t('no');
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

function tabs(regs, current) {
  return h('nav', { class: 'tabs', 'aria-label': t('registers') }, regs.map((r) =>
    h('a', { href: '#/registers/' + r.name, 'aria-current': r.name === current ? 'page' : false }, pick(r.label))));
}

// The list: state in the hash's query (#/registers/asset?q=..&sort=..), so Back works.
async function listPage(reg, regs) {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const q = qs.get('q') || '', sort = qs.get('sort') || 'id', order = qs.get('order') || 'asc';
  const all = qs.get('all') === '1', offset = Number(qs.get('offset') || 0);
  const args = new URLSearchParams({ sort, order, offset: String(offset), limit: String(PAGE) });
  if (q) args.set('q', q);
  if (all) args.set('all', '1');
  const page = await api('GET', '/registers/' + reg.name + '?' + args);
  const go = (changes) => {
    const n = new URLSearchParams({ q, sort, order, offset: String(offset), ...(all ? { all: '1' } : {}), ...changes });
    if (n.get('all') === '0') n.delete('all');
    location.hash = '#/registers/' + reg.name + '/?' + n;
  };
  const cols = ['id', ...reg.fields.map((f) => f.name)];
  const label = (c) => c === 'id' ? 'ID' : pick(reg.fields.find((f) => f.name === c).label);
  const search = h('form', { class: 'bar', role: 'search' },
    h('label', { for: 'q' }, t('search')), h('input', { id: 'q', type: 'search', value: q }),
    h('button', { type: 'submit' }, t('search')),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'all', checked: all }), t('archived_too')),
    h('a', { class: 'button', href: '#/registers/' + reg.name + '/new' }, t('add')),
    h('a', { class: 'button secondary', href: '#/registers/' + reg.name + '/print?' + new URLSearchParams({ q, sort, order, ...(all ? { all: '1' } : {}) }) }, t('rg_print_view')));
  search.addEventListener('submit', (e) => { e.preventDefault(); go({ q: search.q.value, offset: '0' }); });
  search.querySelector('#all').addEventListener('change', (e) => go({ all: e.target.checked ? '1' : '0', offset: '0' }));
  const head = cols.map((c) => {
    const sorted = sort === c;
    return h('th', { scope: 'col', 'aria-sort': sorted ? (order === 'asc' ? 'ascending' : 'descending') : false },
      h('button', { type: 'button', class: 'sort', title: t('sort_by'),
        onclick: () => go({ sort: c, order: sorted && order === 'asc' ? 'desc' : 'asc', offset: '0' }) },
      label(c), sorted ? (order === 'asc' ? ' ▲' : ' ▼') : ''));
  });
  const rows = page.records.map((r) => h('tr', { class: r.archived ? 'archived' : '' }, cols.map((c, i) =>
    i === 0 ? h('td', {}, h('a', { href: '#/registers/' + reg.name + '/' + r.id }, String(r.id)))
      : h('td', {}, cell(r[c], reg.fields[i - 1])))));
  const end = Math.min(offset + page.records.length, page.total);
  show(h('h1', {}, t('registers'), '：', pick(reg.label)), tabs(regs, reg.name),
    h('p', { class: 'small' }, reg.source), search, reg.csv ? csvBar(reg, all) : null,
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': pick(reg.label) },
      h('table', { class: 'data', id: 'records' }, h('thead', {}, h('tr', {}, head)),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: cols.length }, t('no_records')))))),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')),
      h('span', { id: 'pageinfo' }, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('next'))));
  const flash = sessionStorage.getItem('bs.flash');
  if (flash) {
    sessionStorage.removeItem('bs.flash');
    const a = alertBox();
    document.querySelector('#main h1').after(a);
    a.say(flash, true);
  }
}

// CSV: the export is a plain link (the session cookie goes with it; the answer is a
// download), the import sends the file as text/csv and lists every problem the API found.
function csvBar(reg, all) {
  const a = alertBox();
  const file = h('input', { id: 'csvfile', type: 'file', accept: '.csv,text/csv' });
  const problems = h('ul', { id: 'csv-problems', class: 'problems' });
  const form = h('form', { id: 'csv-import', class: 'bar' },
    h('a', { class: 'button secondary', id: 'csv-export', download: '',
      href: '/api/v1/registers/' + reg.name + '/csv' + (all ? '?all=1' : '') }, t('rg_export')),
    h('label', { for: 'csvfile' }, t('rg_import_file')), file,
    h('button', { type: 'submit' }, t('rg_import')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    a.say('');
    problems.replaceChildren();
    const f = file.files[0];
    if (!f) return a.say(t('rg_choose'));
    if (f.size > 4 * 1024 * 1024) return a.say(t('rg_too_big', { r: reg.name }));
    const btn = form.querySelector('button');
    btn.disabled = true;
    try {
      const r = await apiText('POST', '/registers/' + reg.name + '/csv?name=' + encodeURIComponent(f.name),
        await f.text(), 'text/csv');
      sessionStorage.setItem('bs.flash', t('rg_imported', { n: r.imported }));
      await listPage(reg, await registers());
    } catch (err) {
      a.say(err.message);
      problems.replaceChildren(...err.problems.map((p) => h('li', {}, p)));
    } finally {
      btn.disabled = false;
    }
  });
  return h('details', { class: 'csv' }, h('summary', {}, t('rg_export'), ' / ', t('rg_import')),
    h('p', { class: 'small' }, t('rg_import_why', { r: reg.name })), form, a, problems);
}

function input(f, value) {
  const id = 'f-' + f.name, v = value === null || value === undefined ? '' : value;
  let el;
  if (f.type === 'enum' || f.type === 'bool') {
    const opts = f.type === 'bool' ? [['yes', t('yes')], ['no', t('no')]]
      : f.values.map((x) => [x, label(f, x) === x ? x : label(f, x) + ' (' + x + ')']);
    const cur = f.type === 'bool' && v !== '' ? (v === true || v === 'yes' ? 'yes' : 'no') : String(v);
    el = h('select', { id, name: f.name }, h('option', { value: '' }, '—'),
      opts.map(([val, text]) => h('option', { value: val, selected: val === cur }, text)));
  } else {
    const type = { date: 'date', int: 'number', num: 'text' }[f.type] || 'text';
    el = h('input', { id, name: f.name, type, value: Array.isArray(v) ? v.join(',') : String(v),
      maxlength: f.max_bytes || false, min: f.min ?? false, max: f.max ?? false });
  }
  if (f.required) el.setAttribute('aria-required', 'true');
  return h('div', { class: 'field' },
    h('label', { for: id }, pick(f.label), ' ', h('span', { class: 'small' }, '(' + f.name + (f.required ? ', ' + t('required') : '') + ')')), el);
}

// The values to send: as typed (the API parses them as the command line does); on an edit,
// only what changed, and an emptied field as null.
function values(form, reg, before) {
  const out = {};
  for (const f of reg.fields) {
    const v = form.elements[f.name].value.trim();
    const old = before ? cell(before[f.name] === true ? 'yes' : before[f.name] === false ? 'no' : before[f.name]) : '';
    if (before && v === old.replace(/, /g, ',')) continue;
    if (v === '') { if (before) out[f.name] = null; continue; }
    out[f.name] = v;
  }
  return out;
}

async function recordPage(reg, regs, id) {
  const isNew = id === 'new';
  const rec = isNew ? null : await api('GET', '/registers/' + reg.name + '/' + id);
  const a = alertBox();
  const f = h('form', { id: 'record', novalidate: true }, reg.fields.map((x) => input(x, rec ? rec[x.name] : x.default)),
    h('div', { class: 'bar' }, h('button', { type: 'submit' }, t('save')),
      h('a', { class: 'button secondary', href: '#/registers/' + reg.name }, t('back'))));
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    a.say('');
    try {
      const saved = isNew ? await api('POST', '/registers/' + reg.name, values(f, reg, null))
        : await api('PATCH', '/registers/' + reg.name + '/' + id, values(f, reg, rec));
      sessionStorage.setItem('bs.flash', t('saved'));
      location.hash = '#/registers/' + reg.name + '/' + saved.id;
      if (!isNew) await recordPage(reg, regs, id);
    } catch (err) {
      a.say(err.message);
    }
  });
  const parts = [h('h1', {}, pick(reg.label), '：', isNew ? t('add') : '#' + id + (rec.archived ? ' (' + t('archived') + ')' : '')),
    tabs(regs, reg.name), a, f];
  if (!isNew) {
    const arch = h('button', { type: 'button', class: 'danger', disabled: rec.archived }, t('archive'));
    arch.addEventListener('click', async () => {
      if (!window.confirm(t('confirm_archive'))) return;
      try {
        await api('POST', '/registers/' + reg.name + '/' + id + '/archive');
        sessionStorage.setItem('bs.flash', t('archived'));
        await recordPage(reg, regs, id);
      } catch (err) { a.say(err.message); }
    });
    const hist = (await api('GET', '/registers/' + reg.name + '/' + id + '/history')).history;
    parts.push(h('div', { class: 'bar' }, arch),
      h('h2', {}, t('history')),
      h('ol', { id: 'history', class: 'history' }, hist.map((e) => h('li', {},
        Object.entries(e).map(([k, v]) => h('span', { class: 'kv' }, h('b', {}, k), ' ',
          k === 'at' ? when(v) : typeof v === 'object' && v !== null ? JSON.stringify(v) : cell(v)))))));
  }
  show(parts);
  const flash = sessionStorage.getItem('bs.flash');
  if (flash) { sessionStorage.removeItem('bs.flash'); a.say(flash, true); }
}

// The table an inspector asks for, whole: every record that the list's search holds (pages of
// 200 from the server, up to PRINT_MAX), every field by its label, the register's clause and
// the time printed; the browser's print (the header, menus and buttons are not printed).
const PRINT_MAX = 5000;

async function printPage(reg) {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const recs = [];
  let total = 0;
  for (let offset = 0; offset < PRINT_MAX; offset += 200) {
    const args = new URLSearchParams({ sort: qs.get('sort') || 'id', order: qs.get('order') || 'asc',
      offset: String(offset), limit: '200' });
    if (qs.get('q')) args.set('q', qs.get('q'));
    if (qs.get('all') === '1') args.set('all', '1');
    const page = await api('GET', '/registers/' + reg.name + '?' + args);
    total = page.total;
    recs.push(...page.records);
    if (recs.length >= total || !page.records.length) break;
  }
  const cols = reg.fields;
  const btn = h('button', { type: 'button', class: 'noprint', onclick: () => window.print() }, t('rg_print'));
  show(h('h1', {}, t('registers'), '：', pick(reg.label)),
    h('p', {}, h('span', { class: 'src' }, reg.source), ' · ', t('rg_printed'), ' ', when(Date.now() * 1000), ' · ',
      t('rg_rows', { n: total }), qs.get('q') ? ' · ' + t('search') + '：' + qs.get('q') : ''),
    total > recs.length ? h('p', { class: 'alert' }, t('rg_print_cap', { n: recs.length })) : null,
    h('div', { class: 'bar noprint' }, btn,
      h('a', { class: 'button secondary', href: '#/registers/' + reg.name }, t('back'))),
    h('table', { class: 'data print', id: 'print-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'ID'), cols.map((f) => h('th', { scope: 'col' }, pick(f.label))))),
      h('tbody', {}, recs.map((r) => h('tr', { class: r.archived ? 'archived' : '' }, h('td', {}, String(r.id)),
        cols.map((f) => h('td', {}, cell(r[f.name], f))))))));
}

export async function registersPage(args) {
  const regs = await registers();
  const name = args[0] || regs[0].name;
  const reg = regs.find((r) => r.name === name);
  if (!reg) { location.replace('#/registers/' + regs[0].name); return; }
  const id = args[1];
  if (id === 'print') return printPage(reg);
  if (id) return recordPage(reg, regs, id);
  return listPage(reg, regs);
}
