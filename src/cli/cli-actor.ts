/**
 * Who makes a change from the command line, for the audit log: the operating-system user
 * (whoever can run ppmat on the host is trusted with its database).
 */
import os from 'node:os';
import type { Actor } from '../store/audit-repository.js';

export function cliActor(env: NodeJS.ProcessEnv = process.env): Actor {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (e.g. an arbitrary uid in a container).
    user = env.USER ?? env.USERNAME ?? 'unknown';
  }
  return { kind: 'cli', id: user, name: `cli:${user}` };
}
