// Shared by every page: the admin API client, the page frame (header, logout, language) and
// small DOM helpers. Text is always set as text (never parsed as HTML).

export const CSRF_COOKIE = 'ens_csrf';
export const HOME = '/setup/scim-import';

/** The page's language, as the server chose it (`<html lang>`). */
export const LANG = document.documentElement.lang === 'de' ? 'de' : 'en';
const LANGUAGE_COOKIE = 'ens_lang';

// The texts the scripts build, from the catalogue the server fills the HTML with (Fluent,
// formatted by @fluent/bundle, loaded before this module).
const { FluentBundle, FluentResource } = globalThis.FluentBundle;
const bundle = new FluentBundle(LANG, { useIsolating: false });
try {
  const res = await fetch(`/assets/messages-${LANG}.ftl`, { cache: 'no-cache' });
  if (res.ok) bundle.addResource(new FluentResource(await res.text()));
} catch {
  // Without the catalogue the scripts show message ids; the page's own text is still there.
}

/** The message `id` in the page's language, with `args` (numbers choose plural forms). */
export function t(id, args) {
  const message = bundle.getMessage(id);
  if (!message || !message.value) return id;
  return bundle.formatPattern(message.value, args);
}

/**
 * The message `id` as a list for `replaceChildren`: its `{ $name }` placeables for the names
 * in `nodes` become those elements (a `<time>`, a link), wherever the translation puts them.
 */
export function tNodes(id, args = {}, nodes = {}) {
  const marked = { ...args };
  for (const name of Object.keys(nodes)) marked[name] = `\u0001${name}\u0001`;
  return t(id, marked)
    .split('\u0001')
    .map((part, i) => (i % 2 === 1 ? nodes[part] : part))
    .filter((part) => part !== '');
}

/** The header's language switch: remembered in a cookie for a year, then the page again. */
function languageSwitch() {
  const select = document.getElementById('language');
  if (!select) return;
  select.value = LANG;
  select.addEventListener('change', () => {
    document.cookie = `${LANGUAGE_COOKIE}=${select.value}; Path=/; Max-Age=31536000; SameSite=Lax`;
    location.reload();
  });
}
languageSwitch();

/** An answer of the admin API that is not a success: `problem` is its problem+json body. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || t('js-server-answered', { status }));
    this.status = status;
    this.problem = problem || {};
  }

  get kind() {
    return (this.problem.type || '').replace('urn:ens-scim:problem:', '');
  }
}

function cookie(name) {
  const prefix = `${name}=`;
  const found = document.cookie
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(prefix));
  return found === undefined ? null : decodeURIComponent(found.slice(prefix.length));
}

/** Whether this browser holds a session (the CSRF cookie travels with the HttpOnly one). */
export function hasSession() {
  return Boolean(cookie(CSRF_COOKIE));
}

/**
 * Calls the admin API. Writes repeat the CSRF cookie in `X-CSRF-Token`. Resolves to the JSON
 * body (null for 204); rejects with an ApiError.
 */
export async function api(method, path, body) {
  // The API words its problems and hints in the page's language.
  const headers = { Accept: 'application/json', 'Accept-Language': LANG };
  if (method !== 'GET') {
    const csrf = cookie(CSRF_COOKIE);
    if (csrf) headers['X-CSRF-Token'] = csrf;
  }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, { title: t('js-no-connection'), detail: t('js-no-connection-detail') });
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** The login page, coming back to this page afterwards. */
export function loginUrl() {
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

const DRAFTS = 'ens-drafts';

/** What was typed on this page (not secrets, not read-only fields), to survive a new login. */
function saveDrafts() {
  const fields = [...document.querySelectorAll('main input[id], main textarea[id]')].filter(
    (el) => !el.readOnly && !['password', 'hidden', 'checkbox', 'radio'].includes(el.type) && el.value,
  );
  if (fields.length === 0) return;
  const drafts = Object.fromEntries(fields.map((el) => [el.id, el.value]));
  try {
    sessionStorage.setItem(DRAFTS, JSON.stringify({ path: location.pathname + location.search, drafts }));
  } catch {
    // Storage may be off: the login still brings the principal back here.
  }
}

/** Puts back what was typed before the session ended, once the page is drawn. */
function restoreDrafts() {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem(DRAFTS) || 'null');
    sessionStorage.removeItem(DRAFTS);
  } catch {
    return;
  }
  if (!saved || saved.path !== location.pathname + location.search) return;
  for (const [id, value] of Object.entries(saved.drafts || {})) {
    const el = document.getElementById(id);
    if (el && !el.readOnly && !el.value) {
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }
}

