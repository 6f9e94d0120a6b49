/**
 * Applies the retention policy (src/history/retention-policy.ts) to the store: reads every
 * scan's id, tenant, status and times, plans with the pure planner, deletes the planned scans
 * (their results and evidence links go with them, by cascade), then deletes the evidence
 * documents no scan references any more. A document a kept scan still references, directly
 * or through one of its partition manifests (src/store/partition-manifest.ts), is never
 * deleted: evidence is content-addressed and shared between scans. The documents of a scan
 * that died before linking them (no manifest names them) are swept like any other.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { planRetention, type RetentionPlan, type RetentionPolicy } from '../history/retention-policy.js';
import { MANIFEST_KEY_PREFIX, MANIFEST_KIND } from './partition-manifest.js';

export interface PruneOptions {
  policy: RetentionPolicy;
  now: Date;
  /** Plan and count, delete nothing. */
  dryRun?: boolean;
}

export interface PruneResult {
  plan: RetentionPlan;
  dryRun: boolean;
  /** Scans deleted (in a dry run: that would be). */
  deletedScans: number;
  /** Evidence documents deleted, manifests included (in a dry run: that no kept scan references, so would be). */
  deletedEvidence: number;
  /** Why the evidence sweep did not run, when it did not. */
  sweepSkipped?: string;
}

export interface Retention {
  prune(options: PruneOptions): Promise<PruneResult>;
}

/** Scans deleted per statement, so one statement never carries tens of thousands of ids. */
const DELETE_BATCH = 1000;

export function createRetention(prisma: PrismaClient): Retention {
  return {
    async prune({ policy, now, dryRun = false }) {
      const [scans, alerts] = await Promise.all([
        prisma.scan.findMany({ select: { id: true, tenantId: true, status: true, startedAt: true, finishedAt: true } }),
        prisma.alert.findMany({ where: { status: 'open' }, select: { openedScanId: true, lastScanId: true } }),
      ]);
      const pinned = new Set(alerts.flatMap((a) => [a.openedScanId, a.lastScanId]));
      const plan = planRetention(scans, policy, now, pinned);
      const ids = plan.delete.map((d) => d.scanId);
      if (dryRun) {
        const [{ orphaned }] = await prisma.$queryRawUnsafe<[{ orphaned: number }]>(`SELECT count(*)::int AS "orphaned" FROM "evidence" e WHERE ${UNREFERENCED}`, ids);
        return { plan, dryRun, deletedScans: ids.length, deletedEvidence: orphaned };
      }
      let deletedScans = 0;
      for (let i = 0; i < ids.length; i += DELETE_BATCH) {
        const { count } = await prisma.scan.deleteMany({ where: { id: { in: ids.slice(i, i + DELETE_BATCH) } } });
        deletedScans += count;
      }
      const running = await prisma.scan.findFirst({ where: { status: 'running' }, select: { id: true } });
      if (running) {
        return { plan, dryRun, deletedScans, deletedEvidence: 0, sweepSkipped: `scan #${running.id} is running and may be linking evidence documents; the next prune sweeps them.` };
      }
      return { plan, dryRun, deletedScans, deletedEvidence: await sweepEvidence(prisma) };
    },
  };
}

/**
 * The condition on an evidence row `e` that no scan references it, other than the scans `$1`
 * (an int[] of scans about to be deleted): neither a `scan_evidence` row links it nor does a
 * manifest that a `scan_evidence` row links list it. Manifests are expanded once each
 * (unchanged scans share them), so the set of listed documents is small next to the links.
 */
const UNREFERENCED = `
  NOT EXISTS (SELECT 1 FROM "scan_evidence" se WHERE se."evidence_hash" = e."hash" AND NOT (se."scan_id" = ANY($1::int[])))
  AND NOT EXISTS (
    SELECT 1 FROM (
      SELECT DISTINCT x."value" AS "hash"
      FROM (
        SELECT DISTINCT l."evidence_hash" AS "hash" FROM "scan_evidence" l
        WHERE starts_with(l."key", '${MANIFEST_KEY_PREFIX}') AND l."evidence_hash" IS NOT NULL AND NOT (l."scan_id" = ANY($1::int[]))
      ) links
      JOIN "evidence" m ON m."hash" = links."hash" AND m."kind" = '${MANIFEST_KIND}'
      CROSS JOIN LATERAL jsonb_each_text(m."content"->'entries') AS x
    ) listed
    WHERE listed."hash" = e."hash")`;

/**
 * Deletes evidence documents no scan references, in one statement that also refuses while a
 * scan runs: a running scan stores documents before its manifests link them, and may have
 * found a document already stored and be about to link it.
 */
async function sweepEvidence(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRawUnsafe(
    `DELETE FROM "evidence" e WHERE ${UNREFERENCED} AND NOT EXISTS (SELECT 1 FROM "scan" s WHERE s."status" = 'running')`,
    [] as number[],
  );
}
