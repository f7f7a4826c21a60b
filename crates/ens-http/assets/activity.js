// SCIM activity: the log, newest first, paged. Failures and refusals carry a word and a sign,
// not only a colour, and can be shown alone. The filter is a plain GET form, like the Persons
// search: it and the page live in the address.

import { $, api, clampPage, h, pageParam, pager, startPage, time } from './app.js';

const PER_PAGE = 50;

const OUTCOMES = {
  applied: { sign: '✓', word: 'Applied' },
  rejected: { sign: '⚠', word: 'Rejected' },
  failed: { sign: '✗', word: 'Failed' },
};

/** What an entry is, in an administrator's words: what was done, or what was attempted. */
const KINDS = {
  person_created: ['Person created', 'Creation refused', 'Creation failed'],
  person_replaced: ['Person updated', 'Update refused', 'Update failed'],
  person_patched: ['Person updated', 'Update refused', 'Update failed'],
  person_deleted: ['Person deleted', 'Deletion refused', 'Deletion failed'],
  request_failed: ['Request from Entra', 'Request refused', 'Request failed'],
  import_switched_on: ['SCIM import switched on'],
  import_switched_off: ['SCIM import switched off'],
  token_generated: ['Secret token generated'],
  token_retired: ['Previous token stopped working'],
  mapping_changed: ['Imported fields changed'],
  notify_addresses_changed: ['Notification addresses changed'],
  provisioning_silent: ['Entra went silent'],
  departure_limit_changed: ['Departure limit changed'],
  user_name_conflict: ['User name already taken'],
  purge_rule_changed: ['Purge of inactive persons changed'],
  inactive_purged: ['Inactive persons deleted'],
  principal_invited: ['Principal invited'],
  principal_password_reset: ['One-time password given'],
  principal_removed: ['Principal removed'],
};
const OUTCOME_INDEX = { applied: 0, rejected: 1, failed: 2 };

function words(kind, outcome) {
  const names = KINDS[kind];
  if (!names) {
    const s = kind.replaceAll('_', ' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  return names[OUTCOME_INDEX[outcome] ?? 0] || names[0];
}

/** A refusal is Entra's data: it is fixed there, not here. */
function details(a) {
  if (a.actor === 'SCIM (Entra)' && a.outcome === 'rejected' && a.kind !== 'user_name_conflict') {
    return `${a.detail || 'Refused'} — fix it in Entra; Entra sends it again in its next cycle.`;
  }
  return a.detail || '—';
}

/** The filters the form offers; anything else in the address shows everything. */
const FILTERS = {
  '': 'Everything',
  'failed,rejected': 'Failures and refusals',
  failed: 'Failures',
  rejected: 'Refusals',
};

startPage(async () => {
  const params = new URLSearchParams(location.search);
  const page = pageParam(params);
  const outcome = Object.hasOwn(FILTERS, params.get('outcome') || '') ? params.get('outcome') || '' : '';
  $('outcome').value = outcome;

  // Links from Setup's Health section and a person's page narrow the log further.
  const kind = (params.get('kind') || '').trim();
  const person = (params.get('person') || '').trim();
  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
  if (outcome) query.set('outcome', outcome);
  if (kind) query.set('kind', kind);
  if (person) query.set('person', person);
  const result = await api('GET', `/api/v1/scim-import/activity?${query}`);
  const hrefFor = (n) => {
    const next = new URLSearchParams({ page: String(n) });
    if (outcome) next.set('outcome', outcome);
    if (kind) next.set('kind', kind);
    if (person) next.set('person', person);
    return `/activity?${next}`;
  };
  if (clampPage(page, PER_PAGE, result.total, hrefFor)) return;

  $('activity-body').replaceChildren(
    ...result.items.map((a) => {
      const o = OUTCOMES[a.outcome] || { sign: '•', word: a.outcome };
      const person = a.person_id
        ? h('a', { href: `/persons/${encodeURIComponent(a.person_id)}` }, a.user_name || 'person')
        : a.user_name || '—';
      return h(
        'tr',
        { class: `outcome-${a.outcome}` },
        h('td', { 'data-label': 'When' }, time(a.at)),
        h(
          'td',
          { 'data-label': 'Outcome' },
          h(
            'span',
            { class: `badge outcome ${a.outcome}` },
            h('span', { 'aria-hidden': 'true' }, `${o.sign} `),
            o.word,
          ),
        ),
        h('td', { 'data-label': 'What' }, words(a.kind, a.outcome)),
        h('td', { 'data-label': 'Who' }, a.actor),
        h('td', { 'data-label': 'Person' }, person),
        h('td', { 'data-label': 'Details', class: 'detail' }, details(a)),
      );
    }),
  );
  $('activity-table').hidden = result.items.length === 0;

  if (outcome || kind || person) {
    const count =
      result.total === 0 ? 'none in the log' : `${result.total} ${result.total === 1 ? 'entry' : 'entries'}`;
    const what = [
      outcome ? FILTERS[outcome] : 'Entries',
      kind ? `of kind “${words(kind, 'applied')}”` : '',
      person ? 'about one person' : '',
    ]
      .filter(Boolean)
      .join(' ');
    $('activity-summary').textContent = `${what}: ${count}.`;
  } else if (result.total === 0) {
    $('activity-summary').textContent = 'Nothing yet: Entra has not sent any change.';
  } else {
    const failed = result.items.filter((a) => a.outcome === 'failed').length;
    const rejected = result.items.filter((a) => a.outcome === 'rejected').length;
    const problems =
      failed + rejected > 0 ? ` On this page: ${failed} failed, ${rejected} rejected.` : ' No failure on this page.';
    $('activity-summary').textContent = `${result.total} ${result.total === 1 ? 'entry' : 'entries'}.${problems}`;
  }

  pager(page, PER_PAGE, result.total, hrefFor);
});
