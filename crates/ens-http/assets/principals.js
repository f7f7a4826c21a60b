// Principals: the enterprise's principals, inviting one, a new one-time password, removing.

import { $, ApiError, api, copy, h, leaveIfLoggedOut, problemText, say, startPage, time } from './app.js';

let removing = null;

function showOneTime(result, what) {
  $('one-time-label').textContent = `One-time password for ${result.login}`;
  $('one-time-warning').textContent = `Warning: ${result.warning}`;
  $('one-time-value').value = result.password;
  $('one-time').hidden = false;
  say($('principals-message'), what, 'ok');
  $('one-time-value').focus();
  $('one-time-value').select();
}

async function render() {
  const list = await api('GET', '/api/v1/principals');
  $('principals-body').replaceChildren(
    ...list.items.map((p) => {
      const actions = h('td', { 'data-label': 'Actions', class: 'actions-cell' });
      if (p.you) {
        actions.append(h('span', { class: 'muted' }, 'You'));
      } else {
        const reset = h(
          'button',
          { type: 'button', class: 'secondary small', 'aria-label': `New one-time password for ${p.login}` },
          'New one-time password',
        );
        reset.addEventListener('click', () => resetPassword(p));
        const remove = h(
          'button',
          { type: 'button', class: 'danger small', 'aria-label': `Remove ${p.login}` },
          'Remove',
        );
        remove.addEventListener('click', () => {
          removing = p;
          $('remove-text').textContent =
            `${p.login} can no longer log in; their sessions end. The activity log keeps what they did.`;
          $('remove-dialog').showModal();
          $('remove-cancel').focus();
        });
        actions.append(reset, ' ', remove);
      }
      return h(
        'tr',
        { 'data-login': p.login },
        h(
          'td',
          { 'data-label': 'Login' },
          p.login,
          p.must_change_password ? h('span', { class: 'badge warn' }, 'One-time password') : null,
        ),
        h('td', { 'data-label': 'Created' }, time(p.created_at)),
        h('td', { 'data-label': 'Last login' }, p.last_login_at ? time(p.last_login_at) : 'never'),
        actions,
      );
    }),
  );
  $('principals-section').hidden = false;
  $('invite-section').hidden = false;
}

async function resetPassword(p) {
  const message = $('principals-message');
  say(message, `Giving ${p.login} a new one-time password…`, 'info');
  try {
    const result = await api('POST', `/api/v1/principals/${encodeURIComponent(p.id)}/password`);
    await render();
    showOneTime(result, `Done: ${p.login} has a new one-time password; their sessions ended.`);
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    say(message, problemText(e), 'error');
  }
}

$('remove-cancel').addEventListener('click', () => $('remove-dialog').close());
$('remove-confirm').addEventListener('click', async () => {
  $('remove-dialog').close();
  const p = removing;
  const message = $('principals-message');
  try {
    await api('DELETE', `/api/v1/principals/${encodeURIComponent(p.id)}`);
    await render();
    say(message, `Removed ${p.login}.`, 'ok');
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    say(message, problemText(e), 'error');
  }
});

$('copy-one-time').addEventListener('click', () => copy($('one-time-value'), $('principals-message')));

$('invite-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('invite-login');
  const hint = $('invite-login-hint');
  const login = input.value.trim();
  if (!login) {
    input.setAttribute('aria-invalid', 'true');
    hint.textContent = 'Type their e-mail address first.';
    hint.classList.add('invalid');
    input.focus();
    return;
  }
  try {
    const result = await api('POST', '/api/v1/principals', { login });
    input.value = '';
    input.removeAttribute('aria-invalid');
    hint.textContent = '';
    hint.classList.remove('invalid');
    await render();
    showOneTime(result, `Invited ${result.login}.`);
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    if (e instanceof ApiError && Array.isArray(e.problem.fields) && e.problem.fields.includes('login')) {
      input.setAttribute('aria-invalid', 'true');
      hint.textContent = problemText(e);
      hint.classList.add('invalid');
      input.focus();
      return;
    }
    say($('principals-message'), problemText(e), 'error');
  }
});

startPage(render);
