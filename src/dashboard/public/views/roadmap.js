/** The roadmap: per area, what stands between the current level and the next, and what to do. */
import { api, path, query } from '../api.js';
import { externalLink, h } from '../dom.js';
import { STATUS, formatDay, levelLabel, plural } from '../format.js';
import { capabilityHref } from '../routes.js';
import { tenantHeader } from './tenant-shell.js';

const KIND = { fix: 'Fix', collect: 'Collect', attest: 'Attest' };

export async function roadmapView(ctx) {
  const { tenant } = await api.get(path`/api/tenants/${ctx.params.tenantId}`);
  const roadmap = await api.get(path`/api/tenants/${tenant.id}/roadmap` + query({ scanId: ctx.query.get('scan') }));

  const node = h(
    'section',
    { class: 'view view--roadmap', dataset: { view: 'roadmap', scan: roadmap.scanId ?? '' } },
    tenantHeader(tenant, 'roadmap', 'Roadmap'),
    h('p', { class: 'hint' }, `From scan ${roadmap.scanId}. For each area: the statements not yet met up to the next level, and what would turn each one: fix a failing check, collect missing evidence, or attest.`),
    roadmap.steps.map((step) => areaStep(tenant.id, roadmap.scanId, step)),
  );
  return { title: `${tenant.displayName} roadmap`, node };
}

function toGo(step) {
  const needed = step.shortfall.reduce((sum, s) => sum + (s.required - s.met), 0);
  const open = step.missing.length;
  if (needed === open) return `${plural(open, 'statement')} to go`;
  return `${needed} more of the ${open} open statements to meet`;
}

function areaStep(tenantId, scanId, step) {
  const name = step.name ?? step.area;
  const id = `roadmap-${step.area}`;
  return h(
    'section',
    { class: 'panel roadmap-area', dataset: { area: step.area }, 'aria-labelledby': id },
    h(
      'h2',
      { id },
      name,
      h('span', { class: 'h2__note' }, step.nextLevel === null ? `${levelLabel(step.currentLevel)}, the top level` : `${levelLabel(step.currentLevel)} → ${levelLabel(step.nextLevel)}`),
    ),
    step.target ? h('p', { class: 'hint' }, `Target ${step.target.level} by ${formatDay(step.target.by)}: ${step.target.summary}`) : null,
    step.nextLevel === null
      ? h('p', {}, 'Nothing missing: keep it there.')
      : [
          h('p', {}, toGo(step), step.shortfall.length ? ` (${step.shortfall.map((s) => `${s.level}: ${s.met} of ${s.total} met, ${s.required} needed`).join('; ')})` : '', '.'),
          h('ol', { class: 'roadmap-items' }, step.missing.map((item) => h('li', {}, roadmapItem(tenantId, scanId, item)))),
        ],
  );
}

function roadmapItem(tenantId, scanId, item) {
  const s = STATUS[item.status] ?? STATUS.unknown;
  return h(
    'article',
    { class: 'roadmap-item', dataset: { capability: item.capabilityId, status: item.status } },
    h(
      'p',
      { class: 'roadmap-item__head' },
      h('span', { class: ['badge', `badge--${item.status}`] }, h('span', { 'aria-hidden': 'true' }, `${s.glyph} `), s.label),
      ' ',
      h('span', { class: 'tag' }, String(item.level)),
      ' ',
      h('a', { href: capabilityHref(tenantId, item.capabilityId, scanId) }, item.statement),
    ),
    item.reason ? h('p', { class: 'hint' }, item.reason) : null,
    item.checks.length ? h('ul', { class: 'plain-list check-lines' }, item.checks.map((c) => h('li', {}, h('code', {}, c.checkId), `: ${c.message}`))) : null,
    item.actions.length
      ? h(
          'ul',
          { class: 'actions' },
          item.actions.map((a) =>
            h(
              'li',
              { dataset: { kind: a.kind } },
              h('strong', {}, `${KIND[a.kind] ?? a.kind}: `),
              a.text,
              a.references?.length ? h('ul', { class: 'plain-list' }, a.references.map((r) => h('li', {}, externalLink(r)))) : null,
            ),
          ),
        )
      : null,
  );
}
