// One person: every field of the catalogue, its value, and whether Entra owns it. The fields
// Entra does not own can be edited here; a manual person can be deleted; `/persons/new`
// enters a manual person. The ownership rules are the API's: the form offers only what the
// API accepts, and the API's refusal of a field is shown next to that field.

import { $, ApiError, SOURCES, api, h, leaveIfLoggedOut, markField, problemText, say, startPage, t, time } from './app.js';

function value(v) {
  if (v === undefined || v === null || v === '') return h('span', { class: 'muted' }, t('js-person-not-set'));
  if (v === true) return t('js-person-yes');
  if (v === false) return t('js-person-no');
  return String(v);
}

/** Fields that are true or false; every other field is text. */
const BOOLEAN = new Set(['active']);

/** What was typed and not saved: the browser asks before the page is left. */
let dirty = false;
window.addEventListener('beforeunload', (event) => {
  if (!dirty) return;
  event.preventDefault();
  // Older browsers show their own text only when returnValue is set.
  event.returnValue = '';
});

function inputId(key) {
  return `edit-${key}`;
}

/** The form's inputs for `fields` (catalogue entries), filled from `values`. */
function renderForm(fields, values) {
  $('person-form-fields').replaceChildren(
    ...fields.map((f) => {
      const id = inputId(f.key);
      const hint = h('p', { id: `${id}-hint`, class: 'hint', 'aria-live': 'polite' });
      if (BOOLEAN.has(f.key)) {
        const box = h('input', { id, type: 'checkbox', 'data-key': f.key, 'aria-describedby': `${id}-hint` });
        box.checked = values[f.key] !== false;
        return h('div', { class: 'field check' }, box, h('label', { for: id }, f.label), hint);
      }
      const input = h('input', {
        id,
        type: 'text',
        'data-key': f.key,
        spellcheck: 'false',
        autocomplete: 'off',
        'aria-describedby': `${id}-hint`,
        required: f.key === 'user_name' ? true : undefined,
      });
      input.value = values[f.key] === undefined || values[f.key] === null ? '' : String(values[f.key]);
      return h('div', { class: 'field' }, h('label', { for: id }, f.label), input, hint);
    }),
  );
  for (const input of $('person-form-fields').querySelectorAll('input')) {
    input.dataset.initial = input.type === 'checkbox' ? String(input.checked) : input.value;
  }
}

/** The fields whose input differs from what the form was filled with (`null` clears). */
function changes() {
  const out = {};
  for (const input of $('person-form-fields').querySelectorAll('input[data-key]')) {
    const now = input.type === 'checkbox' ? String(input.checked) : input.value.trim();
    if (now === input.dataset.initial.trim()) continue;
    if (input.type === 'checkbox') out[input.dataset.key] = input.checked;
    else out[input.dataset.key] = now === '' ? null : now;
  }
  return out;
}

function clearFieldErrors() {
  for (const input of $('person-form-fields').querySelectorAll('input[data-key]')) markField(input, '');
  say($('person-form-message'), '');
}

/**
 * Shows the API's refusal next to the fields it names; anything else (or a field not on the
 * form) below the form.
 */
function showRefusal(e) {
  const keys = e instanceof ApiError && Array.isArray(e.problem.fields) ? e.problem.fields : [];
  const inputs = keys.map((k) => $(inputId(k))).filter(Boolean);
  if (inputs.length === 0) {
    say($('person-form-message'), problemText(e), 'error');
    return;
  }
  for (const input of inputs) markField(input, problemText(e));
  inputs[0].focus();
}

function wireForm(submit) {
  $('person-form').addEventListener('input', () => {
    dirty = Object.keys(changes()).length > 0;
  });
  $('person-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors();
    const fields = changes();
    if (Object.keys(fields).length === 0) {
      say($('person-form-message'), t('js-person-nothing-changed'), 'info');
      return;
    }
    $('person-save').disabled = true;
    try {
      const saved = await submit(fields);
      dirty = false;
      location.assign(`/persons/${encodeURIComponent(saved.id)}?saved=1`);
    } catch (e) {
      if (leaveIfLoggedOut(e)) return;
      showRefusal(e);
    } finally {
      $('person-save').disabled = false;
    }
  });
}

function newPerson(setup) {
  $('person-heading').textContent = t('persons-new-person');
  document.title = `${t('persons-new-person')} · ENS+`;
  $('edit-heading').textContent = t('js-person-enter-by-hand');
  $('edit-lead').textContent = t('js-person-enter-by-hand-lead');
  renderForm(setup.mapping, {});
  wireForm((fields) => api('POST', '/api/v1/persons', { fields }));
  $('person-cancel').addEventListener('click', () => {
    dirty = false;
    location.assign('/persons');
  });
  $('edit-section').hidden = false;
}

