/**
 * `ppmat tokens`: API tokens for scripts and the dashboard. `create` prints the token once
 * (only its hash is stored), `list` shows every token without secrets, `revoke` ends one.
 * Creating and revoking are audited, with the operating-system user as the actor.
 */
import { InvalidArgumentError } from 'commander';
import { ROLES, type Role } from '../api/auth/principal.js';
import { createAuditedChanges } from '../api/audited-changes.js';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { createTokenRepository, type TokenRecord } from '../store/token-repository.js';
import { time } from './alerts-render.js';
import { withApp, type App } from './app.js';
import { cliActor } from './cli-actor.js';
import type { CommandIo } from './scan.command.js';
import { textTable } from './text-table.js';

export { ROLES as TOKEN_ROLES };

export interface TokensCreateOptions {
  config?: string;
  name: string;
  role: Role;
  /** Limits the token to these tenants (default: every tenant). */
  tenant?: string[];
  expiresDays?: number;
  format?: 'table' | 'json';
}

export interface TokensListOptions {
  config?: string;
  format?: 'table' | 'json';
}

export interface TokensRevokeOptions {
  config?: string;
  id: string;
}

const DAY_MS = 86_400_000;

/** `--expires-days`: a whole number of days, 1 to 3650. */
export function parseDaysOption(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > 3650) throw new InvalidArgumentError('expected a whole number of days from 1 to 3650');
  return n;
}

export async function tokensCreateCommand(options: TokensCreateOptions, io: CommandIo): Promise<number> {
  return withApp(options, io, async (app) => {
    const now = new Date();
    const tenants = options.tenant && options.tenant.length > 0 ? [...new Set(options.tenant)] : null;
    if (tenants) await checkTenants(app, tenants);
    const changes = createAuditedChanges(app.db.prisma, { clock: () => new Date() });
    const { token, record } = await changes.createToken(
      { name: options.name, role: options.role, tenants, expiresAt: options.expiresDays === undefined ? null : new Date(now.getTime() + options.expiresDays * DAY_MS) },
      cliActor(io.env),
    );
    if (options.format === 'json') {
      io.stdout.write(`${JSON.stringify({ token, record }, null, 2)}\n`);
      return EXIT.ok;
    }
    io.stdout.write(
      [
        `Created API token ${record.id} "${record.name}": role ${record.role}, ${scopeText(record.tenants)}, ${record.expiresAt ? `expires ${time(record.expiresAt)}` : 'never expires'}.`,
        '',
        `  ${token}`,
        '',
        'Copy it now: it cannot be shown again (ppmat stores only its hash). Send it as "Authorization: Bearer <token>";',
        `\`ppmat tokens revoke ${record.id}\` ends it.`,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  });
}

export async function tokensListCommand(options: TokensListOptions, io: CommandIo): Promise<number> {
  return withApp(options, io, async (app) => {
    const now = new Date();
    const tokens = await createTokenRepository(app.db.prisma, { clock: () => now }).list();
    if (options.format === 'json') {
      io.stdout.write(`${JSON.stringify({ tokens }, null, 2)}\n`);
      return EXIT.ok;
    }
    if (tokens.length === 0) {
      io.stdout.write('No API tokens; `ppmat tokens create --name <name> --role viewer|attester|admin` makes one.\n');
      return EXIT.ok;
    }
    const rows = tokens.map((t) => [t.id, t.name, t.role, t.tenants ? t.tenants.join(',') : 'all', day(t.createdAt), t.createdBy, t.expiresAt ? day(t.expiresAt) : 'never', t.lastUsedAt ? time(t.lastUsedAt) : 'never', stateOf(t, now)]);
    io.stdout.write(`${textTable(['Id', 'Name', 'Role', 'Tenants', 'Created', 'By', 'Expires', 'Last used', 'State'], rows).join('\n')}\n`);
    return EXIT.ok;
  });
}

export async function tokensRevokeCommand(options: TokensRevokeOptions, io: CommandIo): Promise<number> {
  return withApp(options, io, async (app) => {
    const record = await createAuditedChanges(app.db.prisma, { clock: () => new Date() }).revokeToken(options.id, cliActor(io.env));
    io.stdout.write(`Revoked API token ${record.id} "${record.name}" (by ${record.revokedBy} at ${time(record.revokedAt!)}); requests with it are refused from now on.\n`);
    return EXIT.ok;
  });
}

/** A token limited to a tenant ppmat does not know would see nothing: refuse the typo. */
async function checkTenants(app: App, tenants: string[]): Promise<void> {
  const stored = await app.db.prisma.tenant.findMany({ select: { id: true } });
  const known = new Set([...app.config.tenants.map((t) => t.id), ...stored.map((t) => t.id)]);
  const unknown = tenants.filter((t) => !known.has(t));
  if (unknown.length > 0) {
    throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `no tenant ${unknown.map((t) => `"${t}"`).join(', ')} is configured or stored (known: ${[...known].join(', ') || 'none'}).`, { where: '--tenant' });
  }
}

function stateOf(token: TokenRecord, now: Date): string {
  if (token.revokedAt) return `revoked ${day(token.revokedAt)}`;
  if (token.expiresAt && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

const scopeText = (tenants: string[] | null): string => (tenants ? `tenants ${tenants.join(', ')}` : 'every tenant');
const day = (date: Date): string => date.toISOString().slice(0, 10);
