/** The home page: every tenant the principal may see, with its levels in a line. */
import { api } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, plural } from '../format.js';
import { tenantHref } from '../routes.js';

export async function tenantsView(ctx) {
  const { tenants } = await api.get('/api/tenants');
  // One tenant is the common case: go straight to it.
  if (tenants.length === 1 && !ctx.query.get('list')) return { redirect: tenantHref(tenants[0].id) };

  const list =
    tenants.length === 0
      ? h('p', { class: 'message' }, 'No tenant is configured yet. Add one to ppmat.yaml, or run the demo with ', h('code', {}, 'npm start'), '.')
      : h(
          'ul',
          { class: 'tenant-list' },
          tenants.map((t) =>
            h(
              'li',
              { class: 'card tenant-card', dataset: { tenant: t.id } },
              h('h2', {}, h('a', { href: tenantHref(t.id) }, t.displayName)),
              h(
                'p',
                { class: 'hint' },
                t.lastScan ? `Last scan ${t.lastScan.status}, ${formatDateTime(t.lastScan.finishedAt ?? t.lastScan.startedAt)}` : 'Not scanned yet',
                ' · ',
                plural(t.openAlerts, 'open alert'),
              ),
              t.areas.length
                ? h(
                    'p',
                    { class: 'tenant-card__levels' },
                    t.areas.map((a) => h('span', { class: 'chip' }, `${a.name}: ${a.level}${a.maxLevel > a.level ? `–${a.maxLevel}` : ''}`)),
                  )
                : null,
            ),
          ),
        );
  const node = h('section', { class: 'view', dataset: { view: 'tenants' } }, h('h1', { tabindex: '-1' }, 'Tenants'), list);
  return { title: 'Tenants', node };
}