startPage(async () => {
  const id = decodeURIComponent(location.pathname.split('/').pop() || '');
  if (id === 'new') {
    newPerson(await api('GET', '/api/v1/scim-import'));
    return;
  }
  let person;
  let setup;
  try {
    [person, setup] = await Promise.all([
      api('GET', `/api/v1/persons/${encodeURIComponent(id)}`),
      api('GET', '/api/v1/scim-import'),
    ]);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      $('person-heading').textContent = t('js-person-no-such');
      $('page-error').hidden = false;
      $('page-error').textContent = t('js-person-no-such-detail');
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
    h(
      'span',
      { class: `badge ${person.active ? 'active' : 'inactive'}` },
      person.active ? t('persons-active') : t('persons-inactive'),
    ),
  );
  $('person-created').replaceChildren(time(person.created_at));
  $('person-updated').replaceChildren(time(person.updated_at));
  $('person-scim-updated').replaceChildren(person.scim_updated_at ? time(person.scim_updated_at) : t('js-person-never'));
  $('person-activity').href = `/activity?person=${encodeURIComponent(person.id)}`;
  $('person-note').textContent =
    person.source === 'scim'
      ? t('js-person-from-entra', { n: person.imported.length })
      : t('js-person-by-hand');
  if (new URLSearchParams(location.search).get('saved') === '1') {
    say($('person-message'), t('js-person-saved'), 'ok');
    history.replaceState(null, '', location.pathname);
  }

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
        h('th', { scope: 'row', 'data-label': t('person-field') }, f.label),
        h('td', { 'data-label': t('person-value'), class: 'value' }, shown(f)),
        h(
          'td',
          { 'data-label': t('person-imported-from-entra') },
          imported.has(f.key)
            ? h('span', { class: 'badge source-scim' }, t('js-person-from-entra-badge'))
            : h('span', { class: 'muted' }, t('js-person-no')),
        ),
        h('td', { 'data-label': t('person-scim-attribute') }, f.path ? h('code', {}, f.path) : '—'),
      ),
    ),
  );
  // Empty fields are folded away: a person has a handful of the catalogue's fields.
  const empty = rows.filter((f) => isEmpty(f.key)).length;
  const toggle = $('show-empty');
  const fold = (folded) => {
    $('fields-table').classList.toggle('fold-empty', folded);
    toggle.setAttribute('aria-expanded', String(!folded));
    toggle.textContent = folded ? t('js-person-show-empty', { n: empty }) : t('js-person-hide-empty');
  };
  toggle.hidden = empty === 0;
  toggle.onclick = () => fold(!$('fields-table').classList.contains('fold-empty'));
  fold(true);

  // Only what Entra does not own can be edited here.
  const editable = setup.mapping.filter((f) => !imported.has(f.key));
  $('person-edit').hidden = editable.length === 0;
  $('edit-lead').textContent =
    person.source === 'scim'
      ? t('js-person-edit-from-entra')
      : t('js-person-edit-by-hand');
  renderForm(editable, person.fields);
  wireForm((fields) =>
    api('PATCH', `/api/v1/persons/${encodeURIComponent(person.id)}`, { fields, version: person.version }),
  );
  $('person-edit').addEventListener('click', () => {
    // "Saved." was about the last change, not the one starting now.
    say($('person-message'), '');
    $('edit-section').hidden = false;
    $('person-edit').hidden = true;
    $('person-form-fields').querySelector('input')?.focus();
  });
  $('person-cancel').addEventListener('click', () => {
    renderForm(editable, person.fields);
    clearFieldErrors();
    dirty = false;
    $('edit-section').hidden = true;
    $('person-edit').hidden = false;
    $('person-edit').focus();
  });

  $('person-delete').hidden = person.source !== 'manual';
  $('person-delete').addEventListener('click', () => $('delete-dialog').showModal());
  $('delete-cancel').addEventListener('click', () => $('delete-dialog').close());
  $('delete-confirm').addEventListener('click', async () => {
    $('delete-dialog').close();
    try {
      await api('DELETE', `/api/v1/persons/${encodeURIComponent(person.id)}`);
      dirty = false;
      location.assign(`/persons?deleted=${encodeURIComponent(name)}`);
    } catch (e) {
      if (leaveIfLoggedOut(e)) return;
      say($('person-message'), problemText(e), 'error');
    }
  });
  $('person-section').hidden = false;
});
