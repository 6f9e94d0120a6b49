/** The maturity grid: areas × levels 200–500, every scored statement as a link with its status. */
import { api, path } from '../api.js';
import { h } from '../dom.js';
import { LEVEL_NAMES, STATUS, formatDateTime } from '../format.js';
import { capabilityHref, gridHref } from '../routes.js';
import { loadModel } from '../model.js';
import { noResults, recentScans, scanIdOf, scanPicker, tenantHeader } from './tenant-shell.js';

const GRID_LEVELS = [200, 300, 400, 500];

export async function gridView(ctx) {
  const { tenant } = await api.get(path`/api/tenants/${ctx.params.tenantId}`);
  const scanId = scanIdOf(ctx, tenant);
  const header = tenantHeader(tenant, 'grid', 'Maturity grid');
  if (scanId === null) return { title: `${tenant.displayName} maturity grid`, node: h('section', { class: 'view', dataset: { view: 'grid' } }, header, noResults(tenant)) };

  const [model, { capabilities }, scans] = await Promise.all([loadModel(), api.get(path`/api/scans/${scanId}/capabilities`), recentScans(tenant.id)]);
  const results = new Map(capabilities.map((c) => [c.id, c]));
  const scored = model.capabilities.filter((c) => !c.floor);
  // The tenant's levels belong to its last scan with results; for an older scan they would mislead.
  const levels = scanId === tenant.lastResultScanId ? new Map(tenant.areas.map((a) => [a.area, a])) : new Map();
  const counts = Object.fromEntries(Object.keys(STATUS).map((s) => [s, 0]));
  for (const c of scored) counts[statusOf(results.get(c.id))] += 1;

  const node = h(
    'section',
    { class: 'view view--grid', dataset: { view: 'grid', scan: scanId } },
    header,
    h(
      'div',
      { class: 'toolbar' },
      h('p', { class: 'hint' }, `Scan ${scanId}${scanId === tenant.lastResultScanId && tenant.lastScan ? `, ${formatDateTime(tenant.lastScan.finishedAt)}` : ''}. Each statement links to its checks and evidence. Level 100 describes the starting point and is not scored.`),
      scanPicker(scans, scanId, (id) => gridHref(tenant.id, id)),
    ),
    legend(counts),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'grid', id: 'maturity-grid' },
        h('caption', { class: 'visually-hidden' }, 'Capability statements by area and level, with their status'),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'Area'), GRID_LEVELS.map((level) => h('th', { scope: 'col' }, `${level} `, h('span', { class: 'level-name' }, LEVEL_NAMES[level])))),
        ),
        h(
          'tbody',
          {},
          model.areas.map((area) => {
            const score = levels.get(area.id);
            return h(
              'tr',
              { dataset: { area: area.id } },
              h(
                'th',
                { scope: 'row' },
                area.name,
                score ? h('span', { class: 'cell-note' }, `Level ${score.level}${score.maxLevel > score.level ? `, up to ${score.maxLevel}` : ''}`) : null,
              ),
              GRID_LEVELS.map((level) => {
                const here = scored.filter((c) => c.area === area.id && c.level === level);
                return h(
                  'td',
                  { class: ['grid__cell', score && level <= score.level ? 'grid__cell--reached' : null] },
                  here.length
                    ? h('ul', { class: 'caps' }, here.map((c) => h('li', {}, capabilityLink(tenant.id, scanId, c, results.get(c.id)))))
                    : h('span', { class: 'hint' }, 'No statement'),
                );
              }),
            );
          }),
        ),
      ),
    ),
  );
  return { title: `${tenant.displayName} maturity grid`, node };
}

function statusOf(result) {
  return result && STATUS[result.status] ? result.status : 'unknown';
}

function capabilityLink(tenantId, scanId, capability, result) {
  const status = statusOf(result);
  const s = STATUS[status];
  return h(
    'a',
    {
      href: capabilityHref(tenantId, capability.id, scanId),
      class: ['cap', `cap--${status}`],
      // The statement may be cut to two lines; the full text stays in the link, and on hover.
      title: capability.statement,
      dataset: { capability: capability.id, status },
    },
    h(
      'span',
      { class: 'cap__status' },
      h('span', { class: 'cap__glyph', 'aria-hidden': 'true' }, s.glyph),
      ` ${s.label}`,
      result?.attestation ? h('span', { class: 'cap__note' }, ' · attested') : null,
      capability.custom ? h('span', { class: 'cap__note' }, ' · custom') : null,
      h('span', { class: 'visually-hidden' }, ': '),
    ),
    h('span', { class: 'cap__text' }, capability.statement),
  );
}

function legend(counts) {
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Status legend' },
    Object.entries(STATUS).map(([status, s]) =>
      h(
        'li',
        { class: ['legend__item'] },
        h('span', { class: ['cap', 'cap--sample', `cap--${status}`], 'aria-hidden': 'true' }, h('span', { class: 'cap__status' }, h('span', { class: 'cap__glyph' }, s.glyph), ` ${s.label}`)),
        h('span', {}, h('span', { class: 'visually-hidden' }, `${s.label}: `), `${counts[status]} — ${s.description}`),
      ),
    ),
  );
}
