/**
 * Regressions and alerts on a timeline, newest first, for one tenant or all; attesters and
 * admins can acknowledge an open alert. A tenant's page also says what its last scan changed.
 */
import { api, path, query } from '../api.js';
import { h } from '../dom.js';
import { STATUS, formatDate, formatDateTime, plural } from '../format.js';
import { alertsHref, capabilityHref, gridHref, tenantAlertsHref, tenantHref } from '../routes.js';
import { tenantHeader } from './tenant-shell.js';

const SEVERITY = { critical: { label: 'Critical', glyph: '‼' }, warning: { label: 'Warning', glyph: '⚠' }, info: { label: 'Info', glyph: 'ℹ' } };
const FILTERS = ['all', 'open', 'resolved'];

export async function alertsView(ctx) {
  const tenantId = ctx.params.tenantId;
  const status = FILTERS.includes(ctx.query.get('status')) ? ctx.query.get('status') : 'all';
  const [tenantAnswer, { alerts }] = await Promise.all([
    tenantId ? api.get(path`/api/tenants/${tenantId}`) : null,
    api.get('/api/alerts' + query({ tenantId, status, limit: 200 })),
  ]);
  const tenant = tenantAnswer?.tenant ?? null;
  const canAcknowledge = ['attester', 'admin'].includes(ctx.session.principal?.role);
  const announce = h('p', { class: 'visually-hidden', role: 'status' });
  const base = tenant ? tenantAlertsHref(tenant.id) : alertsHref();

  const node = h(
    'section',
    { class: 'view view--alerts', dataset: { view: 'alerts' } },
    tenant ? tenantHeader(tenant, 'alerts', 'Alerts and regressions') : h('h1', { tabindex: '-1' }, 'Alerts and regressions'),
    tenant ? await lastChanges(tenant) : null,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'timeline-heading' },
      h('h2', { id: 'timeline-heading' }, 'Timeline'),
      h(
        'nav',
        { class: 'filters', 'aria-label': 'Alert status filter' },
        h('ul', {}, FILTERS.map((f) => h('li', {}, h('a', { href: `${base}?status=${f}`, 'aria-current': f === status ? 'page' : null }, f[0].toUpperCase() + f.slice(1))))),
      ),
      announce,
      alerts.length ? timeline(alerts, { showTenant: !tenant, canAcknowledge, announce }) : h('p', { class: 'hint' }, status === 'open' ? 'No open alert.' : 'No alert yet.'),
    ),
  );
  return { title: tenant ? `${tenant.displayName} alerts` : 'Alerts', node };
}

/** What the last scan changed against the one before: regressions first, improvements folded. */
async function lastChanges(tenant) {
  const section = (...children) => h('section', { class: 'panel', 'aria-labelledby': 'changes-heading' }, h('h2', { id: 'changes-heading' }, 'What the last scan changed'), ...children);
  try {
    const { scans } = await api.get(path`/api/tenants/${tenant.id}/scans` + query({ limit: 20 }));
    const withResults = scans.filter((s) => s.status === 'succeeded' || s.status === 'partial');
    if (withResults.length < 2) return section(h('p', { class: 'hint' }, 'Changes show from the second scan on.'));
    const [to, from] = withResults;
    const { diff } = await api.get('/api/diff' + query({ from: from.id, to: to.id }));
    const changes = [
      ...diff.levels.map((c) => ({ kind: 'Level', down: c.direction === 'down', node: c.label })),
      ...diff.capabilities.map((c) => ({
        kind: 'Statement',
        down: c.direction === 'down',
        node: [h('a', { href: capabilityHref(tenant.id, c.capabilityId, to.id) }, c.statement), ` ${STATUS[c.from]?.label ?? 'none'} → ${STATUS[c.to]?.label ?? 'none'}. `, c.reason],
      })),
      ...diff.checks.map((c) => ({ kind: 'Check', down: c.direction === 'down', node: [h('code', {}, c.checkId), ` ${c.from ?? 'none'} → ${c.to ?? 'none'}. `, c.message ?? ''] })),
      ...diff.evidence.filter((c) => c.direction !== 'neutral').map((c) => ({ kind: `Evidence, ${c.severity}`, down: c.direction === 'weaker', node: c.label })),
    ];
    const regressions = changes.filter((c) => c.down);
    const improvements = changes.filter((c) => !c.down);
    const list = (items, arrow) => h('ul', { class: 'plain-list changes' }, items.map((c) => h('li', {}, h('span', { 'aria-hidden': 'true' }, `${arrow} `), h('strong', {}, `${c.kind}: `), c.node)));
    return section(
      h('p', { class: 'hint' }, `Scan ${from.id} (${formatDateTime(from.finishedAt)}) → scan ${to.id} (${formatDateTime(to.finishedAt)}).`),
      h('h3', {}, `Regressions (${regressions.length})`),
      regressions.length ? list(regressions, '↓') : h('p', {}, 'None.'),
      improvements.length ? h('details', {}, h('summary', {}, `Improvements (${improvements.length})`), list(improvements, '↑')) : null,
    );
  } catch (error) {
    if (error.status === 401) throw error;
    return section(h('p', { class: 'message message--warning' }, `The changes could not be read: ${error.message}`));
  }
}

