// SCIM activity: the log, newest first, paged. Failures and refusals carry a word and a sign,
// not only a colour.

import { $, h, pageParam, pager, startPage, time, api } from './app.js';

const PER_PAGE = 50;

const OUTCOMES = {
  applied: { sign: '✓', word: 'Applied' },
  rejected: { sign: '⚠', word: 'Rejected' },
  failed: { sign: '✗', word: 'Failed' },
};

/** `person_created` → `Person created`. */
function words(kind) {
  const s = kind.replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

startPage(async () => {
  const page = pageParam(new URLSearchParams(location.search));
  const result = await api('GET', `/api/v1/scim-import/activity?page=${page}&per_page=${PER_PAGE}`);

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
          h('span', { class: `badge outcome ${a.outcome}` }, h('span', { 'aria-hidden': 'true' }, `${o.sign} `), o.word),
        ),
        h('td', { 'data-label': 'What' }, words(a.kind)),
        h('td', { 'data-label': 'Who' }, a.actor),
        h('td', { 'data-label': 'Person' }, person),
        h('td', { 'data-label': 'Details', class: 'detail' }, a.detail || '—'),
      );
    }),
  );
  $('activity-table').hidden = result.items.length === 0;

  if (result.total === 0) {
    $('activity-summary').textContent = 'Nothing yet: Entra has not sent any change.';
  } else {
    const failed = result.items.filter((a) => a.outcome === 'failed').length;
    const rejected = result.items.filter((a) => a.outcome === 'rejected').length;
    const problems = failed + rejected > 0 ? ` On this page: ${failed} failed, ${rejected} rejected.` : ' No failure on this page.';
    $('activity-summary').textContent = `${result.total} ${result.total === 1 ? 'entry' : 'entries'}.${problems}`;
  }

  pager(page, PER_PAGE, result.total, (n) => `/activity?page=${n}`);
});
