/**
 * What changed between two scans of a tenant: the levels that moved, the capability
 * statements that flipped (with the new reason), the checks whose outcome changed (with their
 * messages), and the evidence changes behind them. Pure: two stored scans and the rule set in,
 * one explanation out. `ppmat diff` prints it; the API serves it.
 */
import type { RuleSet } from '../rules/rule-set.js';
import type { Outcome, Severity } from '../rules/types.js';
import type { Area, AreaScore, CapabilityStatus, Level } from '../scoring/types.js';
import type { StoredScan } from '../store/scan-reader.js';
import type { Adoption } from './adoption.js';
import { diffAdoption } from './adoption-diff.js';
import type { EvidenceChange } from './evidence-change.js';
import { diffEvidence, orderChanges } from './evidence-diff.js';

/** A stored scan, with its adoption counts when they were read (the scan reader does not carry them). */
export type DiffableScan = StoredScan & { adoption?: Adoption | null };

export interface ScanRef {
  id: number;
  status: StoredScan['status'];
  /** When it finished (or started, for a scan that never finished), ISO. */
  at: string;
  ruleSetVersion: string;
}

export type Movement = 'up' | 'down';

export interface LevelMove {
  area: Area;
  areaName: string;
  from: { level: Level; maxLevel: Level };
  to: { level: Level; maxLevel: Level };
  /** `up`/`down` by the level; when only the range moved, by its upper end. */
  direction: Movement;
  /** "Security fell from 400 to 100 (range 400-500 → 100-200)." */
  label: string;
}

export interface CapabilityFlip {
  capabilityId: string;
  area: Area;
  level: Level;
  statement: string;
  /** Null when the statement was not judged in that scan (a rule set added or dropped it). */
  from: CapabilityStatus | null;
  to: CapabilityStatus | null;
  direction: Movement;
  /** Why it has its new status (the later scan's reason). */
  reason: string;
  label: string;
}

export interface CheckChange {
  checkId: string;
  title: string;
  severity: Severity;
  from: Outcome | null;
  to: Outcome | null;
  direction: Movement;
  beforeMessage: string | null;
  message: string | null;
  label: string;
}

export interface ScanDiff {
  tenantId: string;
  tenantName: string;
  before: ScanRef;
  after: ScanRef;
  /**
   * The two scans were judged by different rule sets (or parameters): levels, capabilities and
   * checks may have moved because the rules changed, not the tenant. Evidence changes hold anyway.
   */
  ruleSetChanged: boolean;
  levels: LevelMove[];
  capabilities: CapabilityFlip[];
  checks: CheckChange[];
  evidence: EvidenceChange[];
}

export function diffScans(before: DiffableScan, after: DiffableScan, ruleSet: Pick<RuleSet, 'areas' | 'catalogue'>): ScanDiff {
  const areaNames = new Map<string, string>(ruleSet.areas.map((a) => [a.id, a.name]));
  const areaOrder = new Map<string, number>(ruleSet.areas.map((a, index) => [a.id, index]));
  return {
    tenantId: after.tenantId,
    tenantName: after.tenantName,
    before: ref(before),
    after: ref(after),
    ruleSetChanged: before.ruleSetVersion !== after.ruleSetVersion,
    levels: levelMoves(before.areaScores, after.areaScores, areaNames, areaOrder),
    capabilities: capabilityFlips(before, after, ruleSet.catalogue, areaOrder),
    checks: checkChanges(before, after),
    evidence: orderChanges([...diffEvidence(before.snapshot, after.snapshot), ...diffAdoption(before.adoption ?? null, after.adoption ?? null)]),
  };
}

function ref(scan: DiffableScan): ScanRef {
  return { id: scan.id, status: scan.status, at: (scan.finishedAt ?? scan.startedAt).toISOString(), ruleSetVersion: scan.ruleSetVersion };
}

const range = (score: Pick<AreaScore, 'level' | 'maxLevel'>): string => (score.maxLevel > score.level ? `${score.level}-${score.maxLevel}` : String(score.level));

