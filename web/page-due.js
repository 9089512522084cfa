// page-due.js - every deadline the text sets (GET /due/list: the duties of `brokersec due`), a
// page at a time from the server, filtered by status and window, searchable, sortable by date;
// the iCalendar file (GET /due.ics, reminders 30 and 7 days before) for a calendar.
import { api } from './api.js';
import { h, show } from './dom.js';
import { t, lang, addStrings } from './i18n.js';
import { day } from './fmt.js';

addStrings({
  du_title: ['期限', 'Deadlines'],
  du_status: ['狀態', 'Status'],
  du_within: ['期間', 'Window'],
  du_any: ['不限', 'any'],
  du_days: ['{n} 天內', 'within {n} days'],
  du_overdue: ['已逾期', 'overdue'], du_due_soon: ['將到期', 'due soon'], du_ok: ['正常', 'fine'],
  du_ics: ['下載行事曆（iCalendar）', 'Download the calendar (iCalendar)'],
  du_due: ['期限', 'Due'], du_source: ['依據', 'Source'], du_subject: ['對象', 'Subject'], du_detail: ['說明', 'Detail'],
  du_why: ['依自律規範及附件計算之各項期限（與指令 brokersec due 相同）。', 'Every deadline the regulation and its annexes set (as brokersec due computes them).'],
});

const PAGE = 50;

export async function duePage() {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const status = qs.get('status') || 'overdue,due_soon', within = qs.get('within') || '';
  const q = qs.get('q') || '', order = qs.get('order') || 'asc', offset = Number(qs.get('offset') || 0);
  const args = new URLSearchParams({ lang: lang(), sort: 'due', order, offset: String(offset), limit: String(PAGE) });
  if (status) args.set('status', status);
  if (within) args.set('within', within);
  if (q) args.set('q', q);
  const page = await api('GET', '/due/list?' + args);
  const go = (changes) => {
    const n = new URLSearchParams({ status, within, q, order, offset: String(offset), ...changes });
    for (const k of ['within', 'q']) if (!n.get(k)) n.delete(k);
    location.hash = '#/due?' + n;
  };
  const sel = (id, label, value, opts) => [h('label', { for: id }, label),
    h('select', { id }, opts.map(([v, text]) => h('option', { value: v, selected: v === value }, text)))];
  const form = h('form', { class: 'bar', role: 'search' },
    sel('du-status', t('du_status'), status, [['overdue,due_soon', t('du_overdue') + '、' + t('du_due_soon')],
      ['overdue', t('du_overdue')], ['due_soon', t('du_due_soon')], ['overdue,due_soon,ok', t('du_any')]]),
    sel('du-within', t('du_within'), within, [['', t('du_any')], ['30', t('du_days', { n: 30 })], ['90', t('du_days', { n: 90 })],
      ['365', t('du_days', { n: 365 })]]),
    h('label', { for: 'du-q' }, t('search')), h('input', { id: 'du-q', type: 'search', value: q }),
    h('button', { type: 'submit' }, t('search')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go({ status: form.querySelector('#du-status').value, within: form.querySelector('#du-within').value,
      q: form.querySelector('#du-q').value, offset: '0' });
  });
  const label = (s) => t('du_' + s);
  const end = Math.min(offset + page.records.length, page.total);
  show(h('h1', {}, t('du_title')), h('p', { class: 'small' }, t('du_why')), form,
    h('p', {}, h('a', { href: '/api/v1/due.ics?lang=' + lang(), download: 'brokersec-due.ics' }, t('du_ics'))),
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('du_title') },
      h('table', { class: 'data', id: 'duties' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', 'aria-sort': order === 'asc' ? 'ascending' : 'descending' },
            h('button', { type: 'button', class: 'sort', title: t('sort_by'),
              onclick: () => go({ order: order === 'asc' ? 'desc' : 'asc', offset: '0' }) },
            t('du_due'), order === 'asc' ? ' ▲' : ' ▼')),
          h('th', { scope: 'col' }, t('du_status')), h('th', { scope: 'col' }, t('du_source')),
          h('th', { scope: 'col' }, t('du_subject')), h('th', { scope: 'col' }, t('du_detail')))),
        h('tbody', {}, page.records.length ? page.records.map((d) => h('tr', {},
          h('td', { class: 'nowrap' }, day(d.due)), h('td', { class: 'st-' + (d.status === 'overdue' ? 'not_met' : d.status === 'due_soon' ? 'due' : 'met') + '-t' }, label(d.status)),
          h('td', { class: 'src' }, d.source), h('td', {}, d.subject), h('td', {}, d.detail || d.duty)))
          : h('tr', {}, h('td', { colspan: 5 }, t('no_records')))))),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')),
      h('span', { id: 'du-pageinfo' }, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go({ offset: String(offset + PAGE) }) }, t('next'))));
}
