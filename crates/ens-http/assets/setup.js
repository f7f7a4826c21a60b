// Setup › SCIM Import: the switch and its state, the Tenant URL and secret token, the
// notification addresses, the imported fields.

import { $, ApiError, api, copy, h, leaveIfLoggedOut, problemText, say, startPage, time } from './app.js';
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
  $('switch-word').textContent = on ? 'On' : 'Off';

  const text = $('state-text');
  const by = state.by ? ` by ${state.by}` : '';
  if (on) {
    text.replaceChildren(h('strong', {}, 'On'), ' since ', time(state.since), `, switched on${by}.`);
  } else if (state.status === 'failed') {
    const held = state.failure && state.failure.hold;
    text.replaceChildren(
      h('strong', {}, held ? 'Off: ENS+ held a mass deactivation' : 'Off: switched off by ENS+ after a failure'),
      ' since ',
      time(state.since),
      '.',
    );
  } else {
    text.replaceChildren(h('strong', {}, 'Off'), ' since ', time(state.since), state.by ? `, switched off${by}.` : '.');
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
      ? `This request will fail again as soon as Entra retries it. Contact ${v.support_contact} before you switch on.`
      : '';
  }

  const refused = $('refused-while-off');
  const n = v.refused_while_off || 0;
  refused.hidden = n === 0;
  refused.textContent =
    n === 1
      ? '1 change from Entra was refused while import was off; Entra retries it after you switch on.'
      : `${n} changes from Entra were refused while import was off; Entra retries them after you switch on.`;
  $('entra-steps').hidden = !on;

  const todo = $('what-to-do');
  todo.hidden = !state.what_to_do;
  todo.replaceChildren(...(state.what_to_do ? [h('strong', {}, 'What to do:'), ` ${state.what_to_do}`] : []));

  const last = $('last-request');
  const request = v.last_request_at
    ? ['Last request from Entra: ', time(v.last_request_at), '.']
    : ['No request from Entra yet.'];
  const change = v.last_change_at
    ? [' Last change applied: ', time(v.last_change_at), '.']
    : [' No change from Entra applied yet.'];
  last.replaceChildren(...request, ...change);

  // Only in the answer to switching on: Entra may need a restart to be heard again.
  $('entra-hint').hidden = !v.entra_hint;
  $('entra-hint').textContent = v.entra_hint ? `Next, in Entra: ${v.entra_hint}` : '';
}

/** The held mass deactivation: its numbers, the persons it names, and the two choices. */
function renderHold(hold, state) {
  $('hold').hidden = !hold;
  if (!hold) return;
  $('hold-summary').replaceChildren(
    'Since ',
    time(state.since),
    `: Entra tried to take ${hold.attempted} persons off the alert list within ${hold.window_minutes} minutes `,
    `(the limit was ${hold.threshold}). ${hold.applied} were applied; ENS+ held the next one, and SCIM import is `,
    'off: every further change waits in Entra.',
  );
  $('hold-examples').replaceChildren(
    ...hold.examples.map((d) => {
      const name = d.display_name ? `${d.display_name} (${d.user_name})` : d.user_name;
      const link = h('a', { href: `/persons/${encodeURIComponent(d.person_id)}` }, name);
      return h('li', {}, link, `, ${d.action}`, d.held ? h('strong', {}, ' — held, not applied') : null);
    }),
  );
}

$('hold-allow').addEventListener('click', async () => {
  const button = $('hold-allow');
  const message = $('state-message');
  button.disabled = true;
  say(message, 'Allowing the held changes and switching SCIM import on…', 'info');
  try {
    view = await api('POST', '/api/v1/scim-import/hold/allow');
    renderState(view);
    renderDepartures(view);
    say(message, "Done: SCIM import is on, and Entra's retries of the held changes will be applied.", 'ok');
    $('enabled-switch').focus();
  } catch (e) {
    fail(message, e);
  } finally {
    button.disabled = false;
  }
});

