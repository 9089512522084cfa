// i18n.js - zh-TW first, English by the switch in the header (kept in localStorage). The
// API's own messages are shown as the API wrote them, after a line in the chosen language.
const KEY = 'bs.lang';
const S = {
  lang_switch: ['English', '中文'],
  roc_years: ['民國紀年', 'ROC years'],
  signin: ['登入', 'Sign in'],
  signout: ['登出', 'Sign out'],
  username: ['帳號', 'Username'],
  password: ['密碼', 'Password'],
  totp_code: ['驗證碼（TOTP，六位數字；未啟用可留空）', 'TOTP code (6 digits; empty if not set up)'],
  signin_failed: ['登入失敗', 'Sign-in failed'],
  use_reset: ['忘記密碼？使用管理者核發的重設碼', 'Forgot the password? Use a reset token from an administrator'],
  reset_title: ['以重設碼設定新密碼', 'Set a new password with a reset token'],
  reset_why: ['重設碼由管理者或資安專責人員於確認身分後核發，15 分鐘內有效、僅能使用一次。',
    'An administrator or the security officer issues the token after checking who you are; it is valid for 15 minutes, once.'],
  reset_token: ['重設碼', 'Reset token'],
  reset_done: ['密碼已設定，請以新密碼登入', 'Password set: sign in with the new one'],
  first_change: ['首次登入：請變更密碼', 'First sign-in: change your password'],
  first_change_why: ['依附表二肆、一、(六)，初始密碼須於首次登入時變更。',
    'The initial password must be changed at the first sign-in.'],
  current_password: ['目前密碼', 'Current password'],
  new_password: ['新密碼', 'New password'],
  new_password2: ['再次輸入新密碼', 'New password again'],
  mismatch: ['兩次輸入的新密碼不同，請重新輸入', 'The two new passwords differ: type them again'],
  change_password: ['變更密碼', 'Change password'],
  changed: ['密碼已變更', 'Password changed'],
  totp_setup: ['設定雙因子驗證（TOTP）', 'Set up two-factor authentication (TOTP)'],
  totp_why: ['管理者帳號須使用第二因子：於驗證器 App 加入下列金鑰，再輸入其顯示之六位數字。',
    'Administrator accounts need a second factor: add this key to an authenticator app, then enter the six digits it shows.'],
  totp_start: ['產生金鑰', 'Create the key'],
  totp_secret: ['金鑰', 'Key'],
  totp_confirm: ['確認', 'Confirm'],
  totp_done: ['雙因子驗證已啟用', 'Two-factor authentication is on'],
  dashboard: ['總覽', 'Dashboard'],
  registers: ['登記簿', 'Registers'],
  controls: ['控制項', 'Controls'],
  account: ['我的帳號', 'My account'],
  compliance: ['各條文與附表之遵循情形', 'Compliance by article and annex part'],
  met: ['符合', 'met'], not_met: ['不符合', 'not met'], due: ['將到期', 'due'],
  unknown: ['未知', 'unknown'], not_applicable: ['不適用', 'not applicable'],
  deadlines: ['期限', 'Deadlines'], overdue: ['已逾期', 'Overdue'],
  due30: ['30 天內到期', 'Due within 30 days'], due90: ['31–90 天內到期', 'Due in 31–90 days'],
  none: ['無', 'none'], eventlog: ['事件日誌', 'Event log'],
  events: ['事件數', 'events'], checkpoint: ['最新檢查點', 'last checkpoint'],
  alert: ['警示', 'alert'], no_alert: ['無警示', 'no alert'],
  as_of: ['資料日期', 'as of'],
  search: ['搜尋', 'Search'], archived_too: ['含已封存', 'include archived'],
  add: ['新增', 'Add'], edit: ['編輯', 'Edit'], save: ['儲存', 'Save'], cancel: ['取消', 'Cancel'],
  archive: ['封存', 'Archive'], history: ['異動紀錄', 'History'], back: ['返回', 'Back'],
  prev: ['上一頁', 'Previous'], next: ['下一頁', 'Next'],
  page_of: ['第 {a}–{b} 筆，共 {n} 筆', 'rows {a}–{b} of {n}'],
  no_records: ['尚無紀錄', 'No records'],
  saved: ['已儲存', 'Saved'], archived: ['已封存', 'Archived'],
  confirm_archive: ['確定封存此筆紀錄？', 'Archive this record?'],
  required: ['必填', 'required'], sort_by: ['依此欄排序', 'sort by this column'],
  applies: ['適用', 'applies'], status: ['狀態', 'status'], reason: ['理由', 'reason'],
  text_zh: ['條文（中文原文）', 'Text (zh-TW, verbatim)'], text_en: ['英譯', 'English'],
  filter_state: ['依狀態篩選', 'Filter by status'], all: ['全部', 'all'],
  role: ['角色', 'Role'],
  // the five roles (docs/roles.md) as a person reads them
  role_admin: ['系統管理者', 'administrator'], role_security_officer: ['資安專責人員', 'security officer'],
  role_auditor: ['稽核', 'auditor'], role_it_staff: ['資訊人員', 'IT staff'], role_employee: ['一般使用者', 'employee'], full_name: ['姓名', 'Full name'], totp: ['雙因子驗證', 'Two-factor'],
  on: ['已啟用', 'on'], off: ['未啟用', 'off'],
  training: ['我的教育訓練', 'My training'],
  totp_why_opt: ['於驗證器 App 加入金鑰，登入時再輸入其顯示之六位數字，可保護您的帳號。',
    'Add the key to an authenticator app and enter the six digits it shows at each sign-in: it protects your account.'],
  not_allowed: ['您的角色無權檢視此頁', 'Your role may not see this page'],
  loading: ['載入中…', 'Loading…'], error: ['錯誤', 'Error'],
  chart_title: ['各條文與附表之遵循情形（控制項數）', 'Compliance by article and annex part (controls)'],
  due_date: ['期限', 'due'], duty: ['義務', 'duty'], source: ['依據', 'source'], subject: ['對象', 'subject'],
  detail: ['說明', 'detail'],
  yes: ['是', 'yes'], no: ['否', 'no'],
};

// A page's own strings, added by its module when it loads (same shape as S): each page keeps
// its words beside its code; a key already taken is a mistake, thrown at load.
export function addStrings(table) {
  for (const [k, v] of Object.entries(table)) {
    if (k in S) throw new Error('i18n: the key ' + k + ' is taken');
    S[k] = v;
  }
}

export function lang() {
  return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh-TW';
}

export function setLang(l) {
  localStorage.setItem(KEY, l === 'en' ? 'en' : 'zh-TW');
}

export function t(key, vars) {
  const pair = S[key];
  let text = pair ? pair[lang() === 'en' ? 1 : 0] : key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replace('{' + k + '}', String(v));
  return text;
}

// A {"zh-TW": ..., "en": ...} pair from the API in the chosen language.
export function pick(pair) {
  if (!pair || typeof pair !== 'object') return pair == null ? '' : String(pair);
  return (lang() === 'en' ? pair.en : pair['zh-TW']) || pair['zh-TW'] || pair.en || '';
}
