/**
 * `ppmat scuba`: a scan like `ppmat scan` (stored the same way) that prints only the CISA
 * SCuBA Power Platform crosswalk, as a table or JSON. Exit codes are those of `ppmat scan`.
 */
import { scanAndPrint, type CommandIo, type ScanCommandOptions } from './scan.command.js';
import { renderScubaTable } from '../frameworks/scuba-report.js';

export type ScubaCommandOptions = ScanCommandOptions;

export async function scubaCommand(options: ScubaCommandOptions, io: CommandIo): Promise<number> {
  return scanAndPrint(options, io, (outcome, view) =>
    options.format === 'json'
      ? JSON.stringify({ scanId: outcome.scanId, tenantId: outcome.tenantId, tenantName: view.tenantName, status: outcome.status, scuba: view.scuba }, null, 2)
      : `${view.tenantName}  (tenant ${outcome.tenantId}), scan #${outcome.scanId} ${outcome.status}\n\n${renderScubaTable(view.scuba, view)}`,
  );
}
