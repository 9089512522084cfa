// page-dashboard.js - what a manager reads in ten seconds: compliance by article and annex
// part as a stacked bar chart (SVG drawn here, with the same numbers as a table for screen
// readers and print), the deadlines overdue and due within 30/90 days (GET /due), and the
// event log's state and alert (GET /events/status, for the roles that may read it).
import { api, ApiError } from './api.js';
import { h, s, show } from './dom.js';
import { t, pick, lang, addStrings } from './i18n.js';
import { day, when } from './fmt.js';
import { latestScansPanel } from './page-scans.js';

addStrings({
  db_findings: ['未結案之評估發現事項', 'Open assessment findings'],
  db_all_n: ['全部 {n} 項', 'all {n}'],
  db_fd_overdue: ['已逾改善期限', 'past their due date'],
  db_fd_none: ['無未結案之發現事項', 'No open findings'],
  db_sev_critical: ['嚴重', 'critical'], db_sev_high: ['高', 'high'], db_sev_medium: ['中', 'medium'], db_sev_low: ['低', 'low'],
  // 下一步: the most urgent actions of GET /status (docs/status.md, "Next actions")
  db_next: ['下一步', 'Next steps'],
  db_next_of: ['最優先的 {n} 項，共 {total} 項', 'the {n} most urgent of {total}'],
  db_next_count: ['影響 {n} 項', '{n} controls'],
  db_next_cmd: ['指令', 'Command'],
  db_next_web: ['在網頁辦理', 'Do it here'],
  db_next_none: ['沒有待辦行動：各適用控制項皆符合。', 'Nothing to do: every applicable control is met.'],
  db_next_all: ['完整清單：brokersec status --all', 'Full list: brokersec status --all'],
});

// "（影響 12 項：SR.3、SR.4.6…）": how many controls an action moves, the first few by id.
function concerns(a) {
  const en = lang() === 'en';
  const ids = a.controls.join(en ? ', ' : '、') + (a.count > a.controls.length ? '…' : '');
  return en ? '(' + t('db_next_count', { n: a.count }) + ': ' + ids + ')' : '（' + t('db_next_count', { n: a.count }) + '：' + ids + '）';
}

// 下一步: each action with its state, what it concerns, the command that does it and the web
// page that does the same where there is one.
function nextSteps(status) {
  const acts = status.actions || [];
  return h('section', { class: 'card wide', id: 'db-next', 'aria-labelledby': 'db-next-h' },
    h('h2', { id: 'db-next-h' }, t('db_next'), ' ',
      h('span', { class: 'count' }, t('db_next_of', { n: acts.length, total: status.actions_total || acts.length }))),
    acts.length ? h('ol', { class: 'db-next' }, acts.map((a) => h('li', {},
      h('p', {}, h('span', { class: 'badge st-' + a.state + '-t' }, t(a.state)), ' ', h('strong', {}, pick(a.title)), ' ',
        h('span', { class: 'src' }, concerns(a))),
      h('p', {}, t('db_next_cmd'), lang() === 'en' ? ': ' : '：', h('code', {}, pick(a.command)),
        a.page ? [' ', h('a', { href: a.page, 'aria-label': t('db_next_web') + (lang() === 'en' ? ': ' : '：') + pick(a.title) }, t('db_next_web'))] : null))))
      : h('p', {}, t('db_next_none')),
    h('p', { class: 'src' }, t('db_next_all')));
}

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

// One kind of deadline: its count, the soonest few, and the whole list a page at a time.
function dueList(title, id, part, query) {
  const more = part.count > part.first.length;
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title, ' ', h('span', { class: 'count' }, String(part.count))),
    part.count ? h('ul', { class: 'due' }, part.first.map((d) => h('li', {},
      h('strong', {}, day(d.due)), ' ', h('span', { class: 'src' }, d.source), ' ', d.detail || d.duty)))
      : h('p', {}, t('none')),
    more ? h('p', {}, h('a', { href: '#/due?' + query }, t('db_all_n', { n: part.count }))) : null);
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
      h('dt', {}, t('checkpoint')), h('dd', {}, st.checkpoint ? when(st.checkpoint.time) : t('none')),
      h('dt', {}, t('alert')), h('dd', { class: alert ? 'bad' : '' }, alert || t('no_alert'))));
}

// Open findings by severity (a bar per severity, the same numbers as text), how many are past
// their due date, and the most urgent ones with a link to their assessment.
async function findings() {
  const f = await api('GET', '/assessment-findings/open');
  const sev = ['critical', 'high', 'medium', 'low'];
  const max = Math.max(1, ...sev.map((k) => f.by_severity[k] || 0));
  return h('section', { class: 'card', 'aria-labelledby': 'fd-h' },
    h('h2', { id: 'fd-h' }, t('db_findings'), ' ', h('span', { class: 'count' }, String(f.open))),
    f.open ? [
      h('ul', { class: 'sevbars' }, sev.map((k) => h('li', {},
        h('span', { class: 'sevname' }, t('db_sev_' + k)),
        h('span', { class: 'sevbar sev-' + k, 'data-w': String(Math.round((f.by_severity[k] || 0) / max * 10)) }),
        h('span', { class: 'n' }, String(f.by_severity[k] || 0))))),
      f.overdue ? h('p', { class: 'bad' }, String(f.overdue), ' ', t('db_fd_overdue')) : null,
      h('ul', { class: 'due' }, f.first.map((x) => h('li', {},
        h('strong', {}, day(x.due)), ' ', h('span', { class: 'src' }, x.control), ' ',
        h('a', { href: '#/assessments/' + x.assessment }, x.title), ' (', t('db_sev_' + x.severity), ')')))]
      : h('p', {}, t('db_fd_none')));
}

export async function dashboardPage() {
  // the summaries: a few kB whatever the size of the registers (GET /status and /due grow
  // with every person and system)
  const [status, due, ev, fd] = await Promise.all([api('GET', '/status?view=summary'),
    api('GET', '/due/summary?lang=' + lang()), eventLog(), findings()]);
  const today = status.as_of;
  show(
    h('h1', {}, t('dashboard')),
    h('p', {}, status.org, ' · ', t('as_of'), ' ', day(today)),
    h('ul', { class: 'totals' }, STATES.map((k) => h('li', { class: 'st-' + k + '-t' },
      h('span', { class: 'big' }, String(status.totals[k] || 0)), ' ', t(k)))),
    nextSteps(status),
    h('section', { class: 'card wide', 'aria-labelledby': 'cmp-h' },
      h('h2', { id: 'cmp-h' }, t('compliance')),
      h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'cmp-h' }, chart(status.groups)),
      h('details', {}, h('summary', {}, t('chart_title')), table(status.groups))),
    h('div', { class: 'cards' },
      dueList(t('overdue'), 'od-h', due.overdue, 'status=overdue'),
      dueList(t('due30'), 'd30-h', due.within_30, 'within=30&status=due_soon'),
      dueList(t('due90'), 'd90-h', due.within_90, 'within=90&status=due_soon'),
      fd, ev));
  await scansPanel();
}

// 最近掃描 (page-scans.js builds it, its strings live there): the last saved scan per host,
// added to the cards once read; section #sc-panel, heading #sc-h.
async function scansPanel() {
  const cards = document.querySelector('#main .cards');
  const panel = await latestScansPanel();
  if (cards && cards.isConnected) cards.append(panel);
}
