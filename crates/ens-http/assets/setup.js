// Setup › SCIM Import: the switch and its state, the Tenant URL and secret token, the
// notification addresses, the imported fields.

import { $, ApiError, api, copy, h, leaveIfLoggedOut, problemText, say, startPage, t, tNodes, time } from './app.js';
import { renderHealth } from './health.js';

/** The last answer of GET /api/v1/scim-import (or of a write, which answers the same). */
let view = null;

// A pragmatic check while typing; the API has the last word.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]{2,}$/;

function fail(el, e) {
  if (!leaveIfLoggedOut(e)) say(el, problemText(e), 'error');
}

// ---- state and switch ----------------------------------------------------------------------

function renderState(v) {
  const { state } = v;
  const on = state.status === 'on';
  const section = $('state-section');
  section.classList.remove('state-on', 'state-off', 'state-failed');
  section.classList.add(`state-${state.status}`);

  const sw = $('enabled-switch');
  sw.setAttribute('aria-checked', String(on));
  $('switch-word').textContent = on ? t('js-setup-on') : t('setup-off');

  const text = $('state-text');
  const since = { since: time(state.since) };
  if (on) {
    text.replaceChildren(
      h('strong', {}, t('js-setup-on')),
      ' ',
      ...(state.by
        ? tNodes('js-setup-on-since-by', { by: state.by }, since)
        : tNodes('js-setup-on-since', {}, since)),
    );
  } else if (state.status === 'failed') {
    const held = state.failure && state.failure.hold;
    text.replaceChildren(
      h('strong', {}, held ? t('js-setup-off-held') : t('js-setup-off-failed')),
      ' ',
      ...tNodes('js-setup-since', {}, since),
    );
  } else {
    text.replaceChildren(
      h('strong', {}, t('setup-off')),
      ' ',
      ...(state.by
        ? tNodes('js-setup-off-since-by', { by: state.by }, since)
        : tNodes('js-setup-since', {}, since)),
    );
  }

  const failure = state.status === 'failed' ? state.failure : null;
  const hold = failure ? failure.hold : null;
  $('failure').hidden = !failure || Boolean(hold);
  renderHold(hold, state);
  if (failure) {
    $('failure-reason').textContent = failure.reason;
    $('failure-time').replaceChildren(time(state.since));
    $('failure-detail').textContent = failure.detail || '—';
    $('failure-incident').textContent = failure.incident;
    $('failure-log').href = failure.activity_link;
    $('failure-recurs').hidden = !failure.recurs_on_retry;
    $('failure-recurs').textContent = failure.recurs_on_retry
      ? t('js-setup-recurs', { contact: v.support_contact })
      : '';
  }

  const refused = $('refused-while-off');
  const n = v.refused_while_off || 0;
  refused.hidden = n === 0;
  refused.textContent = t('js-setup-refused-while-off', { n });
  $('entra-steps').hidden = !on;

  const todo = $('what-to-do');
  todo.hidden = !state.what_to_do;
  todo.replaceChildren(...(state.what_to_do ? [h('strong', {}, t('js-setup-what-to-do')), ` ${state.what_to_do}`] : []));

  const last = $('last-request');
  const request = v.last_request_at
    ? tNodes('js-setup-last-request', {}, { at: time(v.last_request_at) })
    : [t('js-setup-no-request')];
  const change = v.last_change_at
    ? tNodes('js-setup-last-change', {}, { at: time(v.last_change_at) })
    : [t('js-setup-no-change')];
  last.replaceChildren(...request, ' ', ...change);

  // Only in the answer to switching on: Entra may need a restart to be heard again.
  $('entra-hint').hidden = !v.entra_hint;
  $('entra-hint').textContent = v.entra_hint ? t('js-setup-entra-hint', { hint: v.entra_hint }) : '';
}

