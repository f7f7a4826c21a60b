// Persons: the Person list, searched, filtered, sorted and paged. The form is a plain GET
// form: the query, the filters, the order and the page live in the address, so Back,
// bookmarks and the Health section's links work.

import { $, SOURCES, api, clampPage, h, pageParam, pager, startPage, time } from './app.js';

const PER_PAGE = 25;

/** The address parameters the list understands, passed on to the API as they are. */
const FILTERS = ['q', 'active', 'source', 'reach', 'inactive_days'];

/** The columns; those with a `sort` key can be ordered by. */
const COLUMNS = [
  { label: 'User name', sort: 'user_name' },
  { label: 'Display name', sort: 'display_name' },
  { label: 'Mobile', sort: 'mobile' },
  { label: 'Department', sort: 'department' },
  { label: 'E-mail' },
  { label: 'Source' },
  { label: 'State' },
  { label: 'Last change', sort: 'last_changed' },
];

const REACH = {
  unreachable: 'who cannot be alerted',
  only_not_imported: 'reachable only on fields no longer imported',
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
            'aria-label': `Sort by ${c.label.toLowerCase()}`,
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
  if (params.get('active') === 'true') parts.push('active');
  if (params.get('active') === 'false') parts.push('inactive');
  if (params.get('source')) parts.push(`from ${SOURCES[params.get('source')] || params.get('source')}`);
  if (REACH[params.get('reach')]) parts.push(REACH[params.get('reach')]);
  if (params.get('inactive_days')) parts.push(`inactive for more than ${params.get('inactive_days')} days`);
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
        cell('User name', h('a', { href: `/persons/${encodeURIComponent(p.id)}` }, p.user_name)),
        cell('Display name', p.display_name || '—'),
        cell('Mobile', p.mobile || '—'),
        cell('Department', p.department || '—'),
        cell('E-mail', p.email || '—'),
        cell('Source', h('span', { class: `badge source-${p.source}` }, SOURCES[p.source] || p.source)),
        cell(
          'State',
          h('span', { class: `badge ${p.active ? 'active' : 'inactive'}` }, p.active ? 'Active' : 'Inactive'),
          p.active && !p.alertable ? h('span', { class: 'badge warn' }, 'Cannot be alerted') : null,
          !p.active && p.inactive_since ? h('span', { class: 'since' }, ' since ', time(p.inactive_since)) : null,
        ),
        cell('Last change', time(p.updated_at)),
      ),
    ),
  );
  $('persons-table').hidden = result.items.length === 0;

  const q = (params.get('q') || '').trim();
  const filtered = describe(params);
  const persons = result.total === 1 ? '1 person' : `${result.total} persons`;
  let summary;
  if (result.total === 0) summary = q || filtered ? 'No person matches.' : 'The Person list is empty.';
  else if (filtered) summary = `Only ${filtered}: ${persons}${q ? ` matching “${q}”` : ''}.`;
  else if (q) summary = `${persons} ${result.total === 1 ? 'matches' : 'match'} “${q}”.`;
  else summary = `${persons} in the Person list.`;
  $('persons-summary').textContent = summary;

  pager(page, PER_PAGE, result.total, hrefFor);
});
