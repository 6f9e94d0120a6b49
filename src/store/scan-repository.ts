/**
 * The scan store: one narrow interface over Prisma for everything a scan writes and
 * the CLI reads. A scan's results are written in one transaction, so a half-written
 * scan is never visible as a result.
 */
import type pg from 'pg';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { insertPartitionDocuments, linkManifests } from './partition-sql.js';
import { MANIFEST_KIND, type PartitionManifest } from './partition-manifest.js';
import { documentIndex, documentsByHash, queryViaPool, resolveKeys, type DocumentSelection } from './partition-reads.js';
import type { EvidenceItem } from '../evidence/snapshot.js';
import type { HttpStats } from '../http/types.js';
import { canonicalDocument, type CanonicalDocument } from '../evidence/content-hash.js';
import type { AlertPlan } from '../alerts/alert-plan.js';
import type { Adoption } from '../history/adoption.js';
import { writeAlertPlan } from './alert-store.js';
import type { CheckResult } from '../rules/types.js';
import type { AreaScore, CapabilityResult } from '../scoring/types.js';

export type ScanStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'aborted';
export type ScanTrigger = 'manual' | 'schedule' | 'startup';

export interface TenantRecord {
  id: string;
  displayName: string;
  cloud: string;
  schedule: string;
  timezone: string;
  enabled: boolean;
}

/** One collector's run: its HTTP accounting plus how it ended. */
export interface CollectorRunRecord extends HttpStats {
  collector: string;
  status: 'ok' | 'unavailable' | 'error';
  startedAt: Date;
  durationMs: number;
  errorCode?: string;
  errorMessage?: string;
}

export interface ScanResults {
  status: Exclude<ScanStatus, 'running'>;
  finishedAt: Date;
  collectorRuns: CollectorRunRecord[];
  evidence: EvidenceItem[];
  checkResults: CheckResult[];
  capabilityResults: CapabilityResult[];
  areaScores: AreaScore[];
  error?: string;
  /** Partition documents the scan stored while it collected (see {@link ScanRepository.putPartitions}). */
  partitions?: { stored: number; new: number };
  /** Adoption counts, for trends (src/history/adoption.ts). */
  adoption?: Adoption;
  /** The alerts this scan opens, reminds and resolves, written in the same transaction (the outbox). */
  alerts?: { tenantId: string; plan: AlertPlan; now: Date };
}

/**
 * A partition document of a running scan (e.g. one environment's inventory), already
 * canonicalized. Its key and hash go into the scan's manifest (see {@link ScanRepository.linkPartitions}).
 */
export interface PartitionDocument {
  key: string;
  /** The evidence family it belongs to (`inventory`), kept as the Evidence row's kind. */
  kind: string;
  doc: CanonicalDocument;
}

export interface SavedScan {
  scanId: number;
  evidenceCount: number;
  /** Evidence documents this scan stored for the first time (0 when nothing changed). */
  evidenceNew: number;
}

export interface ScanListItem {
  id: number;
  tenantId: string;
  trigger: ScanTrigger;
  status: ScanStatus;
  startedAt: Date;
  finishedAt: Date | null;
  ruleSetVersion: string;
  checksTotal: number;
  checksPassed: number;
  checksFailed: number;
  checksUnknown: number;
  evidenceCount: number;
  evidenceNew: number;
}

export interface ScanRepository {
  upsertTenant(tenant: TenantRecord): Promise<void>;
  startScan(input: { tenantId: string; trigger: ScanTrigger; ruleSetVersion: string; startedAt: Date }): Promise<number>;
  saveResults(scanId: number, results: ScanResults): Promise<SavedScan>;
  /** Ends a scan without results (failed or aborted), with the reason. */
  endScan(scanId: number, status: 'failed' | 'aborted', error: string, finishedAt: Date): Promise<void>;
  /**
   * Marks as aborted, with `reason`, every scan still `running` that no live lease covers: its
   * process died (or lost the tenant). A running scan is covered when its tenant's lease has not
   * expired at `now` and is for that scan (or, not yet attached to one, was taken before the scan
   * started). Safe to call at any time: a scan another live process is running is left alone.
   */
  abortOrphanedScans(now: Date, reason: string): Promise<number>;
  /** When the tenant's last scan that is no longer running started; null when there is none. */
  lastScanStart(tenantId: string): Promise<Date | null>;
  listScans(tenantId: string, limit?: number): Promise<ScanListItem[]>;
  /**
   * Stores documents of a running scan at once (content-addressed; a document seen before
   * is not stored again), not yet linked to the scan: {@link linkPartitions} links them.
   * Returns how many were new.
   */
  putPartitions(scanId: number, documents: readonly PartitionDocument[]): Promise<number>;
  /**
   * Links the scan's partition documents through their manifests (partition-manifest.ts):
   * stores each manifest and its one `scan_evidence` row, all in one transaction. Returns how
   * many manifests were new.
   */
  linkPartitions(scanId: number, manifests: readonly PartitionManifest[]): Promise<number>;
  /** The id of the tenant's last scan that finished with results (succeeded or partial), before `beforeScanId`. */
  lastFinishedScanId(tenantId: string, beforeScanId: number): Promise<number | null>;
  /**
   * The documents a scan stored under these keys, by key: evidence families and partition
   * documents, linked directly or through a manifest.
   */
  scanDocuments(scanId: number, keys: readonly string[]): Promise<Map<string, unknown>>;
  /**
   * The scan's partition documents (e.g. every environment's inventory) under the selected
   * keys, in key order, `batchSize` documents at a time, so a replay of 10,000 environments
   * never reads them in one query: the scan's key -> hash index first (small), then the
   * documents of each batch. Reads documents linked through manifests and, in databases
   * written before manifests, directly.
   */
  partitionDocuments(scanId: number, select: DocumentSelection, batchSize?: number): AsyncIterable<[key: string, content: unknown][]>;
  /** Evidence documents stored (manifests are bookkeeping, not evidence, and are not counted). */
  countEvidence(): Promise<number>;
}

