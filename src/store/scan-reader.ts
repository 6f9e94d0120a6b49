/**
 * Reads a stored scan back: its levels, capability statuses and check results as they were
 * judged, and its evidence families as a snapshot (replayable through a newer rule set, and
 * enough for crosswalks such as SCuBA). Reports (`ppmat roadmap`, `ppmat scuba`) read the last
 * scan instead of calling the admin APIs again; history and the API read any scan.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { EVIDENCE_KEYS, type EvidenceKey } from '../evidence/schemas.js';
import type { EvidenceItem, EvidenceSnapshot } from '../evidence/snapshot.js';
import type { CheckResult, Outcome, Severity } from '../rules/types.js';
import type { Area, AreaScore, Attestation, CapabilityResult, CapabilityStatus, Level } from '../scoring/types.js';
import type { ScanStatus, ScanTrigger } from './scan-repository.js';

export interface StoredScan {
  id: number;
  tenantId: string;
  tenantName: string;
  trigger: ScanTrigger;
  status: ScanStatus;
  ruleSetVersion: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  areaScores: AreaScore[];
  capabilityResults: CapabilityResult[];
  /** As stored: the remediation text lives in the rule set, not in every result. */
  checkResults: CheckResult[];
  /** The evidence families (not the per-environment inventory documents), with their content. */
  snapshot: EvidenceSnapshot;
}

export interface ScanReader {
  /** The tenant's most recent scan that finished with results (succeeded or partial), or null. */
  latestResultScanId(tenantId: string): Promise<number | null>;
  /** The scan with its results and evidence families, or null when there is no such scan. */
  loadScan(scanId: number): Promise<StoredScan | null>;
  /** The tenant's scans with results before `beforeScanId`, newest first, with the evidence families each collected. */
  recentResultScans(tenantId: string, beforeScanId: number, limit: number): Promise<{ id: number; okFamilies: string[] }[]>;
}

const FAMILIES = new Set<string>(EVIDENCE_KEYS);

export function createScanReader(prisma: PrismaClient): ScanReader {
  return {
    async latestResultScanId(tenantId) {
      const scan = await prisma.scan.findFirst({
        where: { tenantId, status: { in: ['succeeded', 'partial'] } },
        orderBy: [{ finishedAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      });
      return scan?.id ?? null;
    },

    async recentResultScans(tenantId, beforeScanId, limit) {
      const scans = await prisma.scan.findMany({
        where: { tenantId, id: { lt: beforeScanId }, status: { in: ['succeeded', 'partial'] } },
        orderBy: { id: 'desc' },
        take: limit,
        select: { id: true, evidence: { where: { key: { in: [...EVIDENCE_KEYS] }, status: 'ok' }, select: { key: true } } },
      });
      return scans.map((scan) => ({ id: scan.id, okFamilies: scan.evidence.map((e) => e.key).sort() }));
    },

    async loadScan(scanId) {
      const scan = await prisma.scan.findUnique({
        where: { id: scanId },
        include: {
          tenant: { select: { displayName: true } },
          areaScores: { orderBy: { id: 'asc' } },
          capabilityResults: { orderBy: { id: 'asc' } },
          checkResults: { orderBy: { id: 'asc' } },
          evidence: { where: { key: { in: [...EVIDENCE_KEYS] } }, include: { evidence: { select: { content: true } } } },
        },
      });
      if (!scan) return null;
      const evidence: EvidenceSnapshot['evidence'] = {};
      for (const row of scan.evidence) {
        if (!FAMILIES.has(row.key)) continue;
        const item: EvidenceItem = {
          key: row.key as EvidenceKey,
          status: row.status === 'ok' ? 'ok' : row.status === 'unavailable' ? 'unavailable' : 'error',
          collectedAt: row.collectedAt.toISOString(),
          ...(row.evidence ? { data: row.evidence.content as never } : {}),
          ...(row.reason !== null ? { reason: row.reason } : {}),
          ...(row.errorCode !== null ? { errorCode: row.errorCode } : {}),
        };
        (evidence as Record<string, EvidenceItem>)[row.key] = item;
      }
      return {
        id: scan.id,
        tenantId: scan.tenantId,
        tenantName: scan.tenant.displayName,
        trigger: scan.trigger,
        status: scan.status,
        ruleSetVersion: scan.ruleSetVersion,
        startedAt: scan.startedAt,
        finishedAt: scan.finishedAt,
        error: scan.error,
        areaScores: scan.areaScores.map((a) => ({
          area: a.area as Area,
          level: a.level as Level,
          maxLevel: a.maxLevel as Level,
          met: a.met,
          total: a.total,
          unknown: a.unknown,
          summary: a.summary,
        })),
        capabilityResults: scan.capabilityResults.map(capabilityResultFromRow),
        checkResults: scan.checkResults.map(checkResultFromRow),
        snapshot: { tenantId: scan.tenantId, collectedAt: (scan.finishedAt ?? scan.startedAt).toISOString(), evidence },
      };
    },
  };
}

/** A stored capability_result row as the scoring types read it. */
export function capabilityResultFromRow(row: { capabilityId: string; area: string; level: number; status: string; reason: string; checks: unknown; attestation: unknown }): CapabilityResult {
  return {
    capabilityId: row.capabilityId,
    area: row.area as Area,
    level: row.level as Level,
    status: row.status as CapabilityStatus,
    reason: row.reason,
    checks: row.checks as CapabilityResult['checks'],
    ...(row.attestation !== null && row.attestation !== undefined ? { attestation: row.attestation as Attestation } : {}),
  };
}

/** A stored check_result row as the rules' types read it (`evidenceKeys` from its `key:sha256` references). */
export function checkResultFromRow(row: {
  checkId: string;
  checkVersion: number;
  title: string;
  capabilities: string[];
  severity: string;
  outcome: string;
  message: string;
  actual: unknown;
  evidenceRefs: string[];
}): CheckResult {
  return {
    checkId: row.checkId,
    checkVersion: row.checkVersion,
    title: row.title,
    capabilities: row.capabilities,
    severity: row.severity as Severity,
    outcome: row.outcome as Outcome,
    message: row.message,
    actual: row.actual as Record<string, unknown>,
    evidenceKeys: row.evidenceRefs.map((ref) => ref.split(':')[0] ?? ref),
  };
}
