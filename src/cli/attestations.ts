/**
 * Where recorded attestations (`ppmat attest`) meet a scan, and what the attest command
 * needs to name a tenant and a capability statement without starting a scan.
 *
 * The rule a scan applies, per capability: the configured attestations (ppmat.yaml, or the
 * demo tenant's built-in ones) and the recorded one in force (the latest recorded) compete,
 * and the newer by attestation date wins; on the same date the recorded one wins. See
 * `mergeAttestations` in scoring/attestations.ts.
 */
import type { Config } from '../config/config-schema.js';
import { PpmatError } from '../errors/catalogue.js';
import type { RuleSet } from '../rules/rule-set.js';
import { mergeAttestations } from '../scoring/attestations.js';
import type { Attestation, Capability } from '../scoring/types.js';
import { demoAttestations } from '../simulator/demo-attestations.js';
import { buildTenantModel } from '../simulator/tenant-model.js';
import { toScoringAttestation, type AttestationRepository } from '../store/attestation-repository.js';
import type { TenantRecord } from '../store/scan-repository.js';
import { configuredAttestations, configuredTenantRecord, demoTenantRecord } from './tenant-targets.js';

/** The attestations a scan of `target` applies at `now`: configured ones merged with the recorded ones in force. */
export async function scanAttestations(
  app: { attestations: AttestationRepository },
  target: { tenant: { id: string }; attestations: readonly Attestation[] },
  now: Date = new Date(),
): Promise<Attestation[]> {
  const recorded = await app.attestations.inForce(target.tenant.id, now);
  return mergeAttestations(target.attestations, recorded.map(toScoringAttestation));
}

/** The tenant an attest command works on, and the attestations its configuration gives. */
export interface AttestTenant {
  tenant: TenantRecord;
  configured: Attestation[];
  /** Where `configured` comes from, for output: `ppmat.yaml` or `demo`. */
  configuredSource: 'ppmat.yaml' | 'demo';
}

/**
 * `--tenant <id>` (a configured tenant) or `--demo` (the built-in demo tenant, also the default
 * when no tenant is configured). The demo's id and built-in attestations come from its seed and
 * `demo.profile`, as a scan of it computes them, without starting the simulator.
 */
export function attestTenant(config: Config, options: { demo?: boolean; tenant?: string }): AttestTenant {
  if (options.demo && options.tenant) throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'give either --demo or --tenant, not both.', { where: 'command line' });
  const known = config.tenants.map((t) => t.id).join(', ') || 'none';
  if (options.demo || (!options.tenant && config.tenants.length === 0)) {
    const profile = config.demo.profile;
    // One environment is enough: the tenant id and the "as of" instant depend on the seed and the clock only.
    const model = buildTenantModel({ seed: config.demo.seed, profile, environments: 1 });
    return { tenant: demoTenantRecord(config, model.tenantId, profile), configured: demoAttestations(profile, new Date(model.asOf)), configuredSource: 'demo' };
  }
  if (!options.tenant) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `give --tenant <id> (configured: ${known}) or --demo.`, { where: 'command line' });
  const tenant = config.tenants.find((t) => t.id === options.tenant);
  if (!tenant) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `no tenant ${options.tenant} is configured (configured: ${known}).`, { where: '--tenant' });
  return { tenant: configuredTenantRecord(tenant), configured: configuredAttestations(tenant), configuredSource: 'ppmat.yaml' };
}

/**
 * The statement `id` names; refuses an unknown id (a typo would otherwise be recorded and
 * count for nothing) with the closest ids, and a level-100 statement, which is not scored.
 */
export function attestableCapability(ruleSet: RuleSet, id: string, where = '--capability'): Capability {
  const capability = ruleSet.catalogue.find((c) => c.id === id);
  if (capability && !capability.floor) return capability;
  if (capability) {
    throw new PpmatError('PPMAT_E_CAPABILITY_UNKNOWN', `"${id}" is a level-100 statement: it describes the starting point and is not scored, so it cannot be attested.`, { where });
  }
  throw new PpmatError('PPMAT_E_CAPABILITY_UNKNOWN', `"${id}" is not a statement of the model (${closeIds(ruleSet.catalogue, id)}).`, { where });
}

/** The ids nearest to `id` by edit distance, else the statements of its area, else the areas. */
function closeIds(catalogue: readonly Capability[], id: string): string {
  const candidates = catalogue.filter((c) => !c.floor);
  const nearest = candidates
    .map((c) => ({ id: c.id, distance: editDistance(c.id, id) }))
    .filter((c) => c.distance <= Math.max(3, Math.floor(id.length / 4)))
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, 3);
  if (nearest.length > 0) return `did you mean ${nearest.map((c) => c.id).join(', ')}?`;
  const area = id.split('.')[0] ?? '';
  const sameArea = candidates.filter((c) => c.area === area).map((c) => c.id);
  if (sameArea.length > 0) return `${area} has: ${sameArea.join(', ')}`;
  return `ids look like {area}.{level}.{slug}; the areas are ${[...new Set(candidates.map((c) => c.area))].join(', ')}`;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