function levelMoves(before: readonly AreaScore[], after: readonly AreaScore[], names: ReadonlyMap<string, string>, order: ReadonlyMap<string, number>): LevelMove[] {
  const was = new Map(before.map((a) => [a.area, a]));
  const moves: LevelMove[] = [];
  for (const now of after) {
    const old = was.get(now.area);
    if (!old || (old.level === now.level && old.maxLevel === now.maxLevel)) continue;
    const areaName = names.get(now.area) ?? now.area;
    const direction: Movement = now.level !== old.level ? (now.level > old.level ? 'up' : 'down') : now.maxLevel > old.maxLevel ? 'up' : 'down';
    const verb = now.level > old.level ? 'rose' : 'fell';
    const label =
      now.level !== old.level
        ? `${areaName} ${verb} from ${old.level} to ${now.level} (range ${range(old)} → ${range(now)}).`
        : `${areaName} stayed at ${now.level}; its range moved from ${range(old)} to ${range(now)}.`;
    moves.push({ area: now.area, areaName, from: { level: old.level, maxLevel: old.maxLevel }, to: { level: now.level, maxLevel: now.maxLevel }, direction, label });
  }
  return moves.sort((a, b) => (order.get(a.area) ?? 0) - (order.get(b.area) ?? 0));
}

/** How far a status is from met: a move to a higher rank is up. */
const STATUS_RANK: Record<CapabilityStatus, number> = { not_met: 0, unknown: 1, indicated: 2, met: 3 };
const STATUS_WORDS: Record<CapabilityStatus, string> = { met: 'met', indicated: 'indicated', not_met: 'not met', unknown: 'unknown' };

function capabilityFlips(before: DiffableScan, after: DiffableScan, catalogue: RuleSet['catalogue'], areaOrder: ReadonlyMap<string, number>): CapabilityFlip[] {
  const statements = new Map(catalogue.map((c) => [c.id, c.statement]));
  const was = new Map(before.capabilityResults.map((c) => [c.capabilityId, c]));
  const now = new Map(after.capabilityResults.map((c) => [c.capabilityId, c]));
  const ids = [...new Set([...was.keys(), ...now.keys()])];
  const flips: CapabilityFlip[] = [];
  for (const id of ids) {
    const old = was.get(id);
    const current = now.get(id);
    const from = old?.status ?? null;
    const to = current?.status ?? null;
    if (from === to) continue;
    const subject = (current ?? old)!;
    const statement = statements.get(id) ?? id;
    const direction: Movement = (to === null ? -1 : STATUS_RANK[to]) > (from === null ? -1 : STATUS_RANK[from]) ? 'up' : 'down';
    const reason = current?.reason ?? 'The statement is no longer judged: the rule set does not have it.';
    flips.push({
      capabilityId: id,
      area: subject.area,
      level: subject.level,
      statement,
      from,
      to,
      direction,
      reason,
      label: `${id} (${statement}): ${from === null ? 'not judged' : STATUS_WORDS[from]} → ${to === null ? 'not judged' : STATUS_WORDS[to]}. ${reason}`,
    });
  }
  return flips.sort((a, b) => (areaOrder.get(a.area) ?? 0) - (areaOrder.get(b.area) ?? 0) || a.level - b.level || (a.capabilityId < b.capabilityId ? -1 : 1));
}

/** How far an outcome is from met: a move to a higher rank is up. */
const OUTCOME_RANK: Record<Outcome, number> = { fail: 0, unknown: 1, not_applicable: 2, pass: 3, attested: 3 };

function checkChanges(before: DiffableScan, after: DiffableScan): CheckChange[] {
  const was = new Map(before.checkResults.map((r) => [r.checkId, r]));
  const now = new Map(after.checkResults.map((r) => [r.checkId, r]));
  const ids = [...new Set([...was.keys(), ...now.keys()])].sort();
  const changes: CheckChange[] = [];
  for (const id of ids) {
    const old = was.get(id);
    const current = now.get(id);
    const from = old?.outcome ?? null;
    const to = current?.outcome ?? null;
    if (from === to) continue;
    const subject = (current ?? old)!;
    const direction: Movement = (to === null ? -1 : OUTCOME_RANK[to]) > (from === null ? -1 : OUTCOME_RANK[from]) ? 'up' : 'down';
    const message = current?.message ?? null;
    changes.push({
      checkId: id,
      title: subject.title,
      severity: subject.severity,
      from,
      to,
      direction,
      beforeMessage: old?.message ?? null,
      message,
      label: `${id}: ${from ?? 'not run'} → ${to ?? 'not run'}. ${message ?? `The check is no longer in the rule set (it said: ${old?.message ?? ''})`}`,
    });
  }
  return changes;
}
