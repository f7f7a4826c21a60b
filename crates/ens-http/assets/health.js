// Setup's Health section: the counts at a glance, each linked to the persons or activity
// entries it counts; mapping drift; conflicts; and the purge rule for long-inactive persons.

import { $, ApiError, api, h, leaveIfLoggedOut, problemText, say, t, time } from './app.js';

/** One figure: a term, a number (a link when it counts something to look at), a note. */
function figure(term, n, href, note, warn = false, capped = false) {
  const shown = capped ? t('js-health-more-than', { n }) : String(n);
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
    figure(t('title-persons'), p.total, '/persons', null),
    figure(t('persons-active'), p.active, '/persons?active=true', t('js-health-inactive', { n: p.inactive })),
    figure(t('js-person-from-entra-badge'), p.from_entra, '/persons?source=scim', t('js-health-manual', { n: p.manual })),
    figure(
      t('persons-cannot-be-alerted'),
      health.unreachable,
      '/persons?reach=unreachable',
      t('js-health-unreachable-note'),
      true,
    ),
    figure(
      t('persons-only-on-fields-no-longer'),
      health.only_not_imported,
      '/persons?reach=only_not_imported',
      t('js-health-only-not-imported-note'),
      true,
    ),
    figure(t('js-health-applied-last-day'), health.applied_last_day, '/activity?outcome=applied', null),
    figure(t('js-health-refused-last-day'), health.refused_last_day, '/activity?outcome=rejected', null, true),
    figure(
      t('js-health-inactive-days', { days }),
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
            ? [` ${t('js-health-drift-last-sent')} `, time(d.last_sent), t('js-health-drift-before-selected')]
            : [` ${t('js-health-drift-not-sent')} `, time(d.last_created), t('js-health-drift-not-sent-end')]
          : [` ${t('js-health-drift-sent')} `, time(d.last_sent), '.'];
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
        h('a', { href: '/activity?kind=user_name_conflict' }, t('js-health-creates', { n: health.refused_creates })),
        ` ${t('js-health-creates-refused')}`,
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
        ` ${t('js-health-shared-has')} `,
        h('a', { href: `/persons/${encodeURIComponent(s.from_entra.id)}` }, s.from_entra.user_name),
        ` ${t('js-health-shared-twice')}`,
      ),
    );
    items.push(
      h(
        'li',
        {},
        t('js-health-shared', { n: health.shared_identities }),
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
  $('purge-days-hint').textContent = t('js-health-purge-hint', { days: view.purge_min_days });
  $('purge-days-hint').classList.remove('invalid');
  $('purge-days').removeAttribute('aria-invalid');
}

$('purge-enabled').addEventListener('change', () => {
  $('purge-days').disabled = !$('purge-enabled').checked;
  say($('purge-message'), t('js-not-saved-yet'), 'info');
});

$('purge-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const message = $('purge-message');
  const on = $('purge-enabled').checked;
  const days = Number($('purge-days').value);
  if (on && (!Number.isInteger(days) || days < setup.purge_min_days)) {
    $('purge-days').setAttribute('aria-invalid', 'true');
    $('purge-days-hint').textContent = t('js-health-purge-at-least', { days: setup.purge_min_days });
    $('purge-days-hint').classList.add('invalid');
    $('purge-days').focus();
    return;
  }
  say(message, t('js-saving'), 'info');
  try {
    renderPurge(await api('PUT', '/api/v1/scim-import/purge', { days: on ? days : null }));
    say(message, on ? t('js-health-purge-saved-on', { days }) : t('js-health-purge-saved-off'), 'ok');
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
