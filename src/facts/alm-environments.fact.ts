/**
 * Environments that can carry application lifecycle management: non-default environments
 * with a Dataverse database (solutions live in Dataverse) of the types a solution moves
 * through, developer and sandbox for building and testing, production for running.
 *
 * Trial environments expire and Teams environments hold Dataverse for Teams, so neither counts.
 */
import type { Environment, EnvironmentsEvidence } from '../evidence/schemas.js';
import type { EnvironmentRef } from './dlp-coverage.fact.js';

export interface AlmEnvironmentsFact {
  developer: EnvironmentRef[];
  sandbox: EnvironmentRef[];
  production: EnvironmentRef[];
  /** All three lists together. */
  count: number;
}

const ref = (e: Environment): EnvironmentRef => ({ id: e.id, displayName: e.displayName, type: e.type });

/** Lists the non-default Dataverse environments of type Developer, Sandbox and Production. */
export function deriveAlmEnvironments(evidence: EnvironmentsEvidence): AlmEnvironmentsFact {
  const dataverse = evidence.environments.filter((e) => !e.isDefault && e.hasDataverse);
  const ofType = (type: string): EnvironmentRef[] => dataverse.filter((e) => e.type === type).map(ref);
  const fact = { developer: ofType('Developer'), sandbox: ofType('Sandbox'), production: ofType('Production') };
  return { ...fact, count: fact.developer.length + fact.sandbox.length + fact.production.length };
}
