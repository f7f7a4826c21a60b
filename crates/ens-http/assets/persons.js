// Persons: the Person list, searched, filtered, sorted and paged. The form is a plain GET
// form: the query, the filters, the order and the page live in the address, so Back,
// bookmarks and the Health section's links work.

import { $, SOURCES, api, clampPage, h, pageParam, pager, say, startPage, t, time } from './app.js';

const PER_PAGE = 25;

/** The address parameters the list understands, passed on to the API as they are. */
const FILTERS = ['q', 'active', 'source', 'reach', 'inactive_days'];

/** The columns; those with a `sort` key can be ordered by. */
const COLUMNS = [
  { label: t('js-persons-user-name'), sort: 'user_name', by: t('js-persons-sort-user-name') },
  { label: t('js-persons-display-name'), sort: 'display_name', by: t('js-persons-sort-display-name') },
  { label: t('js-persons-mobile'), sort: 'mobile', by: t('js-persons-sort-mobile') },
  { label: t('js-persons-department'), sort: 'department', by: t('js-persons-sort-department') },
  { label: t('js-persons-email') },
  { label: t('persons-source') },
  { label: t('persons-state') },
  { label: t('js-persons-last-change'), sort: 'last_changed', by: t('js-persons-sort-last-change') },
];

const REACH = {
  unreachable: t('js-persons-filter-unreachable'),
  only_not_imported: t('js-persons-filter-only-not-imported'),
};

function cell(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

/** This page's address with `changes` applied (null removes a parameter); back to page 1. */
function href(params, changes) {
  const next = new URLSearchParams(params);
  next.delete('page');
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') next.delete(k);
    else next.set(k, v);
  }
  const s = next.toString();
  return s ? `/persons?${s}` : '/persons';
}

function renderHead(params, sort, descending) {
  $('persons-head').replaceChildren(
    ...COLUMNS.map((c) => {
      if (!c.sort) return h('th', { scope: 'col' }, c.label);
      const current = c.sort === sort;
      // A second click on the sorted column reverses it.
      const order = current ? (descending ? 'asc' : 'desc') : c.sort === 'last_changed' ? 'desc' : 'asc';
      const arrow = current ? (descending ? ' ▼' : ' ▲') : '';
      return h(
        'th',
        { scope: 'col', 'aria-sort': current ? (descending ? 'descending' : 'ascending') : undefined },
        h(
          'a',
          {
            href: href(params, { sort: c.sort, order }),
            class: 'sort',
            'aria-label': c.by,
          },
          c.label,
          h('span', { 'aria-hidden': 'true' }, arrow),
        ),
      );
    }),
  );
}

/** What the filters in use say, for the summary line. */
function describe(params) {
  const parts = [];
  if (params.get('active') === 'true') parts.push(t('js-persons-filter-active'));
  if (params.get('active') === 'false') parts.push(t('js-persons-filter-inactive'));
  if (params.get('source')) {
    parts.push(t('js-persons-filter-source', { source: SOURCES[params.get('source')] || params.get('source') }));
  }
  if (REACH[params.get('reach')]) parts.push(REACH[params.get('reach')]);
  if (params.get('inactive_days')) {
    parts.push(t('js-persons-filter-inactive-days', { days: Number(params.get('inactive_days')) }));
  }
  return parts.join(', ');
}

// Unset filters stay out of the address; a page restored by Back has them all usable again.
$('search-form').addEventListener('submit', () => {
  for (const el of $('search-form').querySelectorAll('input, select')) if (!el.value) el.disabled = true;
});
window.addEventListener('pageshow', () => {
  for (const el of $('search-form').querySelectorAll('select, input[type=search]')) el.disabled = false;
});

startPage(async () => {
  const params = new URLSearchParams(location.search);
  // Coming back from deleting a person: say so once, and keep it out of the address.
  if (params.has('deleted')) {
    say($('persons-message'), t('js-persons-deleted', { name: params.get('deleted') }), 'ok');
    params.delete('deleted');
    history.replaceState(null, '', params.toString() ? `/persons?${params}` : '/persons');
  }
  const page = pageParam(params);
  for (const name of FILTERS) {
    const el = $(name);
    const value = (params.get(name) || '').trim();
    // A value the form does not offer (an old bookmark) shows as unset, and is not sent.
    el.value = value;
    if (el.value !== value) params.delete(name);
  }
  const sort = COLUMNS.some((c) => c.sort === params.get('sort')) ? params.get('sort') : 'user_name';
  const descending = params.get('order') ? params.get('order') === 'desc' : sort === 'last_changed';
  $('sort').value = params.get('sort') ? sort : '';
  $('order').value = params.get('order') ? (descending ? 'desc' : 'asc') : '';
  for (const hidden of ['sort', 'order']) $(hidden).disabled = !$(hidden).value;

  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE), sort });
  query.set('order', descending ? 'desc' : 'asc');
  for (const name of FILTERS) if (params.get(name)) query.set(name, params.get(name).trim());
  const result = await api('GET', `/api/v1/persons?${query}`);
  const hrefFor = (n) => {
    const p = new URLSearchParams(params);
    p.set('page', String(n));
    return `/persons?${p}`;
  };
  if (clampPage(page, PER_PAGE, result.total, hrefFor)) return;

  renderHead(params, sort, descending);
  $('persons-body').replaceChildren(
    ...result.items.map((p) =>
      h(
        'tr',
        { class: p.active ? undefined : 'inactive' },
        cell(COLUMNS[0].label, h('a', { href: `/persons/${encodeURIComponent(p.id)}` }, p.user_name)),
        cell(COLUMNS[1].label, p.display_name || '—'),
        cell(COLUMNS[2].label, p.mobile || '—'),
        cell(COLUMNS[3].label, p.department || '—'),
        cell(COLUMNS[4].label, p.email || '—'),
        cell(COLUMNS[5].label, h('span', { class: `badge source-${p.source}` }, SOURCES[p.source] || p.source)),
        cell(
          COLUMNS[6].label,
          h(
            'span',
            { class: `badge ${p.active ? 'active' : 'inactive'}` },
            p.active ? t('persons-active') : t('persons-inactive'),
          ),
          p.active && !p.alertable ? h('span', { class: 'badge warn' }, t('persons-cannot-be-alerted')) : null,
          !p.active && p.inactive_since
            ? h('span', { class: 'since' }, ` ${t('js-persons-since')} `, time(p.inactive_since))
            : null,
        ),
        cell(COLUMNS[7].label, time(p.updated_at)),
      ),
    ),
  );
  $('persons-table').hidden = result.items.length === 0;

  const q = (params.get('q') || '').trim();
  const filtered = describe(params);
  const n = result.total;
  let summary;
  if (n === 0) summary = q || filtered ? t('js-persons-none-match') : t('js-persons-empty');
  else if (filtered && q) summary = t('js-persons-filtered-matching', { filters: filtered, n, q });
  else if (filtered) summary = t('js-persons-filtered', { filters: filtered, n });
  else if (q) summary = t('js-persons-matching', { n, q });
  else summary = t('js-persons-all', { n });
  $('persons-summary').textContent = summary;

  pager(page, PER_PAGE, result.total, hrefFor);
});
