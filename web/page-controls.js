// page-controls.js - the catalog (GET /controls) with its verbatim zh-TW text beside the
// English, what makes it apply, and its status with the reason (GET /status), filtered by
// status and searched by id or words.
import { api } from './api.js';
import { h, show } from './dom.js';
import { t, pick } from './i18n.js';

const STATES = ['met', 'due', 'not_met', 'unknown', 'not_applicable'];
const PAGE = 40;

function applies(a) {
  const keys = Object.entries(a || {});
  return keys.length ? keys.map(([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ') : t('all');
}

export async function controlsPage() {
  const [cat, status] = await Promise.all([api('GET', '/controls'), api('GET', '/status')]);
  const state = new Map();
  for (const g of status.groups) for (const c of g.controls) state.set(c.id, c);
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const want = qs.get('state') || '', q = (qs.get('q') || '').toLowerCase(), offset = Number(qs.get('offset') || 0);
  const rows = cat.controls.filter((c) => {
    const st = state.get(c.id);
    if (want && (!st || st.state !== want)) return false;
    if (!q) return true;
    return [c.id, c.title['zh-TW'], c.title.en, c.text['zh-TW'], c.text.en].some((x) => (x || '').toLowerCase().includes(q));
  });
  const f = h('form', { class: 'bar', role: 'search' },
    h('label', { for: 'cq' }, t('search')), h('input', { id: 'cq', type: 'search', value: qs.get('q') || '' }),
    h('label', { for: 'cstate' }, t('filter_state')),
    h('select', { id: 'cstate' }, h('option', { value: '' }, t('all')),
      STATES.map((k) => h('option', { value: k, selected: k === want }, t(k)))),
    h('button', { type: 'submit' }, t('search')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/controls?' + new URLSearchParams({ q: f.cq.value, state: f.cstate.value });
  });
  const go = (o) => { location.hash = '#/controls?' + new URLSearchParams({ q: qs.get('q') || '', state: want, offset: String(o) }); };
  const end = Math.min(offset + PAGE, rows.length);
  show(h('h1', {}, t('controls')), f,
    h('p', { class: 'small', id: 'ccount' }, String(rows.length) + ' / ' + String(cat.controls.length)),
    h('div', { id: 'controls' }, rows.slice(offset, end).map((c) => {
      const st = state.get(c.id);
      return h('article', { class: 'control', id: 'c-' + c.id },
        h('h2', {}, h('span', { class: 'cid' }, c.id), ' ', pick(c.title),
          st ? h('span', { class: 'badge st-' + st.state + '-t' }, t(st.state)) : null),
        st && st.reason ? h('p', { class: 'reason' }, h('b', {}, t('reason'), '：'), pick(st.reason)) : null,
        h('div', { class: 'texts' },
          h('blockquote', { lang: 'zh-Hant-TW' }, h('div', { class: 'small' }, t('text_zh')), c.text['zh-TW']),
          h('blockquote', { lang: 'en' }, h('div', { class: 'small' }, t('text_en')), c.text.en)),
        h('p', { class: 'small' }, t('applies'), '：', applies(c.applies)));
    })),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }, t('prev')),
      h('span', {}, t('page_of', { a: rows.length ? offset + 1 : 0, b: end, n: rows.length })),
      h('button', { type: 'button', disabled: end >= rows.length, onclick: () => go(offset + PAGE) }, t('next'))));
}
