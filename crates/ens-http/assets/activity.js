// SCIM activity: the log, newest first, paged. Failures and refusals carry a word and a sign,
// not only a colour, and can be shown alone. The filter is a plain GET form, like the Persons
// search: it and the page live in the address.

import { $, api, clampPage, h, pageParam, pager, startPage, t, time } from './app.js';

const PER_PAGE = 50;

const OUTCOMES = {
  applied: { sign: '✓', word: t('js-activity-applied') },
  rejected: { sign: '⚠', word: t('js-activity-rejected') },
  failed: { sign: '✗', word: t('js-activity-failed') },
};

/** What an entry is, in an administrator's words: what was done, or what was attempted. */
const KINDS = {
  person_created: ['js-kind-person-created', 'js-kind-creation-refused', 'js-kind-creation-failed'],
  person_replaced: ['js-kind-person-updated', 'js-kind-update-refused', 'js-kind-update-failed'],
  person_patched: ['js-kind-person-updated', 'js-kind-update-refused', 'js-kind-update-failed'],
  person_deleted: ['js-kind-person-deleted', 'js-kind-deletion-refused', 'js-kind-deletion-failed'],
  request_failed: ['js-kind-request', 'js-kind-request-refused', 'js-kind-request-failed'],
  import_switched_on: ['js-kind-import-switched-on'],
  import_switched_off: ['js-kind-import-switched-off'],
  token_generated: ['js-kind-token-generated'],
  token_retired: ['js-kind-token-retired'],
  mapping_changed: ['js-kind-mapping-changed'],
  notify_addresses_changed: ['js-kind-addresses-changed'],
  provisioning_silent: ['js-kind-provisioning-silent'],
  departure_limit_changed: ['js-kind-departure-limit-changed'],
  user_name_conflict: ['js-kind-user-name-conflict'],
  purge_rule_changed: ['js-kind-purge-rule-changed'],
  inactive_purged: ['js-kind-inactive-purged'],
  principal_invited: ['js-kind-principal-invited'],
  principal_password_reset: ['js-kind-principal-password-reset'],
  principal_removed: ['js-kind-principal-removed'],
  notice_language_changed: ['js-kind-notice-language-changed'],
};
const OUTCOME_INDEX = { applied: 0, rejected: 1, failed: 2 };

function words(kind, outcome) {
  const names = KINDS[kind];
  if (!names) {
    const s = kind.replaceAll('_', ' ');
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  return t(names[OUTCOME_INDEX[outcome] ?? 0] || names[0]);
}

/** A refusal is Entra's data: it is fixed there, not here. */
function details(a) {
  if (a.actor_kind === 'scim' && a.outcome === 'rejected' && a.kind !== 'user_name_conflict') {
    return t('js-activity-fix-in-entra', { detail: a.detail || t('js-activity-refused') });
  }
  return a.detail || '—';
}

/** The filters the form offers; anything else in the address shows everything. */
const FILTERS = {
  '': t('activity-everything'),
  'failed,rejected': t('js-activity-failures-and-refusals'),
  failed: t('js-activity-failures'),
  rejected: t('js-activity-refusals'),
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
        ? h('a', { href: `/persons/${encodeURIComponent(a.person_id)}` }, a.user_name || t('js-activity-person'))
        : a.user_name || '—';
      return h(
        'tr',
        { class: `outcome-${a.outcome}` },
        h('td', { 'data-label': t('activity-when') }, time(a.at)),
        h(
          'td',
          { 'data-label': t('activity-outcome') },
          h(
            'span',
            { class: `badge outcome ${a.outcome}` },
            h('span', { 'aria-hidden': 'true' }, `${o.sign} `),
            o.word,
          ),
        ),
        h('td', { 'data-label': t('activity-what') }, words(a.kind, a.outcome)),
        h('td', { 'data-label': t('activity-who') }, a.actor),
        h('td', { 'data-label': t('title-person') }, person),
        h('td', { 'data-label': t('setup-details'), class: 'detail' }, details(a)),
      );
    }),
  );
  $('activity-table').hidden = result.items.length === 0;

  if (outcome || kind || person) {
    const what = [
      outcome ? FILTERS[outcome] : t('js-activity-entries'),
      kind ? t('js-activity-of-kind', { kind: words(kind, 'applied') }) : '',
      person ? t('js-activity-about-one-person') : '',
    ]
      .filter(Boolean)
      .join(' ');
    $('activity-summary').textContent = t('js-activity-filtered', { what, n: result.total });
  } else if (result.total === 0) {
    $('activity-summary').textContent = t('js-activity-nothing-yet');
  } else {
    const failed = result.items.filter((a) => a.outcome === 'failed').length;
    const rejected = result.items.filter((a) => a.outcome === 'rejected').length;
    const problems =
      failed + rejected > 0 ? t('js-activity-on-this-page', { failed, rejected }) : t('js-activity-no-failure');
    $('activity-summary').textContent = `${t('js-activity-entries-count', { n: result.total })} ${problems}`;
  }

  pager(page, PER_PAGE, result.total, hrefFor);
});
