// Persons: the Person list, searched and paged. The search is a plain GET form: the query
// and page live in the address, so Back and bookmarks work.

import { $, SOURCES, api, h, pageParam, pager, startPage, time } from './app.js';

const PER_PAGE = 25;

function cell(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

startPage(async () => {
  const params = new URLSearchParams(location.search);
  const q = (params.get('q') || '').trim();
  const page = pageParam(params);
  $('q').value = q;

  const query = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
  if (q) query.set('q', q);
  const result = await api('GET', `/api/v1/persons?${query}`);

  $('persons-body').replaceChildren(
    ...result.items.map((p) =>
      h(
        'tr',
        { class: p.active ? undefined : 'inactive' },
        cell('User name', h('a', { href: `/persons/${encodeURIComponent(p.id)}` }, p.user_name)),
        cell('Display name', p.display_name || '—'),
        cell('E-mail', p.email || '—'),
        cell('Source', h('span', { class: `badge source-${p.source}` }, SOURCES[p.source] || p.source)),
        cell('State', h('span', { class: `badge ${p.active ? 'active' : 'inactive'}` }, p.active ? 'Active' : 'Inactive')),
        cell('Last SCIM change', p.scim_updated_at ? time(p.scim_updated_at) : '—'),
      ),
    ),
  );
  $('persons-table').hidden = result.items.length === 0;

  const persons = result.total === 1 ? '1 person' : `${result.total} persons`;
  let summary;
  if (result.total === 0) summary = q ? `No person matches “${q}”.` : 'The Person list is empty.';
  else if (q) summary = `${persons} ${result.total === 1 ? 'matches' : 'match'} “${q}”.`;
  else summary = `${persons} in the Person list.`;
  $('persons-summary').textContent = summary;

  pager(page, PER_PAGE, result.total, (n) => {
    const p = new URLSearchParams();
    if (q) p.set('q', q);
    p.set('page', String(n));
    return `/persons?${p}`;
  });
});