/** Partition documents read per query by default: quick, and only one batch held at a time. */
export const PARTITION_READ_BATCH = 250;

export interface ScanRepositoryOptions {
  /** The database's node-postgres pool: partition documents are written through it (see partition-sql.ts). */
  pool: pg.Pool;
}

/** How long the save of a scan's results may wait for a connection and run (see saveResults). */
const SAVE_TRANSACTION = { maxWait: 60_000, timeout: 300_000 } as const;

export function createScanRepository(prisma: PrismaClient, options: ScanRepositoryOptions): ScanRepository {
  // Documents are read straight through node-postgres: Prisma converts every JSON value again.
  const query = queryViaPool(options.pool);
  return {
    async upsertTenant(tenant) {
      await prisma.tenant.upsert({ where: { id: tenant.id }, create: tenant, update: tenant });
    },

    async startScan(input) {
      const scan = await prisma.scan.create({
        data: { tenantId: input.tenantId, trigger: input.trigger, ruleSetVersion: input.ruleSetVersion, startedAt: input.startedAt },
        select: { id: true },
      });
      return scan.id;
    },

    async saveResults(scanId, results) {
      // Prisma's default limit on an interactive transaction is 5 s; a tenant of 10,000
      // environments on a loaded machine took 7.7 s to save, and a save that times out loses
      // the scan. All or nothing still holds: the limit only bounds a transaction left hanging.
      return prisma.$transaction(async (tx) => {
        const { evidenceNew, hashes } = await storeEvidence(tx, scanId, results.evidence);
        await tx.collectorRun.createMany({ data: results.collectorRuns.map((run) => ({ scanId, ...run })) });
        await tx.checkResult.createMany({
          data: results.checkResults.map((r) => ({
            scanId,
            checkId: r.checkId,
            checkVersion: r.checkVersion,
            title: r.title,
            capabilities: r.capabilities,
            severity: r.severity,
            outcome: r.outcome,
            message: r.message,
            actual: r.actual as Prisma.InputJsonValue,
            evidenceRefs: evidenceRefs(r.evidenceKeys, hashes),
          })),
        });
        await tx.capabilityResult.createMany({
          data: results.capabilityResults.map((c) => ({
            scanId,
            capabilityId: c.capabilityId,
            area: c.area,
            level: c.level,
            status: c.status,
            reason: c.reason,
            checks: c.checks as unknown as Prisma.InputJsonValue,
            ...(c.attestation ? { attestation: c.attestation as unknown as Prisma.InputJsonValue } : {}),
          })),
        });
        await tx.areaScore.createMany({
          data: results.areaScores.map((a) => ({
            scanId,
            area: a.area,
            level: a.level,
            maxLevel: a.maxLevel,
            met: a.met,
            total: a.total,
            unknown: a.unknown,
            summary: a.summary,
          })),
        });
        const count = (outcome: string) => results.checkResults.filter((r) => r.outcome === outcome).length;
        await tx.scan.update({
          where: { id: scanId },
          data: {
            status: results.status,
            finishedAt: results.finishedAt,
            checksTotal: results.checkResults.length,
            checksPassed: count('pass') + count('attested'),
            checksFailed: count('fail'),
            checksUnknown: count('unknown'),
            evidenceCount: results.evidence.filter((e) => e.status === 'ok').length + (results.partitions?.stored ?? 0),
            evidenceNew: evidenceNew + (results.partitions?.new ?? 0),
            requests: results.collectorRuns.reduce((sum, run) => sum + run.requests, 0),
            error: results.error ?? null,
            ...(results.adoption ? { adoption: results.adoption as unknown as Prisma.InputJsonValue } : {}),
          },
        });
        if (results.alerts) await writeAlertPlan(tx, results.alerts.tenantId, scanId, results.alerts.plan, results.alerts.now);
        return {
          scanId,
          evidenceCount: results.evidence.filter((e) => e.status === 'ok').length + (results.partitions?.stored ?? 0),
          evidenceNew: evidenceNew + (results.partitions?.new ?? 0),
        };
      }, SAVE_TRANSACTION);
    },

    async endScan(scanId, status, error, finishedAt) {
      await prisma.scan.updateMany({ where: { id: scanId, status: 'running' }, data: { status, error, finishedAt } });
    },

    async abortOrphanedScans(now, reason) {
      // One statement, so a lease taken meanwhile is either seen (and its scan kept) or its scan
      // is not yet visible either. Scan and lease are not related in the schema: raw SQL.
      return prisma.$executeRaw`
        UPDATE "scan" SET "status" = 'aborted', "error" = ${reason}, "finished_at" = ${now}::timestamptz
        WHERE "status" = 'running' AND NOT EXISTS (
          SELECT 1 FROM "scan_lease" AS l
          WHERE l."tenant_id" = "scan"."tenant_id" AND l."expires_at" >= ${now}::timestamptz
            AND (l."scan_id" = "scan"."id" OR (l."scan_id" IS NULL AND l."acquired_at" <= "scan"."started_at")))`;
    },

    async lastScanStart(tenantId) {
      const scan = await prisma.scan.findFirst({
        where: { tenantId, status: { not: 'running' } },
        orderBy: { startedAt: 'desc' },
        select: { startedAt: true },
      });
      return scan?.startedAt ?? null;
    },

    async listScans(tenantId, limit = 20) {
      return prisma.scan.findMany({
        where: { tenantId },
        orderBy: { id: 'desc' },
        take: limit,
        select: {
          id: true,
          tenantId: true,
          trigger: true,
          status: true,
          startedAt: true,
          finishedAt: true,
          ruleSetVersion: true,
          checksTotal: true,
          checksPassed: true,
          checksFailed: true,
          checksUnknown: true,
          evidenceCount: true,
          evidenceNew: true,
        },
      });
    },

    async putPartitions(_scanId, documents) {
      return documents.length === 0 ? 0 : insertPartitionDocuments(options.pool, documents);
    },

    async linkPartitions(scanId, manifests) {
      return manifests.length === 0 ? 0 : linkManifests(options.pool, scanId, manifests);
    },

    async lastFinishedScanId(tenantId, beforeScanId) {
      const scan = await prisma.scan.findFirst({
        where: { tenantId, id: { lt: beforeScanId }, status: { in: ['succeeded', 'partial'] } },
        orderBy: { id: 'desc' },
        select: { id: true },
      });
      return scan?.id ?? null;
    },

    async scanDocuments(scanId, keys) {
      const rows = await resolveKeys(query, scanId, keys, true);
      // `bytes` is null when no document is stored under the hash (the key was not collected).
      return new Map(rows.flatMap((row) => (row.status === 'ok' && row.bytes !== null ? [[row.key, row.content] as const] : [])));
    },

    async *partitionDocuments(scanId, select, batchSize = PARTITION_READ_BATCH) {
      const index = await documentIndex(query, scanId, select);
      for (let start = 0; start < index.length; start += batchSize) {
        const batch = index.slice(start, start + batchSize);
        const contents = await documentsByHash(query, batch.map(([, hash]) => hash));
        yield batch.flatMap(([key, hash]): [string, unknown][] => (contents.has(hash) ? [[key, contents.get(hash)]] : []));
      }
    },

    async countEvidence() {
      return prisma.evidence.count({ where: { kind: { not: MANIFEST_KIND } } });
    },
  };
}