/** The held mass deactivation: its numbers, the persons it names, and the two choices. */
function renderHold(hold, state) {
  $('hold').hidden = !hold;
  if (!hold) return;
  $('hold-summary').replaceChildren(
    ...tNodes(
      'js-setup-hold-summary',
      {
        attempted: hold.attempted,
        minutes: hold.window_minutes,
        threshold: hold.threshold,
        applied: hold.applied,
      },
      { since: time(state.since) },
    ),
  );
  $('hold-examples').replaceChildren(
    ...hold.examples.map((d) => {
      const name = d.display_name ? `${d.display_name} (${d.user_name})` : d.user_name;
      const link = h('a', { href: `/persons/${encodeURIComponent(d.person_id)}` }, name);
      return h('li', {}, link, `, ${t(`departure-${d.action}`)}`, d.held ? h('strong', {}, ` ${t('js-setup-held-not-applied')}`) : null);
    }),
  );
}

$('hold-allow').addEventListener('click', async () => {
  const button = $('hold-allow');
  const message = $('state-message');
  button.disabled = true;
  say(message, t('js-setup-allowing'), 'info');
  try {
    view = await api('POST', '/api/v1/scim-import/hold/allow');
    renderState(view);
    renderDepartures(view);
    say(message, t('js-setup-allowed'), 'ok');
    $('enabled-switch').focus();
  } catch (e) {
    fail(message, e);
  } finally {
    button.disabled = false;
  }
});

$('hold-keep').addEventListener('click', () => {
  say($('state-message'), t('js-setup-stays-off'), 'info');
  $('enabled-switch').focus();
});

$('enabled-switch').addEventListener('click', () => {
  // Switching off stops every change from Entra: it is asked first.
  if (view.state.status === 'on') {
    $('switch-off-dialog').showModal();
    $('switch-off-cancel').focus();
  } else switchImport(true);
});
$('switch-off-confirm').addEventListener('click', () => {
  $('switch-off-dialog').close();
  switchImport(false);
});
$('switch-off-cancel').addEventListener('click', () => {
  $('switch-off-dialog').close();
  $('enabled-switch').focus();
});

async function switchImport(enabled) {
  const sw = $('enabled-switch');
  const message = $('state-message');
  sw.disabled = true;
  say(message, enabled ? t('js-setup-switching-on') : t('js-setup-switching-off'), 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/enabled', { enabled });
    renderState(view);
    say(message, enabled ? t('js-setup-switched-on') : t('js-setup-switched-off'), 'ok');
  } catch (e) {
    fail(message, e);
  } finally {
    sw.disabled = false;
  }
}

// ---- Tenant URL and secret token -----------------------------------------------------------

function renderConnection(v) {
  $('tenant-url').value = v.tenant_url;
  const text = $('token-text');
  if (v.token.exists) {
    const nodes = { ending: h('code', {}, `…${v.token.last4}`), created: time(v.token.created_at) };
    if (v.token.last_used_at) nodes.used = time(v.token.last_used_at);
    text.replaceChildren(...tNodes(v.token.last_used_at ? 'js-setup-token-used' : 'js-setup-token-unused', {}, nodes));
  } else {
    text.textContent = t('js-setup-no-token');
  }
  $('token-generate').textContent = v.token.exists ? t('js-setup-regenerate-token') : t('setup-generate-secret-token');
  // Once a token exists, regenerating is the rare, disruptive choice.
  $('token-generate').classList.toggle('secondary', v.token.exists);
  const previous = v.previous_token;
  $('previous-token').hidden = !previous;
  if (previous) {
    const nodes = {
      ending: h('code', {}, `…${previous.last4}`),
      created: time(previous.created_at),
      until: time(previous.works_until),
    };
    if (previous.last_used_at) nodes.used = time(previous.last_used_at);
    $('previous-token-text').replaceChildren(
      ...tNodes(previous.last_used_at ? 'js-setup-previous-used' : 'js-setup-previous-unused', {}, nodes),
    );
  }
}

$('revoke-previous').addEventListener('click', async () => {
  const message = $('connection-message');
  say(message, t('js-setup-revoking'), 'info');
  try {
    view = await api('DELETE', '/api/v1/scim-import/token/previous');
    renderConnection(view);
    say(message, t('js-setup-revoked'), 'ok');
    $('token-generate').focus();
  } catch (e) {
    fail(message, e);
  }
});

