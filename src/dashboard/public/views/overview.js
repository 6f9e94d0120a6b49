/** A tenant's overview: the radar with its levels table, trends, and the last scan. */
import { api, path } from '../api.js';
import { h } from '../dom.js';
import { formatDateTime, formatDay, levelLabel, plural } from '../format.js';
import { gridHref, roadmapHref, tenantAlertsHref, tenantHref } from '../routes.js';
import { noResults, recentScans, scanIdOf, scanPicker, tenantHeader } from './tenant-shell.js';

/** The adoption counts drawn, from one `adoption` object of /trends. */
const ADOPTION = [
  { name: 'Environments', value: (a) => a.environments?.total ?? null },
  { name: 'Makers', value: (a) => a.makers ?? null },
  { name: 'Apps', value: (a) => sumOrNull(a.canvasApps, a.modelDrivenApps) },
  { name: 'Flows', value: (a) => a.cloudFlows ?? null },
  { name: 'Agents', value: (a) => a.agents ?? null },
];

function sumOrNull(...values) {
  const known = values.filter((v) => typeof v === 'number');
  return known.length ? known.reduce((s, v) => s + v, 0) : null;
}

export async function overviewView(ctx) {
  const { tenant } = await api.get(path`/api/tenants/${ctx.params.tenantId}`);
  const scanId = scanIdOf(ctx, tenant);
  const header = tenantHeader(tenant, 'overview', 'Overview');
  if (scanId === null) {
    return { title: tenant.displayName, node: h('section', { class: 'view', dataset: { view: 'overview' } }, header, lastScanFacts(tenant, null), noResults(tenant)) };
  }
  const [detail, trends, scans] = await Promise.all([api.get(path`/api/scans/${scanId}`), api.get(path`/api/tenants/${tenant.id}/trends`), recentScans(tenant.id)]);

  const radarCanvas = h('canvas', { id: 'radar', role: 'img', 'aria-label': radarLabel(detail.areas) }, 'The levels table beside this chart gives the same numbers.');
  const levelCanvas = h('canvas', { id: 'level-trends', role: 'img', 'aria-label': 'Level of each area over time; the table below gives the numbers.' });
  const adoptionCanvas = h('canvas', { id: 'adoption-trends', role: 'img', 'aria-label': 'Adoption counts over time; the table below gives the numbers.' });
  const adoptionSeries = ADOPTION.map((s) => ({ name: s.name, points: trends.adoption.map((p) => ({ at: p.finishedAt, value: s.value(p.adoption ?? {}) })) }));
  const levelSeries = trends.levels.map((l) => ({ name: l.name, points: l.points.map((p) => ({ at: p.finishedAt, level: p.level })) }));

  const node = h(
    'section',
    { class: 'view view--overview', dataset: { view: 'overview', scan: scanId } },
    header,
    lastScanFacts(tenant, detail.scan),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'levels-heading' },
      h('div', { class: 'toolbar' }, h('h2', { id: 'levels-heading' }, 'Maturity by area'), scanPicker(scans, scanId, (id) => tenantHref(tenant.id, id))),
      h(
        'p',
        { class: 'hint' },
        `From scan ${detail.scan.id} of ${formatDateTime(detail.scan.finishedAt)}. A range (e.g. 200–300) means unknown or indicated statements could lift the level; `,
        h('a', { href: gridHref(tenant.id, scanId) }, 'see them in the maturity grid'),
        ' or ',
        h('a', { href: roadmapHref(tenant.id) }, 'the roadmap'),
        '.',
      ),
      h('div', { class: 'split' }, h('figure', { class: 'chart chart--radar' }, h('div', { class: 'chart__box chart__box--radar' }, radarCanvas)), levelsTable(detail.areas)),
    ),
    h(
      'div',
      { class: 'split split--even' },
      trendPanel('level-trends-heading', 'Levels over time', levelCanvas, trendTable(levelSeries, 'level', 'Levels over time as a table')),
      trendPanel('adoption-trends-heading', 'Adoption over time', adoptionCanvas, trendTable(adoptionSeries, 'value', 'Adoption over time as a table')),
    ),
    collectorProblems(detail.scan),
  );

  return {
    title: `${tenant.displayName} overview`,
    node,
    afterMount() {
      const charts = window.ppmatCharts;
      charts.radar(radarCanvas, { areas: detail.areas.map((a) => ({ name: a.name, level: a.level, maxLevel: a.maxLevel, target: a.target?.level ?? null })) });
      charts.levelTrends(levelCanvas, { series: levelSeries });
      charts.adoptionTrends(adoptionCanvas, { series: adoptionSeries });
    },
  };
}