/**
 * Stores each evidence document under the hash of its canonical JSON; a document seen
 * before is only referenced again. Returns how many documents were new.
 */
async function storeEvidence(
  tx: Prisma.TransactionClient,
  scanId: number,
  evidence: EvidenceItem[],
): Promise<{ evidenceNew: number; hashes: Map<string, string> }> {
  const documents = evidence.flatMap((item) => (item.status === 'ok' && item.data !== undefined ? [{ item, doc: canonicalDocument(item.data) }] : []));
  const { count: evidenceNew } = await tx.evidence.createMany({
    data: documents.map(({ item, doc }) => ({ hash: doc.hash, kind: item.key, content: JSON.parse(doc.json) as Prisma.InputJsonValue, bytes: doc.bytes })),
    skipDuplicates: true,
  });
  const hashes = new Map(documents.map(({ item, doc }) => [item.key, doc.hash]));
  await tx.scanEvidence.createMany({
    data: evidence.map((item) => ({
      scanId,
      key: item.key,
      status: item.status,
      evidenceHash: hashes.get(item.key) ?? null,
      reason: item.reason ?? null,
      errorCode: item.errorCode ?? null,
      collectedAt: new Date(item.collectedAt),
    })),
  });
  return { evidenceNew, hashes };
}

/**
 * What a check result points at: `key:sha256` of each evidence document it read, so the
 * exact documents behind a verdict can be found again; just `key` for evidence that was
 * not collected in that scan.
 */
export function evidenceRefs(keys: readonly string[], hashes: ReadonlyMap<string, string>): string[] {
  return keys.map((key) => {
    const hash = hashes.get(key);
    return hash ? `${key}:${hash}` : key;
  });
}
