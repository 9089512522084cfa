// page-dashboard.js - what a manager reads in ten seconds: compliance by article and annex
// part as a stacked bar chart (SVG drawn here, with the same numbers as a table for screen
// readers and print), the deadlines overdue and due within 30/90 days (GET /due), and the
// event log's state and alert (GET /events/status, for the roles that may read it).
import { api, ApiError } from './api.js';
import { h, s, show } from './dom.js';
import { t, pick, lang } from './i18n.js';

const STATES = ['met', 'due', 'not_met', 'unknown', 'not_applicable'];

function chart(groups) {
  const row = 26, labelW = 190, barW = 420, top = 8, width = labelW + barW + 60;
  const height = top + groups.length * row + 34;
  const max = Math.max(1, ...groups.map((g) => STATES.reduce((n, k) => n + (g.counts[k] || 0), 0)));
  const bars = groups.map((g, i) => {
    const y = top + i * row;
    let x = labelW;
    const total = STATES.reduce((n, k) => n + (g.counts[k] || 0), 0);
    const segs = STATES.filter((k) => g.counts[k]).map((k) => {
      const w = (g.counts[k] / max) * barW;
      const r = s('rect', { x: x.toFixed(1), y, width: Math.max(w, 1).toFixed(1), height: row - 8, class: 'st-' + k },
        s('title', {}, g.id + ' ' + t(k) + ': ' + g.counts[k]));
      x += w;
      return r;
    });
    return s('g', {},
      s('text', { x: labelW - 6, y: y + row / 2, class: 'lbl', 'text-anchor': 'end' },
        short(g.id + ' ' + pick(g.title))),
      segs,
      s('text', { x: x + 4, y: y + row / 2, class: 'num' }, String(total)));
  });
  let lx = labelW;
  const legend = STATES.map((k) => {
    const g = s('g', {}, s('rect', { x: lx, y: height - 22, width: 12, height: 12, class: 'st-' + k }),
      s('text', { x: lx + 16, y: height - 12, class: 'num' }, t(k)));
    lx += 90;
    return g;
  });
  return s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title', class: 'chart' },
    s('title', { id: 'chart-title' }, t('chart_title')), bars, legend);
}

// The label column holds about 16 CJK or 28 Latin characters; the whole title is in the table.
function short(text) {
  const max = lang() === 'en' ? 28 : 16;
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function table(groups) {
  return h('table', { class: 'data' },
    h('caption', {}, t('chart_title')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'ID'), h('th', { scope: 'col' }, t('controls')),
      STATES.map((k) => h('th', { scope: 'col', class: 'n' }, t(k))))),
    h('tbody', {}, groups.map((g) => h('tr', {},
      h('th', { scope: 'row' }, g.id), h('td', {}, pick(g.title)),
      STATES.map((k) => h('td', { class: 'n' }, String(g.counts[k] || 0)))))));
}

function days(from, to) {
  return Math.round((Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / 86400000);
}

function dueList(title, id, items) {
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title, ' ', h('span', { class: 'count' }, String(items.length))),
    items.length ? h('ul', { class: 'due' }, items.map((d) => h('li', {},
      h('strong', {}, d.due), ' ', h('span', { class: 'src' }, d.source), ' ', d.detail || d.duty)))
      : h('p', {}, t('none')));
}

async function eventLog() {
  let st;
  try {
    st = await api('GET', '/events/status');
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return null; // not this role's to read
    throw e;
  }
  const alert = st.alert ? (typeof st.alert === 'string' ? st.alert : JSON.stringify(st.alert)) : null;
  return h('section', { class: 'card', 'aria-labelledby': 'ev-h' },
    h('h2', { id: 'ev-h' }, t('eventlog')),
    h('dl', {},
      h('dt', {}, t('events')), h('dd', {}, String(st.events)),
      h('dt', {}, t('checkpoint')), h('dd', {}, st.checkpoint ? st.checkpoint.time : t('none')),
      h('dt', {}, t('alert')), h('dd', { class: alert ? 'bad' : '' }, alert || t('no_alert'))));
}

export async function dashboardPage() {
  const [status, due, ev] = await Promise.all([api('GET', '/status'), api('GET', '/due?lang=' + lang()), eventLog()]);
  const today = status.as_of;
  // overdue: as the API says; due: still open and within 30 / 90 days (a met duty's date in
  // the past, such as the start of the retained log, is neither)
  const overdue = due.filter((d) => d.status === 'overdue');
  const soon = due.filter((d) => d.status !== 'overdue' && days(today, d.due) >= 0);
  const in30 = soon.filter((d) => days(today, d.due) <= 30);
  const in90 = soon.filter((d) => days(today, d.due) > 30 && days(today, d.due) <= 90);
  show(
    h('h1', {}, t('dashboard')),
    h('p', {}, status.org, ' · ', t('as_of'), ' ', today),
    h('ul', { class: 'totals' }, STATES.map((k) => h('li', { class: 'st-' + k + '-t' },
      h('span', { class: 'big' }, String(status.totals[k] || 0)), ' ', t(k)))),
    h('section', { class: 'card wide', 'aria-labelledby': 'cmp-h' },
      h('h2', { id: 'cmp-h' }, t('compliance')),
      h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'cmp-h' }, chart(status.groups)),
      h('details', {}, h('summary', {}, t('chart_title')), table(status.groups))),
    h('div', { class: 'cards' },
      dueList(t('overdue'), 'od-h', overdue), dueList(t('due30'), 'd30-h', in30), dueList(t('due90'), 'd90-h', in90),
      ev));
}
