/**
 * Sharing limits of managed environments.
 *
 * Sharing limits exist only in managed environments (`protectionLevel == "Standard"`).
 * A resource kind is limited when its `limitSharingMode` is `excludeSharingToSecurityGroups`
 * or `disableSharing`, or when `maxLimitUserSharing` is 0 or more (-1 means no limit).
 * Canvas apps are the kind the model's "sharing limits" mostly refer to; solution cloud
 * flows and agents count too, so an environment that limits only agents is still limited.
 */
import type { Environment, EnvironmentsEvidence, SharingLimit } from '../evidence/schemas.js';
import type { EnvironmentRef } from './dlp-coverage.fact.js';

const LIMITING_MODES = new Set(['excludeSharingToSecurityGroups', 'disableSharing']);
/** Environment types that hold business workloads and should be managed. */
const WORKLOAD_TYPES = new Set(['Production', 'Sandbox']);

export interface ManagedEnvironmentSharing extends EnvironmentRef {
  limited: boolean;
  /** The resource kinds with a limit: canvasApps, solutionCloudFlows, agents. */
  limitedKinds: string[];
  canvasAppsMode: string | null;
  canvasAppsMaxUsers: number | null;
  solutionCheckerMode: string | null;
}

export interface SharingFact {
  managed: ManagedEnvironmentSharing[];
  managedCount: number;
  limited: EnvironmentRef[];
  limitedCount: number;
  managedWithoutLimits: EnvironmentRef[];
  /** Production and sandbox environments that are not managed, so no sharing limit can apply to them. */
  unmanagedProductionOrSandbox: EnvironmentRef[];
  productionOrSandboxCount: number;
}

/** True when one resource kind's settings restrict sharing. */
export function isLimited(limit: SharingLimit): boolean {
  return (limit.mode !== null && LIMITING_MODES.has(limit.mode)) || (limit.maxUsers !== null && limit.maxUsers >= 0);
}

function limitedKinds(environment: Environment): string[] {
  const kinds: [string, SharingLimit][] = [
    ['canvasApps', environment.sharing.canvasApps],
    ['solutionCloudFlows', environment.sharing.solutionCloudFlows],
    ['agents', environment.sharing.agents],
  ];
  return kinds.filter(([, limit]) => isLimited(limit)).map(([kind]) => kind);
}

const ref = (e: Environment): EnvironmentRef => ({ id: e.id, displayName: e.displayName, type: e.type });

/** Derives which managed environments limit sharing and which workload environments are unmanaged. */
export function deriveSharing(environments: EnvironmentsEvidence): SharingFact {
  const managed = environments.environments
    .filter((e) => e.managed)
    .map((e) => {
      const kinds = limitedKinds(e);
      return {
        ...ref(e),
        limited: kinds.length > 0,
        limitedKinds: kinds,
        canvasAppsMode: e.sharing.canvasApps.mode,
        canvasAppsMaxUsers: e.sharing.canvasApps.maxUsers,
        solutionCheckerMode: e.solutionCheckerMode,
      };
    });
  const limited = managed.filter((m) => m.limited).map(({ id, displayName, type }) => ({ id, displayName, type }));
  const workload = environments.environments.filter((e) => WORKLOAD_TYPES.has(e.type));
  return {
    managed,
    managedCount: managed.length,
    limited,
    limitedCount: limited.length,
    managedWithoutLimits: managed.filter((m) => !m.limited).map(({ id, displayName, type }) => ({ id, displayName, type })),
    unmanagedProductionOrSandbox: workload.filter((e) => !e.managed).map(ref),
    productionOrSandboxCount: workload.length,
  };
}
