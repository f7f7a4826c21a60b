// The login page: log in, and change a one-time password before anything else.

import { $, ApiError, HOME, api, hasSession, logout, say } from './app.js';

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
  $('page-status').textContent = 'Logged in. Choose a new password before anything else.';
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
  say(message, `Error: ${e.message} The Log in button works again when the wait is over.`, 'error');
  button.disabled = true;
  clearInterval(throttleTimer);
  throttleTimer = setInterval(() => {
    left -= 1;
    if (left <= 0) {
      clearInterval(throttleTimer);
      throttleTimer = null;
      button.disabled = false;
      button.textContent = 'Log in';
      say(message, 'You can try again now.', 'info');
    } else {
      button.textContent = `Log in (wait ${left} s)`;
    }
  }, 1000);
  button.textContent = `Log in (wait ${left} s)`;
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const login = $('login').value.trim();
  const password = $('password').value;
  const message = $('login-message');
  if (!login || !password) {
    say(message, 'Error: enter your e-mail address and your password.', 'error');
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
    say(message, `Error: ${e.message}`, 'error');
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
  hint.textContent = mismatch ? 'The two new passwords differ.' : '';
}

$('new-password').addEventListener('input', () => {
  const n = $('new-password').value.length;
  const short = n > 0 && n < MIN_PASSWORD;
  $('new-password').setAttribute('aria-invalid', String(short));
  $('new-password-hint').textContent = short
    ? `At least 12 characters: ${MIN_PASSWORD - n} more.`
    : 'At least 12 characters.';
  checkRepeat();
});
$('repeat-password').addEventListener('input', checkRepeat);

$('change-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = $('change-message');
  const current = typedPassword ?? $('current-password').value;
  const fresh = $('new-password').value;
  if (!current) {
    say(message, 'Error: enter your current (one-time) password.', 'error');
    $('current-password').focus();
    return;
  }
  if (fresh.length < MIN_PASSWORD) {
    say(message, `Error: the new password needs at least ${MIN_PASSWORD} characters.`, 'error');
    $('new-password').focus();
    return;
  }
  if (fresh !== $('repeat-password').value) {
    say(message, 'Error: the two new passwords differ.', 'error');
    $('repeat-password').focus();
    return;
  }
  const button = $('change-submit');
  button.disabled = true;
  say(message, '');
  try {
    await api('PUT', '/api/v1/session/password', { current_password: current, new_password: fresh });
    typedPassword = null;
    say(message, 'Password changed.', 'ok');
    location.replace(nextPage());
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      typedPassword = null;
      showLogin();
      say($('login-message'), 'Error: your session ended. Log in again.', 'error');
      return;
    }
    if (e instanceof ApiError && e.status === 403 && e.kind === 'invalid-credentials') {
      typedPassword = null;
      $('current-field').hidden = false;
    }
    say(message, `Error: ${e.message}`, 'error');
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