for (const button of document.querySelectorAll('button[data-copy]')) {
  button.addEventListener('click', () => copy($(button.dataset.copy), $('connection-message')));
}

async function generate() {
  const message = $('connection-message');
  const button = $('token-generate');
  button.disabled = true;
  say(message, t('js-setup-generating'), 'info');
  try {
    const token = await api('POST', '/api/v1/scim-import/token');
    view = await api('GET', '/api/v1/scim-import');
    renderConnection(view);
    $('new-token-warning').textContent = t('js-principals-warning', { warning: token.warning });
    $('new-token-value').value = token.token;
    $('new-token').hidden = false;
    say(message, t('js-setup-generated'), 'ok');
    $('new-token-value').focus();
    $('new-token-value').select();
  } catch (e) {
    fail(message, e);
  } finally {
    button.disabled = false;
  }
}

$('token-generate').addEventListener('click', () => {
  if (view.token.exists) {
    $('regenerate-dialog').showModal();
    $('regenerate-cancel').focus();
  } else generate();
});
$('regenerate-confirm').addEventListener('click', () => {
  $('regenerate-dialog').close();
  generate();
});
$('regenerate-cancel').addEventListener('click', () => {
  $('regenerate-dialog').close();
  $('token-generate').focus();
});

// ---- hold on mass deactivation -------------------------------------------------------------

const LIMIT_FIELDS = [
  ['departure-floor', 'floor', 'floor_range', 'js-setup-between-persons'],
  ['departure-percent', 'percent', 'percent_range', 'js-setup-between-percent'],
  ['departure-window', 'window_minutes', 'window_minutes_range', 'js-setup-between-minutes'],
];

function renderDepartures(v) {
  const limit = v.departure_limit;
  for (const [id, key, range] of LIMIT_FIELDS) {
    const input = $(id);
    input.value = String(limit[key]);
    input.min = String(limit[range][0]);
    input.max = String(limit[range][1]);
    input.removeAttribute('aria-invalid');
    $(`${id}-hint`).textContent = '';
  }
  $('departures-defaults').textContent = t('js-setup-departure-defaults', {
    floor: limit.default_floor,
    percent: limit.default_percent,
    minutes: limit.default_window_minutes,
  });
  const lifted = $('departures-lifted');
  lifted.hidden = !limit.lifted_until;
  lifted.replaceChildren(
    ...(limit.lifted_until
      ? tNodes('js-setup-limit-lifted', {}, { until: time(limit.lifted_until) })
      : []),
  );
}

/** Marks the fields outside their bounds; returns the request, or null. */
function readLimit() {
  const limit = view.departure_limit;
  const body = {};
  let first = null;
  for (const [id, key, range, unit] of LIMIT_FIELDS) {
    const input = $(id);
    const value = Number(input.value);
    const [min, max] = limit[range];
    const bad = !Number.isInteger(value) || value < min || value > max;
    input.setAttribute('aria-invalid', String(bad));
    $(`${id}-hint`).textContent = bad ? t(unit, { min, max }) : '';
    $(`${id}-hint`).classList.toggle('invalid', bad);
    if (bad && !first) first = input;
    body[key] = value;
  }
  if (first) {
    first.focus();
    return null;
  }
  return body;
}

async function saveLimit(body) {
  const message = $('departures-message');
  say(message, t('js-saving'), 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/departure-limit', body);
    renderDepartures(view);
    say(message, t('js-person-saved'), 'ok');
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    // The API names the number out of bounds: mark it there.
    const key = e instanceof ApiError && Array.isArray(e.problem.fields) ? e.problem.fields[0] : null;
    const field = LIMIT_FIELDS.find(([, k]) => k === key);
    if (field) {
      $(field[0]).setAttribute('aria-invalid', 'true');
      $(`${field[0]}-hint`).textContent = e.problem.detail;
      $(field[0]).focus();
    }
    say(message, problemText(e), 'error');
  }
}

$('departures-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const body = readLimit();
  if (body) saveLimit(body);
});
$('departures-defaults-button').addEventListener('click', () => {
  const l = view.departure_limit;
  saveLimit({ floor: l.default_floor, percent: l.default_percent, window_minutes: l.default_window_minutes });
});

