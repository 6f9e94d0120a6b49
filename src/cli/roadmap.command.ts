/**
 * `ppmat roadmap`: scans now (stored like any scan) and prints, per area, what stands
 * between the current level and the next: each missing statement with the fix of its failing
 * checks, the evidence that could not be collected, or the attestation a person must record.
 */
import { roadmap } from '../scoring/roadmap.js';
import { renderRoadmap } from './roadmap-render.js';
import { scanAndPrint, type CommandIo, type ScanCommandOptions } from './scan.command.js';

export async function roadmapCommand(options: ScanCommandOptions, io: CommandIo): Promise<number> {
  return scanAndPrint(options, io, (outcome, view) => {
    const steps = roadmap({
      catalogue: view.catalogue,
      checks: view.checks,
      checkResults: outcome.checkResults,
      capabilityResults: outcome.capabilityResults,
      areaScores: outcome.areaScores,
    });
    if (options.format === 'json') {
      return JSON.stringify({ tenantId: outcome.tenantId, tenantName: view.tenantName, scanId: outcome.scanId, targets: view.targets, roadmap: steps }, null, 2);
    }
    return renderRoadmap(steps, view);
  });
}
