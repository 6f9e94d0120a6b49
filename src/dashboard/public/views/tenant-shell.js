/** The heading and sub-navigation shared by a tenant's pages. */
import { api, path, query } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime } from '../format.js';
import { gridHref, roadmapHref, tenantAlertsHref, tenantHref } from '../routes.js';

const PAGES = [
  { id: 'overview', label: 'Overview', href: tenantHref },
  { id: 'grid', label: 'Maturity grid', href: gridHref },
  { id: 'roadmap', label: 'Roadmap', href: roadmapHref },
  { id: 'alerts', label: 'Alerts and regressions', href: tenantAlertsHref },
];

/** `<h1>` with the tenant's name and what the page is, then the tenant's navigation (`within`: a page inside the current section). */
export function tenantHeader(tenant, current, pageTitle, { within = false } = {}) {
  return [
    h('h1', { tabindex: '-1' }, h('span', { class: 'h1__tenant' }, tenant.displayName), h('span', { class: 'h1__page' }, pageTitle)),
    h(
      'nav',
      { class: 'subnav', 'aria-label': `${tenant.displayName} pages` },
      h(
        'ul',
        {},
        PAGES.map((p) => h('li', {}, h('a', { href: p.href(tenant.id), 'aria-current': p.id === current ? (within ? 'true' : 'page') : null }, p.label))),
      ),
    ),
  ];
}

/** The scan a page shows: `?scan=` or the tenant's last scan with results. */
export function scanIdOf(ctx, tenant) {
  const asked = Number(ctx.query.get('scan'));
  return Number.isInteger(asked) && asked > 0 ? asked : tenant.lastResultScanId;
}

export function noResults(tenant) {
  return h('p', { class: 'message' }, `${tenant.displayName} has no scan with results yet. The first scheduled scan will fill this page.`);
}

/** The tenant's recent scans with results, newest first, for the scan picker. */
export async function recentScans(tenantId) {
  const { scans } = await api.get(path`/api/tenants/${tenantId}/scans` + query({ limit: 30 }));
  return scans.filter((s) => s.status === 'succeeded' || s.status === 'partial');
}

/**
 * A small form to show another scan: a select and a button (changing the select alone does
 * not navigate, so a keyboard user can move through the options).
 */
export function scanPicker(scans, shownId, hrefOf) {
  if (scans.length < 2) return null;
  const select = h(
    'select',
    { id: 'scan-picker', name: 'scan' },
    scans.map((s, i) => h('option', { value: String(s.id), selected: s.id === shownId }, `Scan ${s.id}, ${formatDateTime(s.finishedAt)}${i === 0 ? ' (latest)' : ''}`)),
  );
  const form = h(
    'form',
    { class: 'scan-picker', 'aria-label': 'Choose a scan' },
    h('label', { for: 'scan-picker' }, 'Scan '),
    select,
    ' ',
    h('button', { type: 'submit', class: 'button' }, 'Show'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    window.location.hash = hrefOf(Number(select.value));
  });
  return form;
}
