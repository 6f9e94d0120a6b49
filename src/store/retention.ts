/**
 * Applies the retention policy (src/history/retention-policy.ts) to the store: reads every
 * scan's id, tenant, status and times, plans with the pure planner, deletes the planned scans
 * (their results and evidence links go with them, by cascade), then deletes the evidence
 * documents no scan references any more. A document a kept scan still references is never
 * deleted: evidence is content-addressed and shared between scans.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { planRetention, type RetentionPlan, type RetentionPolicy } from '../history/retention-policy.js';

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
  /** Evidence documents deleted (in a dry run: that no kept scan references, so would be). */
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
        const orphaned = await prisma.evidence.count({ where: { scans: { none: ids.length > 0 ? { scanId: { notIn: ids } } : {} } } });
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
 * Deletes evidence documents no scan references, in one statement that also refuses while a
 * scan runs: a running scan may have found a document already stored and be about to link it.
 */
async function sweepEvidence(prisma: PrismaClient): Promise<number> {
  return prisma.$executeRaw`
    DELETE FROM "evidence" e
    WHERE NOT EXISTS (SELECT 1 FROM "scan_evidence" se WHERE se."evidence_hash" = e."hash")
      AND NOT EXISTS (SELECT 1 FROM "scan" s WHERE s."status" = 'running')`;
}
