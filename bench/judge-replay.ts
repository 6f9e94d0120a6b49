/**
 * The judge step of a stored scan, replayed and timed: its evidence families (ScanReader's
 * loadScan) and its partition documents (the inventory of each environment) are read back
 * from the store, then {@link evaluateSnapshot} runs on them `repeat` times: derive the facts
 * (the inventory fact folded from the documents, as a replay must; a scan folds it while it
 * collects), evaluate every check, score statements and levels. Reading is timed apart: it
 * is storage, not judging.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import type { App } from '../src/cli/app.js';
import { INVENTORY_PARTITION_PREFIX, OWNERS_PARTITION_KEY } from '../src/evidence/inventory.schemas.js';
import type { ResolvedParameters } from '../src/rules/parameters.js';
import { evaluateSnapshot, type Judgement } from '../src/scheduler/evaluate-snapshot.js';
import type { ScoringOptions } from '../src/scoring/score-areas.js';
import type { Attestation } from '../src/scoring/types.js';
import { median } from './stats.js';

/** Partition documents read per query: large enough to be quick, small enough to hold two batches at once. */
const READ_BATCH = 250;

/** The partition documents a replay reads: every environment's inventory and the owner directory (through the scan's manifests, or direct rows of older databases). */
const PARTITIONS = { prefix: INVENTORY_PARTITION_PREFIX, keys: [OWNERS_PARTITION_KEY] };

export interface ReplayOptions {
  repeat: number;
  attestations: Attestation[];
  parameters?: ResolvedParameters;
  scoring?: ScoringOptions;
}

export interface ReplayTiming {
  /** Reading the families and partition documents back (storage, not judging). */
  loadSeconds: number;
  partitionDocuments: number;
  /** Each judge step, in order. */
  seconds: number[];
  medianSeconds: number;
  checks: number;
  statements: number;
  /** Checks whose outcome, and areas whose level, differ from what the scan stored (0 when the replay agrees). */
  disagreements: string[];
}

export async function replayJudgement(app: App, scanId: number, options: ReplayOptions): Promise<ReplayTiming> {
  const started = performance.now();
  const stored = await app.reader.loadScan(scanId);
  if (!stored) throw new Error(`scan #${scanId} is not stored`);
  const partitions: Record<string, unknown> = {};
  for await (const batch of app.store.partitionDocuments(scanId, PARTITIONS, READ_BATCH)) {
    for (const [key, content] of batch) partitions[key] = content;
  }
  const loadSeconds = (performance.now() - started) / 1000;

  const snapshot = { ...stored.snapshot, partitions };
  const now = stored.finishedAt ?? stored.startedAt;
  const seconds: number[] = [];
  let judgement: Judgement | undefined;
  // PPMAT_BENCH_CPUPROFILE=file: a CPU profile of the judge steps alone (open it in Chrome's DevTools).
  const profileTo = process.env.PPMAT_BENCH_CPUPROFILE;
  const inspector = profileTo ? new Session() : null;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  for (let i = 0; i < options.repeat; i++) {
    // Fresh evidence objects each time, as a real scan has: the CEL conversion is cached per object.
    const fresh = { ...snapshot, evidence: structuredClone(snapshot.evidence) };
    const t0 = performance.now();
    judgement = evaluateSnapshot(app.ruleSet, fresh, options.attestations, now, {
      ...(options.parameters ? { parameters: options.parameters } : {}),
      ...(options.scoring ? { scoring: options.scoring } : {}),
    });
    seconds.push((performance.now() - t0) / 1000);
  }
  if (inspector && profileTo) {
    const { profile } = await inspector.post('Profiler.stop');
    await writeFile(profileTo, JSON.stringify(profile));
    inspector.disconnect();
  }
  return {
    loadSeconds,
    partitionDocuments: Object.keys(partitions).length,
    seconds,
    medianSeconds: median(seconds),
    checks: app.ruleSet.checks.length,
    statements: app.ruleSet.catalogue.length,
    disagreements: judgement ? disagreements(stored, judgement) : [],
  };
}

function disagreements(stored: Judgement, replayed: Judgement): string[] {
  const out: string[] = [];
  const outcomes = new Map(stored.checkResults.map((r) => [r.checkId, r.outcome]));
  for (const r of replayed.checkResults) if (outcomes.get(r.checkId) !== r.outcome) out.push(`check ${r.checkId}: stored ${outcomes.get(r.checkId) ?? 'none'}, replayed ${r.outcome}`);
  const levels = new Map(stored.areaScores.map((a) => [a.area, a.level]));
  for (const a of replayed.areaScores) if (levels.get(a.area) !== a.level) out.push(`area ${a.area}: stored ${levels.get(a.area) ?? 'none'}, replayed ${a.level}`);
  return out;
}
