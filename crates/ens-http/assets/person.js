// One person: every field of the catalogue, its value, and whether Entra owns it.

import { $, ApiError, SOURCES, api, h, startPage, time } from './app.js';

function value(v) {
  if (v === undefined || v === null || v === '') return h('span', { class: 'muted' }, 'not set');
  if (v === true) return 'Yes';
  if (v === false) return 'No';
  return String(v);
}

startPage(async () => {
  const id = decodeURIComponent(location.pathname.split('/').pop() || '');
  let person;
  let setup;
  try {
    [person, setup] = await Promise.all([
      api('GET', `/api/v1/persons/${encodeURIComponent(id)}`),
      api('GET', '/api/v1/scim-import'),
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      $('person-heading').textContent = 'No such person';
      $('page-error').hidden = false;
      $('page-error').textContent = 'Error: there is no such person in the Person list (it may have been deleted).';
      return;
    }
    throw e;
  }

  const name = person.fields.display_name || person.fields.user_name;
  $('person-heading').textContent = name;
  document.title = `${name} · ENS+`;
  $('person-source').replaceChildren(
    h('span', { class: `badge source-${person.source}` }, SOURCES[person.source] || person.source),
  );
  $('person-active').replaceChildren(
    h('span', { class: `badge ${person.active ? 'active' : 'inactive'}` }, person.active ? 'Active' : 'Inactive'),
  );
  $('person-created').replaceChildren(time(person.created_at));
  $('person-updated').replaceChildren(time(person.updated_at));
  $('person-scim-updated').replaceChildren(person.scim_updated_at ? time(person.scim_updated_at) : 'never');
  $('person-activity').href = `/activity?person=${encodeURIComponent(person.id)}`;
  $('person-note').textContent =
    person.source === 'scim'
      ? `This person comes from Entra. The ${person.imported.length} imported fields can only be changed in Entra.`
      : 'This person was entered by hand in ENS+: no field comes from Entra.';

  const imported = new Set(person.imported);
  const known = new Set(setup.mapping.map((f) => f.key));
  const rows = setup.mapping.map((f) => ({ key: f.key, label: f.label, path: f.scim_path }));
  for (const key of Object.keys(person.fields)) if (!known.has(key)) rows.push({ key, label: key, path: '' });

  const isEmpty = (key) => [undefined, null, ''].includes(person.fields[key]);
  const shown = (f) => {
    // The manager by name, linked, when ENS+ knows the person Entra names.
    if (f.key === 'manager' && person.manager) {
      return h('a', { href: `/persons/${encodeURIComponent(person.manager.id)}` }, person.manager.name);
    }
    return value(person.fields[f.key]);
  };
  $('fields-body').replaceChildren(
    ...rows.map((f) =>
      h(
        'tr',
        {
          'data-key': f.key,
          class: [imported.has(f.key) ? 'imported' : '', isEmpty(f.key) ? 'empty' : ''].join(' ').trim() || undefined,
        },
        h('th', { scope: 'row', 'data-label': 'Field' }, f.label),
        h('td', { 'data-label': 'Value', class: 'value' }, shown(f)),
        h(
          'td',
          { 'data-label': 'Imported from Entra' },
          imported.has(f.key)
            ? h('span', { class: 'badge source-scim' }, 'From Entra')
            : h('span', { class: 'muted' }, 'No'),
        ),
        h('td', { 'data-label': 'SCIM attribute' }, f.path ? h('code', {}, f.path) : '—'),
      ),
    ),
  );
  // Empty fields are folded away: a person has a handful of the catalogue's fields.
  const empty = rows.filter((f) => isEmpty(f.key)).length;
  const toggle = $('show-empty');
  const fold = (folded) => {
    $('fields-table').classList.toggle('fold-empty', folded);
    toggle.setAttribute('aria-expanded', String(!folded));
    toggle.textContent = folded ? `Show the ${empty} fields without a value` : 'Hide the fields without a value';
  };
  toggle.hidden = empty === 0;
  toggle.onclick = () => fold(!$('fields-table').classList.contains('fold-empty'));
  fold(true);
  $('person-section').hidden = false;
});
