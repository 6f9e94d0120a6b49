/**
 * `ppmat audit`: the audit log, newest first: who attested, acknowledged, set targets,
 * created or revoked tokens, or signed in, and when.
 */
import { EXIT } from '../errors/catalogue.js';
import { createAuditRepository, type AuditEvent } from '../store/audit-repository.js';
import { time } from './alerts-render.js';
import { withApp } from './app.js';
import type { CommandIo } from './scan.command.js';
import { textTable } from './text-table.js';

export interface AuditCommandOptions {
  config?: string;
  limit?: number;
  tenant?: string;
  /** Events older than this id (the next page). */
  before?: number;
  format?: 'table' | 'json';
}

export async function auditCommand(options: AuditCommandOptions, io: CommandIo): Promise<number> {
  return withApp(options, io, async (app) => {
    const events = await createAuditRepository(app.db.prisma, { clock: () => new Date() }).list({
      limit: options.limit ?? 50,
      ...(options.before === undefined ? {} : { before: options.before }),
      ...(options.tenant === undefined ? {} : { tenantId: options.tenant }),
    });
    if (options.format === 'json') {
      io.stdout.write(`${JSON.stringify({ events }, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout.write(`${renderAudit(events, options.tenant)}\n`);
    return EXIT.ok;
  });
}

export function renderAudit(events: readonly AuditEvent[], tenant: string | undefined): string {
  const scope = tenant === undefined ? '' : ` of tenant ${tenant}`;
  if (events.length === 0) return `No audit events${scope}.`;
  const rows = events.map((e) => [String(e.id), time(e.at), e.actor, e.actorKind, e.action, e.tenantId ?? '-', e.target, detailsText(e.details)]);
  return [`Audit events${scope}, newest first:`, '', ...textTable(['#', 'At', 'Actor', 'Via', 'Action', 'Tenant', 'Target', 'Details'], rows)].join('\n');
}

/** The details on one line, keys sorted (jsonb keeps no order), without the actor id (the Actor column names them). */
function detailsText(details: Record<string, unknown>): string {
  const { actorId: _actorId, ...rest } = details;
  const text = Object.entries(rest)
    .filter(([, value]) => value !== null && value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
