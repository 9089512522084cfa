// api.js - every call to /api/v1: the session cookie goes by itself (HttpOnly), the CSRF token
// the server hands out at sign-in and on every rotation is kept for this tab and sent on each
// change. The UI has no other way in: what the API refuses, the UI cannot do.
import { lang } from './i18n.js';

const CSRF = 'bs.csrf';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function api(method, path, body) {
  // the API's error messages follow the UI's language, not the browser's
  const headers = { Accept: 'application/json', 'Accept-Language': lang() };
  const csrf = sessionStorage.getItem(CSRF);
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch('/api/v1' + path, {
      method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', String(e.message || e));
  }
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  if (data && typeof data.csrf_token === 'string') sessionStorage.setItem(CSRF, data.csrf_token);
  if (!r.ok) {
    const e = data && data.error;
    throw new ApiError(r.status, e ? e.code : 'http', e ? e.message : 'HTTP ' + r.status);
  }
  return data;
}

export function forgetSession() {
  sessionStorage.removeItem(CSRF);
}
