/**
 * Regressions between a completed scan and the last comparable one, and whether an open
 * regression still holds.
 *
 * Raised: a capability that went from met to not met (a check failed, or a person attested it
 * not met); an area level that dropped because statements became not met (a drop that only
 * unknowns explain, i.e. the new range still reaches the old level, is not one: collection
 * failed, the posture did not change); a critical evidence change that weakens posture (tenant
 * isolation off, a DLP policy deleted or narrowed, an admin role assignment added).
 * Capability and level regressions need both scans judged by the same rule set and
 * parameters: a new rule version is not a posture change. Pure.
 */
import type { EvidenceChange } from '../history/evidence-change.js';
import type { CheckResult, Severity } from '../rules/types.js';
import type { AreaScore, CapabilityResult } from '../scoring/types.js';
import type { AlertChange, AlertSeverity } from './channels/alert.js';

/** What a regression is judged on, from a scan made now or a stored one. */
export interface JudgedScan {
  scanId: number;
  ruleSetVersion: string;
  areaScores: readonly AreaScore[];
  capabilityResults: readonly CapabilityResult[];
  checkResults: readonly Pick<CheckResult, 'checkId' | 'severity' | 'outcome' | 'message' | 'capabilities'>[];
}

export interface Regression {
  /** Stable identity while it holds: `capability:{id}`, `level:{area}:{fromLevel}`, `evidence:{change key}`. */
  key: string;
  kind: 'capability' | 'level' | 'evidence';
  severity: AlertSeverity;
  title: string;
  summary: string;
  changes: AlertChange[];
}

export interface DetectInput {
  previous: JudgedScan;
  current: JudgedScan;
  evidenceChanges: readonly EvidenceChange[];
  areaNames: ReadonlyMap<string, string>;
  statements: ReadonlyMap<string, string>;
}

const CHECK_SEVERITY: Record<Severity, AlertSeverity> = { critical: 'critical', high: 'critical', medium: 'warning', low: 'info' };
const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export function detectRegressions(input: DetectInput): Regression[] {
  const regressions: Regression[] = [];
  if (input.previous.ruleSetVersion === input.current.ruleSetVersion) {
    regressions.push(...capabilityRegressions(input), ...levelRegressions(input));
  }
  for (const change of input.evidenceChanges) {
    if (change.direction !== 'weaker' || change.severity !== 'critical') continue;
    regressions.push({
      key: `evidence:${change.key}`,
      kind: 'evidence',
      severity: 'critical',
      title: change.label,
      summary: change.label,
      changes: [{ label: change.label, ...(change.before !== undefined ? { before: change.before } : {}), ...(change.after !== undefined ? { after: change.after } : {}), evidence: change.family }],
    });
  }
  return regressions;
}

function capabilityRegressions(input: DetectInput): Regression[] {
  const before = new Map(input.previous.capabilityResults.map((c) => [c.capabilityId, c]));
  const out: Regression[] = [];
  for (const now of input.current.capabilityResults) {
    const was = before.get(now.capabilityId);
    if (was?.status !== 'met' || now.status !== 'not_met') continue;
    const failing = input.current.checkResults.filter((r) => r.outcome === 'fail' && r.capabilities.includes(now.capabilityId));
    const severity = failing.reduce<AlertSeverity>((worst, r) => (RANK[CHECK_SEVERITY[r.severity]] > RANK[worst] ? CHECK_SEVERITY[r.severity] : worst), failing.length > 0 ? 'info' : 'warning');
    const statement = input.statements.get(now.capabilityId) ?? now.capabilityId;
    out.push({
      key: `capability:${now.capabilityId}`,
      kind: 'capability',
      severity,
      title: `No longer met: ${statement}`,
      summary: `${statement} (${now.capabilityId}) was met in scan #${input.previous.scanId} and is not met in scan #${input.current.scanId}.`,
      changes:
        failing.length > 0
          ? failing.map((r) => ({ label: r.message, before: 'pass', after: 'fail', evidence: r.checkId }))
          : [{ label: now.reason, before: 'met', after: 'not met', evidence: now.capabilityId }],
    });
  }
  return out;
}

function levelRegressions(input: DetectInput): Regression[] {
  const before = new Map(input.previous.areaScores.map((a) => [a.area, a]));
  const out: Regression[] = [];
  for (const now of input.current.areaScores) {
    const was = before.get(now.area);
    // Only a drop that not-met statements explain: unknowns leave the old level within reach.
    if (!was || now.level >= was.level || now.maxLevel >= was.level) continue;
    const name = input.areaNames.get(now.area) ?? now.area;
    const lost = input.current.capabilityResults.filter(
      (c) => c.area === now.area && c.status === 'not_met' && c.level <= was.level && input.previous.capabilityResults.find((p) => p.capabilityId === c.capabilityId)?.status !== 'not_met',
    );
    out.push({
      key: `level:${now.area}:${was.level}`,
      kind: 'level',
      severity: 'warning',
      title: `${name} dropped from ${was.level} to ${now.level}`,
      summary: `${name} was at level ${was.level} in scan #${input.previous.scanId} and is at ${now.level} in scan #${input.current.scanId}.`,
      changes: [
        { label: `${name}: level ${was.level} → ${now.level}`, before: String(was.level), after: String(now.level), evidence: `area:${now.area}` },
        ...lost.map((c) => ({ label: `Not met: ${input.statements.get(c.capabilityId) ?? c.capabilityId}`, before: 'met', after: 'not met', evidence: c.capabilityId })),
      ],
    });
  }
  return out;
}

/** Words of an evidence change key and their opposite: `tenantIsolation:disabled` is undone by `tenantIsolation:enabled`. */
const OPPOSITES: Record<string, string> = {
  disabled: 'enabled',
  enabled: 'disabled',
  deleted: 'added',
  added: 'removed',
  removed: 'added',
  uncovers: 'covers',
  covers: 'uncovers',
  uncovered: 'covered',
  covered: 'uncovered',
  off: 'on',
  on: 'off',
};

/** The keys whose appearance in a later scan's evidence changes undo `key` (one word swapped for its opposite). */
export function undoingKeys(key: string): string[] {
  const words = key.split(':');
  const keys: string[] = [];
  words.forEach((word, index) => {
    const opposite = OPPOSITES[word];
    if (opposite) keys.push([...words.slice(0, index), opposite, ...words.slice(index + 1)].join(':'));
  });
  if (words.includes('deleted')) keys.push(words.map((w) => (w === 'deleted' ? 'restored' : w)).join(':'));
  return keys;
}

/**
 * Whether an open regression recovered in `current`: a capability met again, an area back at
 * or above the level it dropped from, an evidence change undone by the opposite change. A
 * capability or area that is unknown now has not recovered (nor regressed further).
 */
export function hasRecovered(key: string, current: JudgedScan, evidenceChanges: readonly EvidenceChange[]): boolean {
  if (key.startsWith('capability:')) {
    const id = key.slice('capability:'.length);
    const status = current.capabilityResults.find((c) => c.capabilityId === id)?.status;
    return status === 'met' || status === undefined;
  }
  if (key.startsWith('level:')) {
    const [, area, from] = key.split(':');
    const score = current.areaScores.find((a) => a.area === area);
    return score === undefined || score.level >= Number(from);
  }
  if (key.startsWith('evidence:')) {
    const undo = new Set(undoingKeys(key.slice('evidence:'.length)));
    return evidenceChanges.some((change) => undo.has(change.key));
  }
  return false;
}
