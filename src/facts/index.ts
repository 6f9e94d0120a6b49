/**
 * Derived facts: values computed from the evidence snapshot that rules read as `facts.<name>`.
 *
 * Each fact declares the evidence it needs. A fact whose evidence is not `ok` is absent,
 * so a rule that requires it gives `unknown` (with the evidence's reason), never `fail`.
 * A fact may also read `optional` evidence: used when `ok`, and its absence only makes the
 * fact less detailed (PIM schedules, unreadable without Entra ID P2, must not make "who holds
 * the Power Platform Administrator role" unknown).
 * The result is plain JSON, stored beside the snapshot and replayable.
 */
import type { EvidenceDataByKey, EvidenceKey } from '../evidence/schemas.js';
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import { deriveAdminAccess } from './admin-access.fact.js';
import { deriveAdminRoles } from './admin-roles.fact.js';
import { deriveDlpCoverage } from './dlp-coverage.fact.js';
import { deriveEnvironments } from './environments.fact.js';
import { deriveSharing } from './sharing.fact.js';
import { deriveAlmEnvironments } from './alm-environments.fact.js';
import { deriveManagedSettings } from './managed-settings.fact.js';
import { deriveSecurityScore } from './security-score.fact.js';
import { deriveInventory, type InventoryFact } from './inventory.fact.js';
import { INVENTORY_PARTITION_PREFIX, OWNERS_PARTITION_KEY, type EnvironmentInventory, type OwnerDirectory } from '../evidence/inventory.schemas.js';

export type { DlpCoverageFact, EnvironmentRef } from './dlp-coverage.fact.js';
export type { SharingFact, ManagedEnvironmentSharing } from './sharing.fact.js';
export type { EnvironmentsFact } from './environments.fact.js';
export type { AdminAccessFact, PolicyAssessment, ProtectingPolicy } from './admin-access.fact.js';
export type { AdminRolesFact, RoleHolder, RoleHolders, HoldingKind } from './admin-roles.fact.js';
export type { AlmEnvironmentsFact } from './alm-environments.fact.js';
export type { ManagedSettingsFact } from './managed-settings.fact.js';
export type { SecurityScoreFact, SecurityFeatureScore, SecurityScoreLabel } from './security-score.fact.js';
export type { Bucket, InventoryFact, InventoryFactOptions, ResourceRef, Finding } from './inventory.fact.js';
export { createInventoryAccumulator, deriveInventory } from './inventory.fact.js';
export { deriveDlpCoverage, policyCovers } from './dlp-coverage.fact.js';
export { deriveSharing, isLimited } from './sharing.fact.js';
export { deriveEnvironments } from './environments.fact.js';
export { assessPolicy, deriveAdminAccess, POWER_PLATFORM_APPS, strongAuthentication } from './admin-access.fact.js';
export { deriveAdminRoles, deriveRoleHolders } from './admin-roles.fact.js';
export { deriveAlmEnvironments } from './alm-environments.fact.js';
export { deriveManagedSettings } from './managed-settings.fact.js';
export { deriveSecurityScore, securityScoreLabel } from './security-score.fact.js';

type OkData = Partial<EvidenceDataByKey>;

/**
 * Facts folded while the scan collects (the inventory is too large to hold, so the pipeline
 * folds its documents as they are stored and hands the result in here).
 */
export interface StreamedFacts {
  inventory?: InventoryFact;
}

interface FactContext {
  snapshot: EvidenceSnapshot;
  streamed: StreamedFacts;
}

interface FactDefinition {
  requires: readonly EvidenceKey[];
  /** Evidence read when `ok` but not needed; the second argument of `derive` holds it when it is. */
  optional?: readonly EvidenceKey[];
  derive(data: EvidenceDataByKey, optional: OkData, context: FactContext): unknown;
}

/** The facts this build derives, with the evidence each needs. Rules name them in `requires` as `facts.<name>`. */
export const FACT_DEFINITIONS = {
  dlp: { requires: ['environments', 'dlpPolicies'], derive: (d) => deriveDlpCoverage(d.environments, d.dlpPolicies) },
  sharing: { requires: ['environments'], derive: (d) => deriveSharing(d.environments) },
  environments: { requires: ['environments'], derive: (d) => deriveEnvironments(d.environments) },
  almEnvironments: { requires: ['environments'], derive: (d) => deriveAlmEnvironments(d.environments) },
  managedSettings: { requires: ['environments'], derive: (d) => deriveManagedSettings(d.environments) },
  securityScore: {
    requires: ['environments', 'tenantIsolation', 'dlpPolicies'],
    derive: (d) => deriveSecurityScore(d.environments, d.tenantIsolation, d.dlpPolicies),
  },
  adminAccess: { requires: ['conditionalAccess'], derive: (d) => deriveAdminAccess(d.conditionalAccess) },
  adminRoles: {
    requires: ['roleAssignments'],
    optional: ['pimSchedules'],
    derive: (d, o) => deriveAdminRoles(d.roleAssignments, o.pimSchedules ?? null),
  },
  inventory: { requires: ['inventory'], derive: (_d, _o, context) => context.streamed.inventory ?? inventoryFromSnapshot(context.snapshot) },
} as const satisfies Record<string, FactDefinition>;

export type FactName = keyof typeof FACT_DEFINITIONS;

/** True when `name` is a fact this build derives. */
export function isFactName(name: string): name is FactName {
  return Object.hasOwn(FACT_DEFINITIONS, name);
}

/** The evidence keys a fact needs. */
export function factRequirements(name: FactName): readonly EvidenceKey[] {
  return FACT_DEFINITIONS[name].requires;
}

/** The evidence keys a fact reads when they are `ok`, without needing them. */
export function factOptionalEvidence(name: FactName): readonly EvidenceKey[] {
  return (FACT_DEFINITIONS[name] as FactDefinition).optional ?? [];
}

function okData(snapshot: EvidenceSnapshot): OkData {
  const data: OkData = {};
  for (const [key, item] of Object.entries(snapshot.evidence)) {
    if (item?.status === 'ok' && item.data !== undefined) (data as Record<string, unknown>)[key] = item.data;
  }
  return data;
}

/**
 * Derives every fact whose evidence is `ok`; the others are left out.
 * Pure: the same snapshot always gives the same facts.
 */
export function deriveFacts(snapshot: EvidenceSnapshot, streamed: StreamedFacts = {}): Record<string, unknown> {
  const data = okData(snapshot);
  const facts: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(FACT_DEFINITIONS) as [FactName, FactDefinition][]) {
    if (definition.requires.every((key) => data[key] !== undefined)) {
      facts[name] = definition.derive(data as EvidenceDataByKey, data, { snapshot, streamed });
    }
  }
  return facts;
}

/**
 * The inventory fact of a snapshot that carries its partition documents inline (rule
 * cases, small replays), with ages measured from the snapshot's time.
 */
function inventoryFromSnapshot(snapshot: EvidenceSnapshot): InventoryFact {
  const partitions = snapshot.partitions ?? {};
  const docs = Object.entries(partitions)
    .filter(([key]) => key.startsWith(INVENTORY_PARTITION_PREFIX))
    .map(([, doc]) => doc as EnvironmentInventory);
  const owners = partitions[OWNERS_PARTITION_KEY] as OwnerDirectory | undefined;
  return deriveInventory(docs, owners?.owners ?? null, { now: new Date(snapshot.collectedAt) });
}