// ---- notification addresses ----------------------------------------------------------------

function renderEmails(v) {
  const list = $('emails-list');
  list.replaceChildren(
    ...v.notify.map((address) => {
      const remove = h(
        'button',
        { type: 'button', class: 'secondary small', 'aria-label': t('js-principals-remove-login', { login: address }) },
        t('principals-remove'),
      );
      remove.addEventListener('click', () =>
        saveEmails(
          v.notify.filter((a) => a !== address),
          t('js-principals-removed', { login: address }),
        ),
      );
      return h('li', {}, h('span', { class: 'address' }, address), remove);
    }),
  );
  list.hidden = v.notify.length === 0;
  const warning = $('notify-warning');
  warning.hidden = !v.notify_warning;
  warning.textContent = v.notify_warning ? t('js-principals-warning', { warning: v.notify_warning }) : '';
  $('test-email').disabled = v.notify.length === 0;
  $('notice-language').value = v.notice_language;
}

// The notices' language is the enterprise's, whatever language each principal's pages are in.
$('notice-language').addEventListener('change', async () => {
  const select = $('notice-language');
  const message = $('emails-message');
  select.disabled = true;
  say(message, t('js-saving'), 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/notice-language', { language: select.value });
    renderEmails(view);
    say(message, t('js-setup-notice-language-saved', { language: t(`language-${select.value}`) }), 'ok');
  } catch (e) {
    select.value = view.notice_language;
    fail(message, e);
  } finally {
    select.disabled = false;
  }
});

async function saveEmails(addresses, done) {
  const message = $('emails-message');
  say(message, t('js-saving'), 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/emails', { addresses });
    renderEmails(view);
    say(message, `${t('js-person-saved')} ${done}`, 'ok');
    return true;
  } catch (e) {
    if (leaveIfLoggedOut(e)) return false;
    if (e instanceof ApiError && Array.isArray(e.problem.addresses)) {
      // About the address typed: said at the field, not under the test e-mail button.
      say(message, '', 'info');
      $('email-new').setAttribute('aria-invalid', 'true');
      $('email-new-hint').textContent = t('js-error', {
        message: e.problem.addresses.map((a) => `${a.value}: ${a.reason}`).join('; '),
      });
      $('email-new-hint').classList.add('invalid');
      return false;
    }
    say(message, problemText(e), 'error');
    return false;
  } finally {
    $('email-new').focus();
  }
}

/** What is wrong with the address being typed, or null. */
function emailProblem(value) {
  if (!value) return null;
  if (!EMAIL.test(value)) return t('js-setup-email-incomplete');
  if (view && view.notify.some((a) => a.toLowerCase() === value.toLowerCase())) return t('js-setup-email-listed');
  return null;
}

function checkEmail() {
  const input = $('email-new');
  const value = input.value.trim();
  const problem = emailProblem(value);
  input.setAttribute('aria-invalid', String(problem !== null));
  $('email-new-hint').textContent = problem ?? (value ? t('js-setup-email-looks-good') : '');
  $('email-new-hint').classList.toggle('invalid', problem !== null);
  return problem;
}

$('email-new').addEventListener('input', checkEmail);
$('email-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('email-new');
  const value = input.value.trim();
  const problem = value ? checkEmail() : t('js-setup-email-type-first');
  if (problem) {
    $('email-new-hint').textContent = problem;
    $('email-new-hint').classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  if (await saveEmails([...view.notify, value], t('js-setup-email-added', { address: value }))) {
    input.value = '';
    checkEmail();
  }
});

