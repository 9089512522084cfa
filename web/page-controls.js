// page-controls.js - the catalog a page at a time from the server (GET /controls?limit: each
// control with the text's own numbering beside its id, its verbatim zh-TW text beside the
// English, what makes it apply, and today's status with the reason), filtered by status and
// searched by id or words on the server.
import { api } from './api.js';
import { h, show } from './dom.js';
import { t, lang } from './i18n.js';

const STATES = ['met', 'due', 'not_met', 'unknown', 'not_applicable'];
const PAGE = 40;

function applies(a) {
  const keys = Object.entries(a || {});
  return keys.length ? keys.map(([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(', ') : t('all');
}

export async function controlsPage() {
  const qs = new URLSearchParams(location.hash.split('?')[1] || '');
  const want = qs.get('state') || '', q = qs.get('q') || '', offset = Number(qs.get('offset') || 0);
  const args = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (want) args.set('state', want);
  if (q) args.set('q', q);
  const page = await api('GET', '/controls?' + args);
  const en = lang() === 'en';
  const f = h('form', { class: 'bar', role: 'search' },
    h('label', { for: 'cq' }, t('search')), h('input', { id: 'cq', type: 'search', value: q }),
    h('label', { for: 'cstate' }, t('filter_state')),
    h('select', { id: 'cstate' }, h('option', { value: '' }, t('all')),
      STATES.map((k) => h('option', { value: k, selected: k === want }, t(k)))),
    h('button', { type: 'submit' }, t('search')));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/controls?' + new URLSearchParams({ q: f.cq.value, state: f.cstate.value });
  });
  const go = (o) => { location.hash = '#/controls?' + new URLSearchParams({ q, state: want, offset: String(o) }); };
  const end = Math.min(offset + page.records.length, page.total);
  show(h('h1', {}, t('controls')), f,
    h('p', { class: 'small', id: 'ccount' }, String(page.total) + ' / ' + String(page.catalog)),
    h('div', { id: 'controls' }, page.records.map((c) => {
      const reason = en ? c.reason_en : c.reason_zh;
      const num = en ? c.numbering_en : c.numbering_zh;
      return h('article', { class: 'control', id: 'c-' + c.id },
        h('h2', {}, h('span', { class: 'cid' }, c.id), num ? h('span', { class: 'num' }, ' ', num) : null, ' ',
          en ? c.title_en : c.title_zh,
          c.state ? h('span', { class: 'badge st-' + c.state + '-t' }, t(c.state)) : null),
        reason ? h('p', { class: 'reason' }, h('b', {}, t('reason'), '：'), reason) : null,
        h('div', { class: 'texts' },
          h('blockquote', { lang: 'zh-Hant-TW' }, h('div', { class: 'small' }, t('text_zh')), c.text_zh),
          h('blockquote', { lang: 'en' }, h('div', { class: 'small' }, t('text_en')), c.text_en)),
        h('p', { class: 'small' }, t('applies'), '：', applies(c.applies)),
        // page-evidence.js: the upload form for this control, and its evidence
        h('p', { class: 'small' }, h('a', { href: '#/evidence?control=' + encodeURIComponent(c.id) + '&new=1', 'aria-label': t('ev_upload') + ' ' + c.id }, t('ev_upload'))));
    })),
    h('nav', { class: 'pager', 'aria-label': 'pages' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - PAGE)) }, t('prev')),
      h('span', {}, t('page_of', { a: page.total ? offset + 1 : 0, b: end, n: page.total })),
      h('button', { type: 'button', disabled: end >= page.total, onclick: () => go(offset + PAGE) }, t('next'))));
}
