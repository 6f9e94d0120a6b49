/**
 * `ppmat scuba`: prints only the CISA SCuBA Power Platform crosswalk of the last stored scan
 * (`--rescan` scans now), as a table or JSON. Exit codes are those of `ppmat scan`.
 */
import type { CommandIo, ScanCommandOptions } from './scan.command.js';
import { renderScubaTable } from '../frameworks/scuba-report.js';
import { reportAndPrint, type ReportOptions } from './stored-report.js';

export type ScubaCommandOptions = ReportOptions & Pick<ScanCommandOptions, 'format'>;

export async function scubaCommand(options: ScubaCommandOptions, io: CommandIo): Promise<number> {
  return reportAndPrint(options, io, (outcome, view) =>
    options.format === 'json'
      ? JSON.stringify({ scanId: outcome.scanId, tenantId: outcome.tenantId, tenantName: view.tenantName, status: outcome.status, asOf: view.asOf ?? null, scuba: view.scuba }, null, 2)
      : `${view.tenantName}  (tenant ${outcome.tenantId}), scan #${outcome.scanId} ${outcome.status}${view.asOf ? `, as of ${view.asOf.replace(/^scan #\d+ of /, '')}` : ''}\n\n${renderScubaTable(view.scuba, view)}`,
  );
}
