// api.js - every call to /api/v1: the session cookie goes by itself (HttpOnly), the CSRF token
// the server hands out at sign-in and on every rotation is kept for this tab and sent on each
// change. The UI has no other way in: what the API refuses, the UI cannot do.
import { lang } from './i18n.js';

const CSRF = 'bs.csrf';

export class ApiError extends Error {
  constructor(status, code, message, problems) {
    super(message);
    this.status = status;
    this.code = code;
    this.problems = problems || []; // a CSV import's "FILE:LINE: message" lines
  }
}

export function api(method, path, body) {
  return send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
}

// A body that is not JSON (a CSV file as text/csv); the answer is JSON as always.
export function apiText(method, path, text, type) {
  return send(method, path, text, type);
}

// The page being drawn owns the requests it makes: when the person goes on to another page
// (app.js calls newRoute), the old page's requests are cancelled and its awaits throw
// 'aborted', so a slow page cannot draw over the one opened after it.
let route = new AbortController();
export function newRoute() {
  route.abort();
  route = new AbortController();
}

async function send(method, path, body, type) {
  const signal = route.signal;
  // the API's error messages follow the UI's language, not the browser's
  const headers = { Accept: 'application/json', 'Accept-Language': lang() };
  const csrf = sessionStorage.getItem(CSRF);
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = type;
  let r;
  try {
    // a change is never cancelled half-way: only the reads of the page left behind are
    r = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin', body,
      signal: method === 'GET' ? signal : undefined });
  } catch (e) {
    if (signal.aborted && method === 'GET') throw new ApiError(0, 'aborted', 'aborted');
    throw new ApiError(0, 'network', String(e.message || e));
  }
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  if (data && typeof data.csrf_token === 'string') sessionStorage.setItem(CSRF, data.csrf_token);
  if (signal.aborted && method === 'GET') throw new ApiError(0, 'aborted', 'aborted');
  if (!r.ok) {
    const e = data && data.error;
    throw new ApiError(r.status, e ? e.code : 'http', e ? e.message : 'HTTP ' + r.status, e && e.problems);
  }
  return data;
}

export function forgetSession() {
  sessionStorage.removeItem(CSRF);
}
