/**
 * What managed environments tell makers and admins: maker welcome content (shown to a maker
 * entering the environment) and the weekly digest (usage insights mailed to admins).
 *
 * Both are managed-environment settings, so only managed environments are judged. Each list
 * splits them three ways, because a setting the API did not send is unknown, not off.
 */
import type { Environment, EnvironmentsEvidence } from '../evidence/schemas.js';
import type { EnvironmentRef } from './dlp-coverage.fact.js';

export interface ManagedSettingsFact {
  managedCount: number;
  welcomeContent: { shown: EnvironmentRef[]; notShown: EnvironmentRef[]; unknown: EnvironmentRef[] };
  /** `excludeEnvironmentFromAnalysis`: false is included in the weekly digest. */
  weeklyDigest: { included: EnvironmentRef[]; excluded: EnvironmentRef[]; unknown: EnvironmentRef[] };
}

const ref = (e: Environment): EnvironmentRef => ({ id: e.id, displayName: e.displayName, type: e.type });

/** Splits the managed environments by maker welcome content and by weekly digest. */
export function deriveManagedSettings(evidence: EnvironmentsEvidence): ManagedSettingsFact {
  const managed = evidence.environments.filter((e) => e.managed);
  // Snapshots stored before the field existed lack it: unknown.
  const welcome = (e: Environment): boolean | null => e.makerWelcomeContent ?? null;
  return {
    managedCount: managed.length,
    welcomeContent: {
      shown: managed.filter((e) => welcome(e) === true).map(ref),
      notShown: managed.filter((e) => welcome(e) === false).map(ref),
      unknown: managed.filter((e) => welcome(e) === null).map(ref),
    },
    weeklyDigest: {
      included: managed.filter((e) => e.excludedFromAnalysis === false).map(ref),
      excluded: managed.filter((e) => e.excludedFromAnalysis === true).map(ref),
      unknown: managed.filter((e) => e.excludedFromAnalysis === null || e.excludedFromAnalysis === undefined).map(ref),
    },
  };
}
