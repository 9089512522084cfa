// fmt.js - dates as a person in Taiwan reads them. A calendar date (YYYY-MM-DD, as the
// registers store it) is shown as it is, or in 民國 years when the header's switch says so
// (kept in localStorage, bs.roc); an instant (the API's UTC time, ISO 8601) is shown in
// Asia/Taipei with the UTC instant in its title, so nothing is lost by the conversion.
import { lang } from './i18n.js';
import { h } from './dom.js';

const ROC = 'bs.roc';

export function roc() {
  return localStorage.getItem(ROC) === '1';
}

export function setRoc(on) {
  localStorage.setItem(ROC, on ? '1' : '0');
}

// 'YYYY-MM-DD' (or longer: the date part is used) -> the shown date; anything else unchanged.
export function day(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(s || '');
  if (!m) return s == null ? '' : String(s);
  if (!roc()) return m[0];
  const y = Number(m[1]) - 1911;
  if (y < 1) return m[0]; // before 民國 1 (1912): no 民國 year to give
  return lang() === 'en' ? `ROC ${y}-${m[2]}-${m[3]}` : `民國${y}年${m[2]}月${m[3]}日`;
}

const TPE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});

// An instant (ISO 8601 with a zone, or microseconds since the epoch as a number) -> its
// Asia/Taipei wall time 'YYYY-MM-DD HH:MM:SS' (the date part in 民國 when chosen).
export function instant(v) {
  const ms = typeof v === 'number' ? v / 1000 : Date.parse(v);
  if (!Number.isFinite(ms)) return v == null ? '' : String(v);
  const p = Object.fromEntries(TPE.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${day(`${p.year}-${p.month}-${p.day}`)} ${p.hour}:${p.minute}:${p.second}`;
}

// The UTC form of the same instant, for a title attribute or a <time datetime>.
export function utc(v) {
  const ms = typeof v === 'number' ? v / 1000 : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '';
}

// <time> for an instant: Taipei wall time shown, the UTC instant in datetime and title.
export function when(v) {
  const u = utc(v);
  return h('time', { datetime: u || false, title: u ? 'UTC ' + u : false }, instant(v));
}