/**
 * When `e` says the session is gone or not usable yet: while the page loads, straight to the
 * login; later (the principal was working), says so with a way back that keeps what was typed.
 */
export function leaveIfLoggedOut(e) {
  if (!(e instanceof ApiError && (e.status === 401 || (e.status === 403 && e.kind === 'password-change-required')))) {
    return false;
  }
  if (!pageReady) {
    location.replace(loginUrl());
    return true;
  }
  saveDrafts();
  const el = $('session-ended');
  if (el) {
    $('session-ended-link').href = loginUrl();
    el.hidden = false;
    $('session-ended-link').focus();
  } else {
    location.replace(loginUrl());
  }
  return true;
}

let pageReady = false;

export async function logout() {
  try {
    await api('DELETE', '/api/v1/session');
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) {
      showPageError(e);
      return;
    }
  }
  location.assign('/login');
}

export function $(id) {
  return document.getElementById(id);
}

/** `h('a', {href: '/x', class: 'y'}, 'text', child)`: an element with attributes and children. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const dateFormat = new Intl.DateTimeFormat(LANG, { dateStyle: 'medium', timeStyle: 'medium' });

/** A `<time>` element showing an RFC 3339 timestamp in the reader's time zone. */
export function time(iso) {
  const d = new Date(iso);
  const text = Number.isNaN(d.getTime()) ? iso : dateFormat.format(d);
  return h('time', { datetime: iso, title: iso }, text);
}

/**
 * Says `text` (what is wrong) at `input`, in its hint (`<id>-hint`), and marks the input as
 * invalid; without text, clears both.
 */
export function markField(input, text) {
  const hint = $(`${input.id}-hint`);
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  hint.textContent = text || '';
  hint.classList.toggle('invalid', Boolean(text));
}

/**
 * Shows `text` in a message element; `kind` is 'ok', 'error' or 'info'. Messages start with a
 * word that says which, so colour is never the only hint.
 */
export function say(el, text, kind = 'info') {
  el.classList.remove('ok', 'error', 'info');
  if (!text) {
    el.hidden = true;
    el.textContent = '';
    return;
  }
  el.classList.add(kind);
  el.textContent = text;
  el.hidden = false;
}

export function problemText(e) {
  return t('js-error', { message: e instanceof ApiError ? e.message : e && e.message ? e.message : String(e) });
}

export function showPageError(e) {
  const el = $('page-error');
  if (el) say(el, problemText(e), 'error');
}

/** Puts `value` on the clipboard; selects the field as a fallback for manual copying. */
export async function copy(input, statusEl) {
  input.focus();
  input.select();
  try {
    await navigator.clipboard.writeText(input.value);
    say(statusEl, t('js-copied'), 'ok');
  } catch {
    say(statusEl, t('js-copy-by-hand'), 'info');
  }
}

/** Fills `<nav class=pager>` links for `page` of `total` entries, `perPage` per page. */
export function pager(page, perPage, total, hrefFor) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const nav = $('pager');
  nav.hidden = pages <= 1;
  $('pager-text').textContent = t('js-page-of', { page, pages });
  for (const [id, target] of [
    ['pager-prev', page - 1],
    ['pager-next', page + 1],
  ]) {
    const a = $(id);
    if (target >= 1 && target <= pages) {
      a.setAttribute('href', hrefFor(target));
      a.removeAttribute('aria-disabled');
    } else {
      a.removeAttribute('href');
      a.setAttribute('aria-disabled', 'true');
    }
  }
}

/** A positive integer from the query string. */
export function pageParam(params) {
  const n = Number.parseInt(params.get('page') || '1', 10);
  return Number.isFinite(n) && n >= 1 ? n : 1;
}

/**
 * Starts a page behind the login: checks the session, fills the header, then runs
 * `render(session)`. Marks `<main>` as no longer busy when done.
 */
export async function startPage(render) {
  $('logout').addEventListener('click', () => logout());
  const main = $('main');
  try {
    const session = await api('GET', '/api/v1/session');
    if (session.password_change_required) {
      location.replace(loginUrl());
      return;
    }
    $('enterprise-name').textContent = session.principal.enterprise_name;
    $('principal-login').textContent = session.principal.login;
    await render(session);
    restoreDrafts();
    pageReady = true;
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    showPageError(e);
  }
  main.setAttribute('aria-busy', 'false');
}

/**
 * A page number past the end (entries went away, or a typed address): to the last page.
 * Returns true when the browser is sent there.
 */
export function clampPage(page, perPage, total, hrefFor) {
  const last = Math.max(1, Math.ceil(total / perPage));
  if (page <= last) return false;
  location.replace(hrefFor(last));
  return true;
}

export const SOURCES = { scim: t('persons-entra-scim'), manual: t('persons-manual') };
