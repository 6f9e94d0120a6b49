/**
 * What changed in a tenant's evidence between two scans, one sentence per change with the
 * values: `ppmat diff` prints these, and regression detection raises alerts from the
 * critical weaker ones. Pure and deterministic.
 *
 * Only families collected (`ok`) in both scans are compared: a family that failed to collect
 * in either scan is unknown, and an unknown is never a change. Each family has its differ in
 * ./diff/; this file only pairs the families and orders the result.
 */
import { EVIDENCE_KEYS, type EvidenceDataByKey, type EvidenceKey } from '../evidence/schemas.js';
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import type { Change, FamilyPair } from './diff/change.js';
import { diffConditionalAccess } from './diff/conditional-access.diff.js';
import { diffDlpPolicies } from './diff/dlp-policies.diff.js';
import { diffEnvironments } from './diff/environments.diff.js';
import { diffRoleAssignments } from './diff/role-assignments.diff.js';
import { diffTenantIsolation } from './diff/tenant-isolation.diff.js';
import { diffTenantSettings } from './diff/tenant-settings.diff.js';
import type { EvidenceChange } from './evidence-change.js';

export { diffAdoption } from './adoption-diff.js';

export function diffEvidence(before: EvidenceSnapshot, after: EvidenceSnapshot): EvidenceChange[] {
  const pair = <K extends EvidenceKey>(key: K): FamilyPair<K> | null => {
    const was = okData(before, key);
    const now = okData(after, key);
    if (was === null || now === null) return null;
    return { before: { [key]: was } as Pick<EvidenceDataByKey, K>, after: { [key]: now } as Pick<EvidenceDataByKey, K>, tenantId: after.tenantId };
  };
  const tagged = (family: EvidenceKey, changes: Change[]): EvidenceChange[] => changes.map((change) => ({ ...change, family }));
  const changes: EvidenceChange[] = [];
  const environments = pair('environments');
  const isolation = pair('tenantIsolation');
  const dlp = pair('dlpPolicies');
  const settings = pair('tenantSettings');
  const conditionalAccess = pair('conditionalAccess');
  const roles = pair('roleAssignments');
  if (environments) changes.push(...tagged('environments', diffEnvironments(environments)));
  if (settings) changes.push(...tagged('tenantSettings', diffTenantSettings(settings)));
  if (dlp) changes.push(...tagged('dlpPolicies', diffDlpPolicies(dlp, environments)));
  if (isolation) changes.push(...tagged('tenantIsolation', diffTenantIsolation(isolation)));
  if (conditionalAccess) changes.push(...tagged('conditionalAccess', diffConditionalAccess(conditionalAccess)));
  if (roles) changes.push(...tagged('roleAssignments', diffRoleAssignments(roles, okData(after, 'pimSchedules'))));
  return orderChanges(changes);
}

const SEVERITY_RANK: Record<EvidenceChange['severity'], number> = { critical: 0, warning: 1, info: 2 };
const DIRECTION_RANK: Record<EvidenceChange['direction'], number> = { weaker: 0, stronger: 1, neutral: 2 };
const FAMILY_RANK = new Map<string, number>(EVIDENCE_KEYS.map((key, index) => [key, index]));

/**
 * The order changes are printed and stored in: critical first, then warnings, then information;
 * within a severity weaker before stronger before neutral, then by family (in EVIDENCE_KEYS
 * order); within a family as its differ gave them (by resource name). A stable sort, so the
 * same two scans always give the same list.
 */
export function orderChanges(changes: readonly EvidenceChange[]): EvidenceChange[] {
  return [...changes].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      DIRECTION_RANK[a.direction] - DIRECTION_RANK[b.direction] ||
      (FAMILY_RANK.get(a.family) ?? 0) - (FAMILY_RANK.get(b.family) ?? 0),
  );
}

function okData<K extends EvidenceKey>(snapshot: EvidenceSnapshot, key: K): EvidenceDataByKey[K] | null {
  const item = snapshot.evidence[key];
  return item?.status === 'ok' && item.data !== undefined ? (item.data as EvidenceDataByKey[K]) : null;
}
