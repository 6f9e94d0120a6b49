/**
 * Narrow reads of one stored scan for the HTTP API and dashboard: a page needs a scan's
 * levels, or one capability with the checks and evidence behind it, never the whole scan
 * with every evidence document (which {@link ScanReader.loadScan} reads for replays).
 * Evidence content is read only where asked for, and large documents are left to their own
 * route, so a capability page stays fast on a tenant of 10,000 environments.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import type { CheckResult, Outcome, Severity } from '../rules/types.js';
import type { CapabilityResult } from '../scoring/types.js';
import { documentsByHash, queryViaPrisma, resolveKeys, type ResolvedKey } from './partition-reads.js';
import { capabilityResultFromRow, checkResultFromRow } from './scan-reader.js';
import type { ScanListItem } from './scan-repository.js';

export interface ScanHeader extends ScanListItem {
  tenantName: string;
  error: string | null;
  requests: number;
  collectors: { collector: string; status: string; durationMs: number; requests: number; throttled: number; errorCode: string | null; errorMessage: string | null }[];
  areaScores: { area: string; level: number; maxLevel: number; met: number; total: number; unknown: number; summary: string }[];
}

export interface StoredCheck {
  checkId: string;
  title: string;
  severity: Severity;
  outcome: Outcome;
  message: string;
  actual: Record<string, unknown>;
  /** `key` and the hash of the document it read (null when the evidence was not collected). */
  evidence: { key: string; hash: string | null }[];
}

/** What a scan holds under one key (see ResolvedKey: for a manifest-listed document, `collectedAt` is its manifest link's time). */
export type EvidenceMeta = Omit<ResolvedKey, 'via' | 'content'>;

export interface ScanDetailReader {
  /** The tenant's scans (any status), newest first, before the scan `beforeId` when given. */
  listScans(tenantId: string, limit: number, beforeId?: number): Promise<ScanListItem[]>;
  /** The scan with its collectors and area scores, or null. */
  header(scanId: number): Promise<ScanHeader | null>;
  /** Every capability result of the scan (`area` narrows it). */
  capabilities(scanId: number, area?: string): Promise<CapabilityResult[]>;
  /** One capability result, or null when the scan did not judge it. */
  capability(scanId: number, capabilityId: string): Promise<CapabilityResult | null>;
  /** The scan's check results with these ids. */
  checks(scanId: number, checkIds: readonly string[]): Promise<StoredCheck[]>;
  /** Every check result of the scan, as the scoring and roadmap read them. */
  checkResults(scanId: number): Promise<CheckResult[]>;
  /**
   * What the scan holds under these evidence keys (without content): families, and partition
   * documents such as `inventory:<environment>` whether linked directly or through a manifest.
   */
  evidenceMeta(scanId: number, keys: readonly string[]): Promise<EvidenceMeta[]>;
  /** The content of evidence documents by hash. */
  evidenceContent(hashes: readonly string[]): Promise<Map<string, unknown>>;
}

export function createScanDetailReader(prisma: PrismaClient): ScanDetailReader {
  const query = queryViaPrisma(prisma);
  return {
    async listScans(tenantId, limit, beforeId) {
      return prisma.scan.findMany({
        where: { tenantId, ...(beforeId !== undefined ? { id: { lt: beforeId } } : {}) },
        orderBy: { id: 'desc' },
        take: limit,
        omit: { error: true, requests: true, adoption: true },
      });
    },

    async header(scanId) {
      const scan = await prisma.scan.findUnique({
        where: { id: scanId },
        include: {
          tenant: { select: { displayName: true } },
          areaScores: { orderBy: { id: 'asc' } },
          collectorRuns: { orderBy: { id: 'asc' } },
        },
      });
      if (!scan) return null;
      return {
        id: scan.id,
        tenantId: scan.tenantId,
        tenantName: scan.tenant.displayName,
        trigger: scan.trigger,
        status: scan.status,
        startedAt: scan.startedAt,
        finishedAt: scan.finishedAt,
        ruleSetVersion: scan.ruleSetVersion,
        checksTotal: scan.checksTotal,
        checksPassed: scan.checksPassed,
        checksFailed: scan.checksFailed,
        checksUnknown: scan.checksUnknown,
        evidenceCount: scan.evidenceCount,
        evidenceNew: scan.evidenceNew,
        error: scan.error,
        requests: scan.requests,
        collectors: scan.collectorRuns.map((run) => ({
          collector: run.collector,
          status: run.status,
          durationMs: run.durationMs,
          requests: run.requests,
          throttled: run.throttled,
          errorCode: run.errorCode,
          errorMessage: run.errorMessage,
        })),
        areaScores: scan.areaScores.map(({ area, level, maxLevel, met, total, unknown, summary }) => ({ area, level, maxLevel, met, total, unknown, summary })),
      };
    },

    async capabilities(scanId, area) {
      const rows = await prisma.capabilityResult.findMany({ where: { scanId, ...(area ? { area } : {}) }, orderBy: { id: 'asc' } });
      return rows.map(capabilityResultFromRow);
    },

    async capability(scanId, capabilityId) {
      const row = await prisma.capabilityResult.findUnique({ where: { scanId_capabilityId: { scanId, capabilityId } } });
      return row ? capabilityResultFromRow(row) : null;
    },

    async checks(scanId, checkIds) {
      if (checkIds.length === 0) return [];
      const rows = await prisma.checkResult.findMany({ where: { scanId, checkId: { in: [...checkIds] } }, orderBy: { id: 'asc' } });
      return rows.map((row) => ({
        checkId: row.checkId,
        title: row.title,
        severity: row.severity as Severity,
        outcome: row.outcome as Outcome,
        message: row.message,
        actual: row.actual as Record<string, unknown>,
        evidence: row.evidenceRefs.map((ref) => {
          const colon = ref.indexOf(':');
          return colon < 0 ? { key: ref, hash: null } : { key: ref.slice(0, colon), hash: ref.slice(colon + 1) };
        }),
      }));
    },

    async checkResults(scanId) {
      return (await prisma.checkResult.findMany({ where: { scanId }, orderBy: { id: 'asc' } })).map(checkResultFromRow);
    },

    async evidenceMeta(scanId, keys) {
      // Families and legacy partition rows directly; partition documents through their manifest
      // (whose link's collected_at stands for the document's: see ResolvedKey.collectedAt).
      const rows = await resolveKeys(query, scanId, keys);
      return rows.map(({ key, status, hash, bytes, reason, errorCode, collectedAt }) => ({ key, status, hash, bytes, reason, errorCode, collectedAt }));
    },

    async evidenceContent(hashes) {
      return documentsByHash(query, hashes);
    },
  };
}