function timeline(alerts, options) {
  const days = new Map();
  for (const alert of alerts) {
    const day = formatDate(alert.openedAt);
    if (!days.has(day)) days.set(day, []);
    days.get(day).push(alert);
  }
  return h(
    'ol',
    { class: 'timeline' },
    [...days].map(([day, list]) =>
      h('li', { class: 'timeline__day' }, h('h3', {}, h('time', { datetime: list[0].openedAt.slice(0, 10) }, day)), h('ol', { class: 'timeline__items' }, list.map((a) => h('li', {}, alertItem(a, options))))),
    ),
  );
}

function alertItem(alert, options) {
  const severity = SEVERITY[alert.severity] ?? { label: alert.severity, glyph: '' };
  const id = `alert-${alert.id}`;
  const article = h(
    'article',
    { class: ['alert', `alert--${alert.severity}`, `alert--${alert.status}`], dataset: { alert: alert.id, status: alert.status }, 'aria-labelledby': id },
    h(
      'p',
      { class: 'alert__meta' },
      h('span', { class: ['badge', `badge--severity-${alert.severity}`] }, h('span', { 'aria-hidden': 'true' }, `${severity.glyph} `), severity.label),
      ' ',
      h('span', { class: ['badge', alert.status === 'open' ? 'badge--open' : 'badge--neutral'] }, alert.status === 'open' ? 'Open' : 'Resolved'),
      ' ',
      h('span', { class: 'tag' }, alert.kind),
      ' ',
      h('time', { datetime: alert.openedAt }, formatDateTime(alert.openedAt)),
      options.showTenant ? [' · ', h('a', { href: tenantHref(alert.tenantId) }, alert.tenantName)] : null,
    ),
    h('h4', { id }, alert.title),
    h('p', {}, alert.summary),
    h(
      'p',
      { class: 'hint' },
      'Opened by ',
      h('a', { href: gridHref(alert.tenantId, alert.openedScanId) }, `scan ${alert.openedScanId}`),
      alert.lastScanId !== alert.openedScanId ? `, still seen in scan ${alert.lastScanId}` : '',
      alert.resolvedAt ? `; resolved ${formatDateTime(alert.resolvedAt)}${alert.resolvedScanId ? ` by scan ${alert.resolvedScanId}` : ''}` : '',
      alert.acknowledgedBy ? `; acknowledged by ${alert.acknowledgedBy}` : '',
      alert.messages?.length ? `; ${plural(alert.messages.length, 'message')} sent or queued` : '',
      '.',
    ),
  );
  if (options.canAcknowledge && alert.status === 'open' && !alert.acknowledgedBy) {
    const button = h('button', { type: 'button', class: 'button', 'aria-describedby': id }, 'Acknowledge');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const { alert: updated } = await api.post(path`/api/alerts/${alert.id}/acknowledge`, {});
        const replacement = alertItem(updated, options);
        article.replaceWith(replacement);
        options.announce.textContent = `Alert acknowledged: ${updated.title}.`;
        replacement.querySelector('h4').setAttribute('tabindex', '-1');
        replacement.querySelector('h4').focus();
      } catch (error) {
        button.disabled = false;
        options.announce.textContent = '';
        article.append(h('p', { class: 'message message--error', role: 'alert' }, `Not acknowledged: ${error.message}`));
      }
    });
    article.append(h('p', {}, button));
  }
  return article;
}