$('hold-keep').addEventListener('click', () => {
  say(
    $('state-message'),
    'SCIM import stays off. Fix the assignment in Entra, then switch SCIM import on here.',
    'info',
  );
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
  say(message, enabled ? 'Switching SCIM import on…' : 'Switching SCIM import off…', 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/enabled', { enabled });
    renderState(view);
    say(message, enabled ? 'Done: SCIM import is on.' : 'Done: SCIM import is off.', 'ok');
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
    text.replaceChildren(
      'Current secret token, ending in ',
      h('code', {}, `…${v.token.last4}`),
      ': created ',
      time(v.token.created_at),
      ', ',
      ...(v.token.last_used_at ? ['last used by Entra ', time(v.token.last_used_at)] : ['not used by Entra yet']),
      '. ENS+ cannot show it again; regenerate it if it is lost.',
    );
  } else {
    text.textContent = 'No secret token yet. Generate one, then enter it in Entra together with the Tenant URL.';
  }
  $('token-generate').textContent = v.token.exists ? 'Regenerate secret token' : 'Generate secret token';
  // Once a token exists, regenerating is the rare, disruptive choice.
  $('token-generate').classList.toggle('secondary', v.token.exists);
  const previous = v.previous_token;
  $('previous-token').hidden = !previous;
  if (previous) {
    $('previous-token-text').replaceChildren(
      'Previous secret token, ending in ',
      h('code', {}, `…${previous.last4}`),
      ': created ',
      time(previous.created_at),
      ', ',
      ...(previous.last_used_at ? ['last used by Entra ', time(previous.last_used_at)] : ['not used by Entra since']),
      '. It stops working as soon as Entra uses the current token, and at the latest ',
      time(previous.works_until),
      '.',
    );
  }
}

$('revoke-previous').addEventListener('click', async () => {
  const message = $('connection-message');
  say(message, 'Revoking the previous secret token…', 'info');
  try {
    view = await api('DELETE', '/api/v1/scim-import/token/previous');
    renderConnection(view);
    say(message, 'Done: the previous secret token no longer works.', 'ok');
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
  say(message, 'Generating a secret token…', 'info');
  try {
    const t = await api('POST', '/api/v1/scim-import/token');
    view = await api('GET', '/api/v1/scim-import');
    renderConnection(view);
    $('new-token-warning').textContent = `Warning: ${t.warning}`;
    $('new-token-value').value = t.token;
    $('new-token').hidden = false;
    say(message, 'Done: a new secret token was generated. Copy it now.', 'ok');
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
  ['departure-floor', 'floor', 'floor_range', 'persons'],
  ['departure-percent', 'percent', 'percent_range', '%'],
  ['departure-window', 'window_minutes', 'window_minutes_range', 'minutes'],
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
  $('departures-defaults').textContent =
    `Defaults: more than ${limit.default_floor} persons, or ${limit.default_percent} % if more, within ` +
    `${limit.default_window_minutes} minutes.`;
  const lifted = $('departures-lifted');
  lifted.hidden = !limit.lifted_until;
  lifted.replaceChildren(
    ...(limit.lifted_until
      ? ['The limit is lifted until ', time(limit.lifted_until), ', as a principal allowed.']
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
    $(`${id}-hint`).textContent = bad ? `Between ${min} and ${max} ${unit}.` : '';
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
  say(message, 'Saving…', 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/departure-limit', body);
    renderDepartures(view);
    say(message, 'Saved.', 'ok');
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
        { type: 'button', class: 'secondary small', 'aria-label': `Remove ${address}` },
        'Remove',
      );
      remove.addEventListener('click', () =>
        saveEmails(
          v.notify.filter((a) => a !== address),
          `Removed ${address}.`,
        ),
      );
      return h('li', {}, h('span', { class: 'address' }, address), remove);
    }),
  );
  list.hidden = v.notify.length === 0;
  const warning = $('notify-warning');
  warning.hidden = !v.notify_warning;
  warning.textContent = v.notify_warning ? `Warning: ${v.notify_warning}` : '';
  $('test-email').disabled = v.notify.length === 0;
}

async function saveEmails(addresses, done) {
  const message = $('emails-message');
  say(message, 'Saving…', 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/emails', { addresses });
    renderEmails(view);
    say(message, `Saved. ${done}`, 'ok');
    return true;
  } catch (e) {
    if (leaveIfLoggedOut(e)) return false;
    if (e instanceof ApiError && Array.isArray(e.problem.addresses)) {
      // About the address typed: said at the field, not under the test e-mail button.
      say(message, '', 'info');
      $('email-new').setAttribute('aria-invalid', 'true');
      $('email-new-hint').textContent = `Error: ${e.problem.addresses.map((a) => `${a.value}: ${a.reason}`).join('; ')}`;
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
  if (!EMAIL.test(value)) return 'Not a complete e-mail address yet (like name@example.com).';
  if (view && view.notify.some((a) => a.toLowerCase() === value.toLowerCase()))
    return 'This address is in the list already.';
  return null;
}

function checkEmail() {
  const input = $('email-new');
  const value = input.value.trim();
  const problem = emailProblem(value);
  input.setAttribute('aria-invalid', String(problem !== null));
  $('email-new-hint').textContent = problem ?? (value ? 'Looks good: press Add.' : '');
  $('email-new-hint').classList.toggle('invalid', problem !== null);
  return problem;
}

$('email-new').addEventListener('input', checkEmail);
$('email-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('email-new');
  const value = input.value.trim();
  const problem = value ? checkEmail() : 'Type an address first.';
  if (problem) {
    $('email-new-hint').textContent = problem;
    $('email-new-hint').classList.add('invalid');
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return;
  }
  if (await saveEmails([...view.notify, value], `Added ${value}.`)) {
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
            `Delivered to ${d.address}.`,
          )
        : h(
            'li',
            { class: 'error' },
            h('span', { class: 'mark', 'aria-hidden': 'true' }, '✗'),
            `Not delivered to ${d.address}: ${d.error || 'unknown error'}`,
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
  say(message, 'Sending a test e-mail to every address…', 'info');
  try {
    await api('POST', '/api/v1/scim-import/test-email');
    const until = Date.now() + 5 * 60 * 1000;
    let test;
    do {
      await sleep(500);
      test = await api('GET', '/api/v1/scim-import/test-email');
    } while (test.status === 'sending' && Date.now() < until);
    if (test.status !== 'done') {
      say(message, 'The mail server has not answered yet; the result will not be shown here.', 'error');
      return;
    }
    renderDeliveries(results, test.deliveries);
    const ok = test.deliveries.filter((d) => d.delivered).length;
    say(
      message,
      `Test e-mail: ${ok} of ${test.deliveries.length} delivered.`,
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
  box.addEventListener('change', () => say($('mapping-message'), 'Not saved yet: press Save fields.', 'info'));
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
      f.required ? h('span', { class: 'required', id: `${id}-required` }, ' (required, always imported)') : null,
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
  say(message, 'Saving…', 'info');
  try {
    view = await api('PUT', '/api/v1/scim-import/mapping', { selected });
    renderMapping(view);
    const n = view.mapping.filter((f) => f.selected).length;
    say(message, `Saved: ${n} of ${view.mapping.length} fields are imported.`, 'ok');
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
