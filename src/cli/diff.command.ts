/**
 * `ppmat diff`: what changed between two stored scans of a tenant (by default its last two
 * scans with results): levels moved, capability statements flipped, checks changed and the
 * evidence changes behind them, in sentences. Reads the store only.
 */
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { diffScans, type DiffableScan, type ScanDiff } from '../history/scan-diff.js';
import { createHistoryRepository, type HistoryRepository } from '../store/history-repository.js';
import type { App } from './app.js';
import { historyTenantIds, withStoredApp } from './history-args.js';
import { renderDiff } from './history-render.js';
import type { CommandIo } from './scan.command.js';

export interface DiffCommandOptions {
  config?: string;
  demo?: boolean;
  tenant?: string;
  format: 'table' | 'json';
  /** Scan ids, both or neither. */
  from?: string;
  to?: string;
}

export async function diffCommand(options: DiffCommandOptions, io: CommandIo): Promise<number> {
  const ids = scanIds(options);
  return withStoredApp(options, io, async (app) => {
    const repository = createHistoryRepository(app.db.prisma);
    const diffs: ScanDiff[] = [];
    if (ids) {
      const [before, after] = await Promise.all([loadScan(app, repository, ids[0], '<fromScanId>'), loadScan(app, repository, ids[1], '<toScanId>')]);
      const tenants = options.tenant || options.demo ? historyTenantIds(app.config, options) : [before.tenantId];
      for (const scan of [before, after]) {
        if (!tenants.includes(scan.tenantId)) {
          throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `scan #${scan.id} is a scan of tenant ${scan.tenantId}, not of ${tenants.join(', ')}.`, { where: 'ppmat diff' });
        }
      }
      diffs.push(diffScans(before, after, app.ruleSet));
    } else {
      for (const tenantId of historyTenantIds(app.config, options)) {
        const [latest, previous] = await repository.lastResultScanIds(tenantId, 2);
        if (latest === undefined || previous === undefined) {
          io.stderr.write(`Tenant ${tenantId} has ${latest === undefined ? 'no stored scan' : 'one stored scan'} with results: nothing to compare yet.\n`);
          continue;
        }
        const [before, after] = await Promise.all([loadScan(app, repository, previous, 'ppmat diff'), loadScan(app, repository, latest, 'ppmat diff')]);
        diffs.push(diffScans(before, after, app.ruleSet));
      }
    }
    io.stdout.write(options.format === 'json' ? `${JSON.stringify({ diffs }, null, 2)}\n` : diffs.length > 0 ? `${diffs.map(renderDiff).join('\n\n')}\n` : '');
    return EXIT.ok;
  });
}

function scanIds(options: DiffCommandOptions): [number, number] | null {
  if (options.from === undefined && options.to === undefined) return null;
  if (options.from === undefined || options.to === undefined) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'give two scan ids (the earlier, then the later), or none for the last two scans.', { where: 'ppmat diff' });
  }
  const parse = (value: string, where: string): number => {
    const id = Number(value);
    if (!Number.isInteger(id) || id <= 0) throw new PpmatError('PPMAT_E_CONFIG_INVALID', `"${value}" is not a scan id (a positive whole number, as \`ppmat history\` lists them).`, { where });
    return id;
  };
  return [parse(options.from.replace(/^#/, ''), '<fromScanId>'), parse(options.to.replace(/^#/, ''), '<toScanId>')];
}

async function loadScan(app: App, repository: HistoryRepository, id: number, where: string): Promise<DiffableScan> {
  const [scan, adoption] = await Promise.all([app.reader.loadScan(id), repository.adoptionOf([id])]);
  if (!scan) throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `there is no stored scan #${id}.`, { where });
  return { ...scan, adoption: adoption.get(id) ?? null };
}
