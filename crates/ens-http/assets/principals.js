// Principals: the enterprise's principals, inviting one, a new one-time password, removing.

import { $, ApiError, api, copy, h, leaveIfLoggedOut, markField, problemText, say, startPage, t, time } from './app.js';

let removing = null;

function showOneTime(result, what) {
  $('one-time-label').textContent = t('js-principals-one-time-for', { login: result.login });
  $('one-time-warning').textContent = t('js-principals-warning', { warning: result.warning });
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
      const actions = h('td', { 'data-label': t('principals-actions'), class: 'actions-cell' });
      if (p.you) {
        actions.append(h('span', { class: 'muted' }, t('js-principals-you')));
      } else {
        const reset = h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            'aria-label': t('js-principals-new-one-time-for', { login: p.login }),
          },
          t('js-principals-new-one-time'),
        );
        reset.addEventListener('click', () => resetPassword(p));
        const remove = h(
          'button',
          { type: 'button', class: 'danger small', 'aria-label': t('js-principals-remove-login', { login: p.login }) },
          t('principals-remove'),
        );
        remove.addEventListener('click', () => {
          removing = p;
          $('remove-text').textContent = t('js-principals-remove-text', { login: p.login });
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
          { 'data-label': t('principals-login') },
          p.login,
          p.must_change_password ? h('span', { class: 'badge warn' }, t('principals-one-time-password')) : null,
        ),
        h('td', { 'data-label': t('person-created') }, time(p.created_at)),
        h(
          'td',
          { 'data-label': t('principals-last-login') },
          p.last_login_at ? time(p.last_login_at) : t('js-person-never'),
        ),
        actions,
      );
    }),
  );
  $('principals-section').hidden = false;
  $('invite-section').hidden = false;
}

async function resetPassword(p) {
  const message = $('principals-message');
  say(message, t('js-principals-giving', { login: p.login }), 'info');
  try {
    const result = await api('POST', `/api/v1/principals/${encodeURIComponent(p.id)}/password`);
    await render();
    showOneTime(result, t('js-principals-given', { login: p.login }));
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
    say(message, t('js-principals-removed', { login: p.login }), 'ok');
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    say(message, problemText(e), 'error');
  }
});

$('copy-one-time').addEventListener('click', () => copy($('one-time-value'), $('principals-message')));

$('invite-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('invite-login');
  const login = input.value.trim();
  if (!login) {
    markField(input, t('js-principals-type-address'));
    input.focus();
    return;
  }
  try {
    const result = await api('POST', '/api/v1/principals', { login });
    input.value = '';
    markField(input, '');
    await render();
    showOneTime(result, t('js-principals-invited', { login: result.login }));
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    if (e instanceof ApiError && Array.isArray(e.problem.fields) && e.problem.fields.includes('login')) {
      markField(input, problemText(e));
      input.focus();
      return;
    }
    say($('principals-message'), problemText(e), 'error');
  }
});

startPage(render);
