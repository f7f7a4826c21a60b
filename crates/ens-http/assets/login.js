// The login page: log in, and change a one-time password before anything else.

import { $, ApiError, HOME, api, hasSession, logout, problemText, say, t } from './app.js';

const MIN_PASSWORD = 12;

/** Where to go after login: a path of this site only (never another origin). */
function nextPage() {
  const next = new URLSearchParams(location.search).get('next');
  if (!next || !next.startsWith('/')) return HOME;
  let url;
  try {
    url = new URL(next, location.origin);
  } catch {
    return HOME;
  }
  if (url.origin !== location.origin || url.pathname === '/login') return HOME;
  return url.pathname + url.search;
}

/** The password typed at login, kept only on this page to change a one-time password. */
let typedPassword = null;

function done() {
  $('main').setAttribute('aria-busy', 'false');
}

function showLogin() {
  $('change-view').hidden = true;
  $('who').hidden = true;
  $('login-view').hidden = false;
  done();
  $('login').focus();
}

function showChange(session) {
  $('login-view').hidden = true;
  $('change-view').hidden = false;
  $('who').hidden = false;
  $('principal-login').textContent = session.principal.login;
  $('current-field').hidden = typedPassword !== null;
  $('page-status').textContent = t('js-login-choose-now');
  done();
  (typedPassword === null ? $('current-password') : $('new-password')).focus();
}

let throttleTimer = null;

/** Keeps the login button disabled while the API refuses logins (429). */
function throttled(e) {
  const wait = Number(e.problem.retry_after) || 1;
  const button = $('login-submit');
  const message = $('login-message');
  let left = wait;
  say(message, t('js-login-throttled', { message: e.message }), 'error');
  button.disabled = true;
  clearInterval(throttleTimer);
  throttleTimer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(throttleTimer);
      throttleTimer = null;
      button.disabled = false;
      button.textContent = t('login-log-in');
      say(message, t('js-login-try-again'), 'info');
    } else {
      button.textContent = t('js-login-wait', { seconds: left });
    }
  }, 1000);
  button.textContent = t('js-login-wait', { seconds: left });
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const login = $('login').value.trim();
  const password = $('password').value;
  const message = $('login-message');
  if (!login || !password) {
    say(message, t('js-login-enter-both'), 'error');
    (login ? $('password') : $('login')).focus();
    return;
  }
  const button = $('login-submit');
  button.disabled = true;
  say(message, '');
  try {
    const session = await api('POST', '/api/v1/session', { login, password });
    $('password').value = '';
    if (session.password_change_required) {
      typedPassword = password;
      showChange(session);
    } else {
      location.replace(nextPage());
    }
  } catch (e) {
    if (e instanceof ApiError && e.status === 429) {
      throttled(e);
      return;
    }
    say(message, problemText(e), 'error');
    $('password').focus();
  } finally {
    if (!throttleTimer) button.disabled = false;
  }
});

function checkRepeat() {
  const a = $('new-password').value;
  const b = $('repeat-password').value;
  const hint = $('repeat-password-hint');
  const mismatch = b.length > 0 && a !== b;
  $('repeat-password').setAttribute('aria-invalid', String(mismatch));
  hint.textContent = mismatch ? t('js-login-passwords-differ') : '';
}

$('new-password').addEventListener('input', () => {
  const n = $('new-password').value.length;
  const short = n > 0 && n < MIN_PASSWORD;
  $('new-password').setAttribute('aria-invalid', String(short));
  $('new-password-hint').textContent = short
    ? t('js-login-more-characters', { min: MIN_PASSWORD, more: MIN_PASSWORD - n })
    : t('login-at-least-12-characters');
  checkRepeat();
});
$('repeat-password').addEventListener('input', checkRepeat);

$('change-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = $('change-message');
  const current = typedPassword ?? $('current-password').value;
  const fresh = $('new-password').value;
  if (!current) {
    say(message, t('js-login-enter-current'), 'error');
    $('current-password').focus();
    return;
  }
  if (fresh.length < MIN_PASSWORD) {
    say(message, t('js-login-too-short', { min: MIN_PASSWORD }), 'error');
    $('new-password').focus();
    return;
  }
  if (fresh !== $('repeat-password').value) {
    say(message, t('js-login-error-passwords-differ'), 'error');
    $('repeat-password').focus();
    return;
  }
  const button = $('change-submit');
  button.disabled = true;
  say(message, '');
  try {
    await api('PUT', '/api/v1/session/password', { current_password: current, new_password: fresh });
    typedPassword = null;
    say(message, t('js-login-password-changed'), 'ok');
    location.replace(nextPage());
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      typedPassword = null;
      showLogin();
      say($('login-message'), t('js-login-session-ended'), 'error');
      return;
    }
    if (e instanceof ApiError && e.status === 403 && e.kind === 'invalid-credentials') {
      typedPassword = null;
      $('current-field').hidden = false;
    }
    say(message, problemText(e), 'error');
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', () => logout());

async function start() {
  if (!hasSession()) {
    showLogin();
    return;
  }
  // A session may exist already: go on, or finish changing a one-time password.
  try {
    const session = await api('GET', '/api/v1/session');
    if (session.password_change_required) showChange(session);
    else location.replace(nextPage());
  } catch {
    showLogin();
  }
}

start();
