/**
 * Environments between two scans: added and removed ones (inventory, not posture), a changed
 * type, and the governance an environment gained or lost: managed-environment status and the
 * security group that restricts its Dataverse database.
 */
import type { Environment } from '../../evidence/schemas.js';
import { byNameThenId, indexById, quoted, type Change, type FamilyPair } from './change.js';

export function diffEnvironments({ before, after }: FamilyPair<'environments'>): Change[] {
  const order = byNameThenId<Environment>((e) => e.displayName);
  const was = indexById(before.environments.environments, (e) => e.id);
  const now = indexById(after.environments.environments, (e) => e.id);
  const changes: Change[] = [];
  for (const env of [...now.values()].sort(order)) {
    const old = was.get(env.id.toLowerCase());
    if (old) changes.push(...environmentChanges(old, env));
    else {
      changes.push({
        key: `environments:${env.id}:added`,
        severity: 'info',
        direction: 'neutral',
        label: `Environment ${name(env)} was added.`,
        after: env.type,
      });
    }
  }
  for (const env of [...was.values()].sort(order)) {
    if (now.has(env.id.toLowerCase())) continue;
    changes.push({
      key: `environments:${env.id}:removed`,
      severity: 'info',
      direction: 'neutral',
      label: `Environment ${name(env)} was removed.`,
      before: env.type,
    });
  }
  return changes;
}

function environmentChanges(old: Environment, env: Environment): Change[] {
  const changes: Change[] = [];
  if (old.type !== env.type) {
    changes.push({
      key: `environments:${env.id}:type`,
      severity: 'info',
      direction: 'neutral',
      label: `Environment ${quoted(env.displayName)} changed type from ${old.type} to ${env.type}.`,
      before: old.type,
      after: env.type,
    });
  }
  if (old.managed !== env.managed) {
    changes.push({
      key: `environments:${env.id}:managed:${env.managed ? 'on' : 'off'}`,
      severity: 'warning',
      direction: env.managed ? 'stronger' : 'weaker',
      label: env.managed
        ? `Environment ${name(env)} became a managed environment.`
        : `Environment ${name(env)} is no longer a managed environment, so its sharing limits and solution checker no longer apply.`,
      before: protection(old),
      after: protection(env),
    });
  }
  // Only environments with Dataverse can be restricted to a security group.
  if (old.hasDataverse && env.hasDataverse && Boolean(old.securityGroupId) !== Boolean(env.securityGroupId)) {
    changes.push({
      key: `environments:${env.id}:security-group:${env.securityGroupId ? 'on' : 'off'}`,
      severity: 'warning',
      direction: env.securityGroupId ? 'stronger' : 'weaker',
      label: env.securityGroupId
        ? `Environment ${name(env)} is now restricted to a security group.`
        : `Environment ${name(env)} is no longer restricted to a security group, so every licensed user in the tenant can be added to it.`,
      before: old.securityGroupId ?? 'none',
      after: env.securityGroupId ?? 'none',
    });
  }
  return changes;
}

function name(env: Environment): string {
  return `${quoted(env.displayName)} (${env.isDefault ? 'the default environment' : env.type})`;
}

function protection(env: Environment): string {
  return env.managed ? 'managed' : `not managed (protection level ${env.protectionLevel ?? 'not sent'})`;
}
