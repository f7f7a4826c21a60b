// Setup's Health section: the counts at a glance, each linked to the persons or activity
// entries it counts; mapping drift; conflicts; and the purge rule for long-inactive persons.

import { $, ApiError, api, h, leaveIfLoggedOut, problemText, say, time } from './app.js';

/** `1 person` / `3 persons`. */
function count(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** One figure: a term, a number (a link when it counts something to look at), a note. */
function figure(term, n, href, note, warn = false, capped = false) {
  const shown = capped ? `more than ${n}` : String(n);
  const value = href && n > 0 ? h('a', { href }, shown) : h('span', {}, shown);
  return h(
    'div',
    { class: 'figure' },
    h('dt', {}, term),
    h('dd', { class: warn && n > 0 ? 'warn' : undefined }, value, note ? h('span', { class: 'note' }, ` ${note}`) : null),
  );
}

function renderFigures(health) {
  const p = health.persons;
  const days = health.long_inactive_days;
  $('health-figures').replaceChildren(
    figure('Persons', p.total, '/persons', null),
    figure('Active', p.active, '/persons?active=true', `(${p.inactive} inactive)`),
    figure('From Entra', p.from_entra, '/persons?source=scim', `(${p.manual} manual)`),
    figure(
      'Cannot be alerted',
      health.unreachable,
      '/persons?reach=unreachable',
      'active, with no mobile, work phone or e-mail address',
      true,
    ),
    figure(
      'Only on fields no longer imported',
      health.only_not_imported,
      '/persons?reach=only_not_imported',
      'their numbers and addresses are no longer kept up to date by Entra',
      true,
    ),
    figure('Changes applied, last 24 hours', health.applied_last_day, '/activity?outcome=applied', null),
    figure('Refused, last 24 hours', health.refused_last_day, '/activity?outcome=rejected', null, true),
    figure(
      `Inactive for more than ${days} days`,
      health.long_inactive,
      `/persons?inactive_days=${days}`,
      null,
      false,
      health.long_inactive_capped,
    ),
  );
}

function renderDrift(health) {
  $('health-drift').hidden = health.drift.length === 0;
  $('health-drift-list').replaceChildren(
    ...health.drift.map((d) => {
      const when =
        d.kind === 'not_sent_by_entra'
          ? d.last_sent
            ? [' Entra last sent it ', time(d.last_sent), ', before it was selected here.']
            : [' Entra has not sent it since it was selected, although it created persons since (last ', time(d.last_created), ').']
          : [' Entra sent it ', time(d.last_sent), '.'];
      return h('li', {}, h('a', { href: '#mapping-section' }, h('strong', {}, d.label)), `: ${d.advice}.`, ...when);
    }),
  );
}

async function renderConflicts(health) {
  const items = [];
  if (health.refused_creates > 0) {
    items.push(
      h(
        'li',
        {},
        h('a', { href: '/activity?kind=user_name_conflict' }, count(health.refused_creates, 'create', 'creates')),
        ' from Entra refused in the last 30 days because another person holds the user name.',
      ),
    );
  }
  if (health.shared_identities > 0) {
    const c = await api('GET', '/api/v1/health/conflicts?limit=20');
    const pairs = c.shared.map((s) =>
      h(
        'li',
        {},
        h('a', { href: `/persons/${encodeURIComponent(s.manual.id)}` }, s.manual.user_name),
        ' (manual) has the work e-mail of ',
        h('a', { href: `/persons/${encodeURIComponent(s.from_entra.id)}` }, s.from_entra.user_name),
        ' (from Entra): the same person twice?',
      ),
    );
    items.push(
      h(
        'li',
        {},
        `${count(health.shared_identities, 'manual person shares', 'manual persons share')} a work e-mail with a person from Entra:`,
        h('ul', {}, ...pairs),
      ),
    );
  }
  $('health-conflicts').hidden = items.length === 0;
  $('health-conflicts-list').replaceChildren(...items);
}

let setup = null;

function renderPurge(view) {
  setup = view;
  const on = view.purge_inactive_after_days !== undefined && view.purge_inactive_after_days !== null;
  $('purge-enabled').checked = on;
  $('purge-days').value = String(on ? view.purge_inactive_after_days : 180);
  $('purge-days').min = String(view.purge_min_days);
  $('purge-days').disabled = !on;
  $('purge-days-hint').textContent = `At least ${view.purge_min_days} days. Off unless you switch it on.`;
  $('purge-days-hint').classList.remove('invalid');
  $('purge-days').removeAttribute('aria-invalid');
}

$('purge-enabled').addEventListener('change', () => {
  $('purge-days').disabled = !$('purge-enabled').checked;
  say($('purge-message'), 'Not saved yet: press Save.', 'info');
});

$('purge-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = $('purge-message');
  const on = $('purge-enabled').checked;
  const days = Number($('purge-days').value);
  if (on && (!Number.isInteger(days) || days < setup.purge_min_days)) {
    $('purge-days').setAttribute('aria-invalid', 'true');
    $('purge-days-hint').textContent = `At least ${setup.purge_min_days} days.`;
    $('purge-days-hint').classList.add('invalid');
    $('purge-days').focus();
    return;
  }
  say(message, 'Saving…', 'info');
  try {
    renderPurge(await api('PUT', '/api/v1/scim-import/purge', { days: on ? days : null }));
    say(message, on ? `Saved: persons from Entra inactive for more than ${days} days are deleted.` : 'Saved: nobody is deleted.', 'ok');
  } catch (e) {
    if (leaveIfLoggedOut(e)) return;
    if (e instanceof ApiError && e.kind === 'invalid-purge-rule') {
      $('purge-days').setAttribute('aria-invalid', 'true');
      $('purge-days-hint').textContent = e.problem.detail;
      $('purge-days-hint').classList.add('invalid');
    }
    say(message, problemText(e), 'error');
  }
});

/** Fills the Health section from the API, with `view` the setup as the page read it. */
export async function renderHealth(view) {
  const health = await api('GET', '/api/v1/health');
  renderFigures(health);
  renderDrift(health);
  await renderConflicts(health);
  renderPurge(view);
  $('health-section').hidden = false;
}
