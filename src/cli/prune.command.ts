/**
 * `ppmat prune`: applies the retention policy to the store (see src/history/retention-policy.ts):
 * deletes scans past `keepDays`, thins older scans to one a week, then deletes the evidence no
 * kept scan references. `--dry-run` says what it would delete.
 */
import { EXIT } from '../errors/catalogue.js';
import type { RetentionPolicy } from '../history/retention-policy.js';
import { createRetention } from '../store/retention.js';
import type { App } from './app.js';
import { withStoredApp } from './history-args.js';
import { renderPrune } from './history-render.js';
import type { CommandIo } from './scan.command.js';

export interface PruneCommandOptions {
  config?: string;
  dryRun?: boolean;
}

export async function pruneCommand(options: PruneCommandOptions, io: CommandIo): Promise<number> {
  return withStoredApp(options, io, async (app) => {
    const policy = retentionPolicy(app.config);
    const result = await createRetention(app.db.prisma).prune({ policy, now: new Date(), dryRun: options.dryRun ?? false });
    io.stdout.write(`${renderPrune(result, policy)}\n`);
    return EXIT.ok;
  });
}

/** The configuration's `retention:` (defaults: 730 days, weekly after 90). */
export function retentionPolicy(config: App['config']): RetentionPolicy {
  return config.retention;
}
