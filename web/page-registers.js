// page-registers.js - every register through the same pages, from its description (GET
// /registers: fields, types, required, values): the list a page at a time from the server
// (?q, ?sort, ?order, ?offset, ?limit), add, edit, archive and history. The rules are the
// API's: its message (which field, what is wrong) is shown as it comes.
import { api } from './api.js';
import { h, show, alertBox } from './dom.js';
import { t, pick } from './i18n.js';

const PAGE = 50;
let described = null; // GET /registers, once per page load

async function registers() {
  if (!described) described = (await api('GET', '/registers')).registers;
  return described;
}

function cell(v) {
  if (v === null || v === undefined) return '';
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
    h('a', { class: 'button', href: '#/registers/' + reg.name + '/new' }, t('add')));
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
    i === 0 ? h('td', {}, h('a', { href: '#/registers/' + reg.name + '/' + r.id }, String(r.id))) : h('td', {}, cell(r[c])))));
  const end = Math.min(offset + page.records.length, page.total);
  show(h('h1', {}, t('registers'), '：', pick(reg.label)), tabs(regs, reg.name),
    h('p', { class: 'small' }, reg.source), search,
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': pick(reg.label) },
      h('table', { class: 'data', id: 'records' }, h('thead', {}, h('tr', {}, head)),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: cols.length }, t('no_records')))))),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')),
      h('span', { id: 'pageinfo' }, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('next'))));
}

function input(f, value) {
  const id = 'f-' + f.name, v = value === null || value === undefined ? '' : value;
  let el;
  if (f.type === 'enum' || f.type === 'bool') {
    const opts = f.type === 'bool' ? [['yes', t('yes')], ['no', t('no')]] : f.values.map((x) => [x, x]);
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
        Object.entries(e).map(([k, v]) => h('span', { class: 'kv' }, h('b', {}, k), ' ', typeof v === 'object' && v !== null ? JSON.stringify(v) : cell(v)))))));
  }
  show(parts);
  const flash = sessionStorage.getItem('bs.flash');
  if (flash) { sessionStorage.removeItem('bs.flash'); a.say(flash, true); }
}

export async function registersPage(args) {
  const regs = await registers();
  const name = args[0] || regs[0].name;
  const reg = regs.find((r) => r.name === name);
  if (!reg) { location.replace('#/registers/' + regs[0].name); return; }
  const id = args[1];
  if (id) return recordPage(reg, regs, id);
  return listPage(reg, regs);
}