function radarLabel(areas) {
  return `Radar of the ${areas.length} areas: ${areas.map((a) => `${a.name} ${a.level}${a.maxLevel > a.level ? ` up to ${a.maxLevel}` : ''}`).join(', ')}.`;
}

function lastScanFacts(tenant, shown) {
  const last = tenant.lastScan;
  const item = (term, ...value) => h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, ...value));
  return h(
    'dl',
    { class: 'facts', 'aria-label': 'Scan status' },
    item(
      'Last scan',
      last
        ? [h('span', { class: ['badge', `badge--scan-${last.status}`], dataset: { scanStatus: last.status } }, last.status), ' ', formatDateTime(last.finishedAt ?? last.startedAt)]
        : 'none yet',
    ),
    shown ? item('Checks', `${shown.checksPassed} passed, ${shown.checksFailed} failed, ${shown.checksUnknown} unknown of ${shown.checksTotal}`) : null,
    item('Open alerts', h('a', { href: tenantAlertsHref(tenant.id), dataset: { openAlerts: tenant.openAlerts } }, plural(tenant.openAlerts, 'open alert'))),
    item('Targets', tenant.targets.length ? `${tenant.targets.length} set (${tenant.targetsSource === 'api' ? 'in the dashboard' : 'in ppmat.yaml'})` : 'none set'),
  );
}

function levelsTable(areas) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'levels', id: 'levels-table' },
      h('caption', { class: 'visually-hidden' }, 'Level of each area'),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { scope: 'col' }, 'Area'), h('th', { scope: 'col' }, 'Level'), h('th', { scope: 'col' }, 'Up to'), h('th', { scope: 'col' }, 'Target'), h('th', { scope: 'col' }, 'Met')),
      ),
      h(
        'tbody',
        {},
        areas.map((a) =>
          h(
            'tr',
            { dataset: { area: a.area, level: a.level, maxLevel: a.maxLevel } },
            h('th', { scope: 'row' }, a.name),
            h('td', { class: 'num', dataset: { cell: 'level' } }, String(a.level)),
            h('td', { class: 'num', dataset: { cell: 'maxLevel' } }, String(a.maxLevel)),
            h(
              'td',
              { dataset: { cell: 'target' } },
              a.target ? [h('span', { class: 'num' }, String(a.target.level)), ` by ${formatDay(a.target.by)}`, h('span', { class: 'cell-note' }, a.target.summary)] : '—',
            ),
            h('td', { class: 'num', title: a.summary }, `${a.met}/${a.total}`, a.unknown ? h('span', { class: 'cell-note' }, `${a.unknown} unknown`) : null),
          ),
        ),
      ),
    ),
  );
}

function trendPanel(id, title, canvas, table) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('figure', { class: 'chart' }, h('div', { class: 'chart__box' }, canvas)),
    table,
  );
}

/** The trend numbers as a table, folded away: the chart's text alternative. */
function trendTable(series, key, summary) {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.at)))].sort();
  if (!times.length) return h('p', { class: 'hint' }, 'No scan results yet.');
  return h(
    'details',
    { class: 'trend-table' },
    h('summary', {}, summary),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Scan finished'), series.map((s) => h('th', { scope: 'col' }, s.name)))),
        h(
          'tbody',
          {},
          times.map((at) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, formatDateTime(at)),
              series.map((s) => {
                const v = s.points.find((p) => p.at === at)?.[key];
                return h('td', { class: 'num' }, v === null || v === undefined ? '—' : key === 'level' ? levelLabel(v) : String(v));
              }),
            ),
          ),
        ),
      ),
    ),
  );
}

function collectorProblems(scan) {
  const failed = (scan.collectors ?? []).filter((c) => c.status !== 'ok');
  if (!failed.length && !scan.error) return null;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'collect-heading' },
    h('h2', { id: 'collect-heading' }, 'What this scan could not read'),
    scan.error ? h('p', { class: 'message message--error' }, scan.error) : null,
    failed.length
      ? h(
          'ul',
          { class: 'plain-list' },
          failed.map((c) => h('li', {}, h('code', {}, c.collector), `: ${c.status}`, c.errorCode ? ` (${c.errorCode})` : '', c.errorMessage ? ` — ${c.errorMessage}` : '')),
        )
      : null,
    h('p', { class: 'hint' }, 'Statements that depend on these sources are unknown, not failed.'),
  );
}
