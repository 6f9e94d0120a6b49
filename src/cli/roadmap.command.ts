/**
 * `ppmat roadmap`: prints, per area, what stands between the current level and the next: each
 * missing statement with the fix of its failing checks, the evidence that could not be
 * collected, or the attestation a person must record. Reads the last stored scan (`--rescan`
 * scans now; see stored-report.ts).
 */
import { roadmap } from '../scoring/roadmap.js';
import { renderRoadmap } from './roadmap-render.js';
import type { CommandIo, ScanCommandOptions } from './scan.command.js';
import { reportAndPrint, type ReportOptions } from './stored-report.js';

export async function roadmapCommand(options: ReportOptions & Pick<ScanCommandOptions, 'format'>, io: CommandIo): Promise<number> {
  return reportAndPrint(options, io, (outcome, view) => {
    const steps = roadmap({
      catalogue: view.catalogue,
      checks: view.checks,
      checkResults: outcome.checkResults,
      capabilityResults: outcome.capabilityResults,
      areaScores: outcome.areaScores,
      threshold: view.threshold,
    });
    if (options.format === 'json') {
      return JSON.stringify({ tenantId: outcome.tenantId, tenantName: view.tenantName, scanId: outcome.scanId, asOf: view.asOf ?? null, targets: view.targets, roadmap: steps }, null, 2);
    }
    return renderRoadmap(steps, view);
  });
}