/** Shows one line per address of a test e-mail's result. */
function renderDeliveries(results, deliveries) {
  results.replaceChildren(
    ...deliveries.map((d) =>
      d.delivered
        ? h(
            'li',
            { class: 'ok' },
            h('span', { class: 'mark', 'aria-hidden': 'true' }, '✓'),
            t('js-setup-delivered', { address: d.address }),
          )
        : h(
            'li',
            { class: 'error' },
            h('span', { class: 'mark', 'aria-hidden': 'true' }, '✗'),
            t('js-setup-not-delivered', { address: d.address, error: d.error || t('js-setup-unknown-error') }),
          ),
    ),
  );
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The test e-mail is sent in the background (a slow mail server must not hold the page's
// request); the page asks for the result until it is there, for at most five minutes.
$('test-email').addEventListener('click', async () => {
  const button = $('test-email');
  const message = $('emails-message');
  const results = $('test-results');
  button.disabled = true;
  results.replaceChildren();
  say(message, t('js-setup-sending-test'), 'info');
  try {
    await api('POST', '/api/v1/scim-import/test-email');
    const until = Date.now() + 5 * 60 * 1000;
    let test;
    do {
      await sleep(500);
      test = await api('GET', '/api/v1/scim-import/test-email');
    } while (test.status === 'sending' && Date.now() < until);
    if (test.status !== 'done') {
      say(message, t('js-setup-test-no-answer'), 'error');
      return;
    }
    renderDeliveries(results, test.deliveries);
    const ok = test.deliveries.filter((d) => d.delivered).length;
    say(
      message,
      t('js-setup-test-result', { ok, total: test.deliveries.length }),
      ok === test.deliveries.length ? 'ok' : 'error',
    );
  } catch (e) {
    fail(message, e);
  } finally {
    button.disabled = view.notify.length === 0;
  }
});

// ---- imported fields -----------------------------------------------------------------------

function renderMapping(v) {
  $('mapping-hint').textContent = v.mapping_hint;
  // Grouped (sign-in, name, contact, address, organization); in each, the catalogue's order.
  const ORDER = ['identity', 'name', 'contact', 'address', 'organization'];
  const groups = [];
  for (const f of v.mapping) {
    let g = groups.find((x) => x.key === f.group);
    if (!g) groups.push((g = { key: f.group, label: f.group_label, fields: [] }));
    g.fields.push(f);
  }
  groups.sort((a, b) => ORDER.indexOf(a.key) - ORDER.indexOf(b.key));
  $('mapping-list').replaceChildren(
    ...groups.map((g) =>
      h(
        'li',
        { class: 'field-group', 'data-group': g.key },
        h('h3', { id: `group-${g.key}` }, g.label),
        h('ul', { class: 'checks', 'aria-labelledby': `group-${g.key}` }, ...g.fields.map(mappingField)),
      ),
    ),
  );
}

function mappingField(f) {
  const id = `field-${f.key}`;
  const box = h('input', {
    type: 'checkbox',
    id,
    name: 'selected',
    value: f.key,
    checked: f.selected || f.required,
    disabled: f.required,
    'aria-describedby': f.required ? `${id}-required` : undefined,
  });
  box.addEventListener('change', () => say($('mapping-message'), t('js-setup-mapping-not-saved'), 'info'));
  return h(
    'li',
    {},
    box,
    h(
      'label',
      { for: id },
      h('span', { class: 'label' }, f.label),
      ' ',
      h('code', {}, f.scim_path),
      f.required ? h('span', { class: 'required', id: `${id}-required` }, ` ${t('js-setup-required')}`) : null,
    ),
  );
}

$('mapping-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = $('mapping-message');
  const button = $('mapping-save');
  const selected = [...document.querySelectorAll('#mapping-list input[type=checkbox]')]
    .filter((b) => b.checked)
    .map((b) => b.value);
  button.disabled = true;
  say(message, t('js-saving'), 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/mapping', { selected });
    renderMapping(view);
    const n = view.mapping.filter((f) => f.selected).length;
    say(message, t('js-setup-mapping-saved', { n, total: view.mapping.length }), 'ok');
  } catch (e) {
    fail(message, e);
  } finally {
    button.disabled = false;
  }
});

// ---- start ---------------------------------------------------------------------------------

startPage(async () => {
  view = await api('GET', '/api/v1/scim-import');
  renderState(view);
  renderConnection(view);
  renderDepartures(view);
  renderEmails(view);
  renderMapping(view);
  for (const id of ['state-section', 'connection-section', 'departures-section', 'emails-section', 'mapping-section']) {
    $(id).hidden = false;
  }
  await renderHealth(view);
});
