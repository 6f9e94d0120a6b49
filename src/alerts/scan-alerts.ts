/**
 * Plans a scan's alerts: compares it with the tenant's last finished scan (regressions,
 * evidence changes), looks at the open alerts and the run of degraded scans, and returns the
 * plan the results transaction writes. Reads only; see alert-plan.ts for the rules.
 */
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import type { EvidenceChange } from '../history/evidence-change.js';
import type { AlertStore } from '../store/alert-store.js';
import type { ScanReader } from '../store/scan-reader.js';
import { planAlerts, type AlertPlan, type AlertPolicy } from './alert-plan.js';
import { detectRegressions, type JudgedScan } from './regressions.js';

export interface ScanAlertDeps {
  alertStore: AlertStore;
  reader: ScanReader;
  policy: AlertPolicy;
  diffEvidence: (before: EvidenceSnapshot, after: EvidenceSnapshot) => EvidenceChange[];
  areaNames: ReadonlyMap<string, string>;
  /** Statement text by capability id, for titles. */
  statements: ReadonlyMap<string, string>;
}

export interface ScanForAlerts {
  tenant: { id: string; displayName: string };
  scanId: number;
  now: Date;
  status: 'succeeded' | 'partial' | 'failed' | 'aborted';
  /** The judgement and snapshot, or null when the scan failed before judging. */
  judged: (JudgedScan & { snapshot: EvidenceSnapshot }) | null;
  reason?: string | undefined;
}

/** How far back a comparable scan is looked for. */
const COMPARABLE_LOOKBACK = 30;

/**
 * The last scan this one can be compared with: one that collected every evidence family this
 * one did. After nights of 403s, the recovered night compares with the last night that saw
 * what it sees, not with a night whose unknowns an attestation had filled in (that would read
 * "met, then not met" where nothing changed).
 */
export async function comparableScanId(reader: ScanReader, tenantId: string, scanId: number, okFamilies: readonly string[]): Promise<number | null> {
  for (const candidate of await reader.recentResultScans(tenantId, scanId, COMPARABLE_LOOKBACK)) {
    const had = new Set(candidate.okFamilies);
    if (okFamilies.every((family) => had.has(family))) return candidate.id;
  }
  return null;
}

export async function planScanAlerts(deps: ScanAlertDeps, scan: ScanForAlerts): Promise<AlertPlan> {
  const okFamilies = scan.judged ? Object.values(scan.judged.snapshot.evidence).flatMap((item) => (item?.status === 'ok' ? [item.key] : [])) : [];
  const previousId = scan.judged ? await comparableScanId(deps.reader, scan.tenant.id, scan.scanId, okFamilies) : null;
  const previous = previousId === null ? null : await deps.reader.loadScan(previousId);
  const evidenceChanges = previous && scan.judged ? deps.diffEvidence(previous.snapshot, scan.judged.snapshot) : [];
  const regressions =
    previous && scan.judged
      ? detectRegressions({
          previous: { scanId: previous.id, ruleSetVersion: previous.ruleSetVersion, areaScores: previous.areaScores, capabilityResults: previous.capabilityResults, checkResults: previous.checkResults },
          current: scan.judged,
          evidenceChanges,
          areaNames: deps.areaNames,
          statements: deps.statements,
        })
      : [];
  const degraded = scan.status !== 'succeeded';
  let streak = 0;
  if (degraded) {
    const before = await deps.alertStore.recentStatuses(scan.tenant.id, scan.scanId, deps.policy.degradedAfter);
    const run = before.findIndex((status) => status === 'succeeded');
    streak = 1 + (run === -1 ? before.length : run);
  }
  return planAlerts({
    tenant: scan.tenant,
    scanId: scan.scanId,
    now: scan.now,
    current: scan.judged,
    regressions,
    evidenceChanges,
    degradedStreak: streak,
    degradedReason: scan.reason,
    open: await deps.alertStore.openAlerts(scan.tenant.id),
    policy: deps.policy,
  });
}
