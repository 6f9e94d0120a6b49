/**
 * `ppmat history`: how a tenant's levels (or one capability statement) and adoption moved over
 * its stored scans, one row per scan. Reads the store only; nothing is scanned.
 */
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { createHistoryRepository } from '../store/history-repository.js';
import type { App } from './app.js';
import { historyTenantIds, parseRange, withStoredApp } from './history-args.js';
import { renderHistory, type TenantHistory } from './history-render.js';
import type { CommandIo } from './scan.command.js';

export interface HistoryCommandOptions {
  config?: string;
  demo?: boolean;
  tenant?: string;
  /** YYYY-MM-DD, included. */
  since?: string;
  /** YYYY-MM-DD, included. */
  until?: string;
  area?: string;
  capability?: string;
  format: 'table' | 'json';
}

export async function historyCommand(options: HistoryCommandOptions, io: CommandIo): Promise<number> {
  const range = parseRange(options);
  return withStoredApp(options, io, async (app) => {
    const area = options.area === undefined ? undefined : knownArea(app, options.area);
    const capability = options.capability === undefined ? undefined : knownCapability(app, options.capability);
    const repository = createHistoryRepository(app.db.prisma);
    const histories: TenantHistory[] = [];
    for (const tenantId of historyTenantIds(app.config, options)) {
      const [tenantName, scans, areas, points, adoption] = await Promise.all([
        repository.tenantName(tenantId),
        repository.listScans(tenantId, range),
        capability ? Promise.resolve([]) : repository.areaTrends(tenantId, range, area ? [area] : undefined),
        capability ? repository.capabilityTrend(tenantId, capability.id, range) : Promise.resolve(null),
        repository.adoptionTrend(tenantId, range),
      ]);
      histories.push({
        tenantId,
        tenantName: tenantName ?? tenantId,
        scans,
        areas,
        ...(capability && points ? { capability: { id: capability.id, statement: capability.statement, points } } : {}),
        adoption,
      });
    }
    if (options.format === 'json') {
      io.stdout.write(`${JSON.stringify({ since: options.since ?? null, until: options.until ?? null, tenants: histories }, null, 2)}\n`);
      return EXIT.ok;
    }
    const areaNames = new Map(app.ruleSet.areas.map((a) => [a.id, a.name]));
    const rangeText = options.since && options.until ? `from ${options.since} to ${options.until}` : options.since ? `since ${options.since}` : options.until ? `until ${options.until}` : 'stored';
    io.stdout.write(`${histories.map((h) => renderHistory(h, { areaNames, rangeText })).join('\n\n')}\n`);
    return EXIT.ok;
  });
}

function knownArea(app: App, area: string): string {
  if (app.ruleSet.areas.some((a) => a.id === area)) return area;
  throw new PpmatError('PPMAT_E_CONFIG_INVALID', `"${area}" is not an area of the model (areas: ${app.ruleSet.areas.map((a) => a.id).join(', ')}).`, { where: '--area' });
}

function knownCapability(app: App, id: string): { id: string; statement: string } {
  const capability = app.ruleSet.catalogue.find((c) => c.id === id);
  if (capability) return capability;
  const area = id.split('.')[0] ?? '';
  const sameArea = app.ruleSet.catalogue.filter((c) => c.area === area && !c.floor).map((c) => c.id);
  throw new PpmatError('PPMAT_E_CAPABILITY_UNKNOWN', `"${id}" is not a statement of the model${sameArea.length > 0 ? ` (${area} has: ${sameArea.join(', ')})` : ''}.`, {
    where: '--capability',
  });
}
