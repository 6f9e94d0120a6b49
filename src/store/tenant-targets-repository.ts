/**
 * Targets set through the API. They override ppmat.yaml's targets of the tenant until reset;
 * who set them and when is kept beside them (and in the audit log).
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { targetsSchema } from '../config/config-schema.js';
import { PpmatError } from '../errors/catalogue.js';
import type { AreaTarget } from '../scoring/targets.js';

export interface ApiTargets {
  targets: AreaTarget[];
  setBy: string;
  setAt: Date;
}

export interface TenantTargetsRepository {
  /** The API-set targets; null when none are set (ppmat.yaml's apply). */
  get(tenantId: string): Promise<ApiTargets | null>;
  /** Sets the tenant's targets (validated as ppmat.yaml's are); PPMAT_E_TENANT_UNKNOWN when the tenant is not stored. */
  set(tenantId: string, targets: AreaTarget[], setBy: string, setAt: Date): Promise<ApiTargets>;
  /** Forgets the API-set targets; whether there were any. PPMAT_E_TENANT_UNKNOWN when the tenant is not stored. */
  reset(tenantId: string): Promise<boolean>;
}

/** The API-set targets of a tenant row (read with other columns, e.g. by a list of tenants); null when none. */
export function apiTargetsOf(row: { targets: unknown; targetsSetBy: string | null; targetsSetAt: Date | null }): ApiTargets | null {
  if (row.targets === null || row.targetsSetAt === null) return null;
  const parsed = targetsSchema.safeParse(row.targets);
  // A row this repository did not write: treated as none, so ppmat.yaml's targets apply.
  if (!parsed.success) return null;
  return { targets: parsed.data, setBy: row.targetsSetBy ?? 'unknown', setAt: row.targetsSetAt };
}

export function createTenantTargetsRepository(prisma: PrismaClient | Prisma.TransactionClient): TenantTargetsRepository {
  const requireTenant = async (tenantId: string) => {
    const row = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { targets: true, targetsSetBy: true, targetsSetAt: true } });
    if (!row) throw new PpmatError('PPMAT_E_TENANT_UNKNOWN', `no tenant "${tenantId}" is stored.`);
    return row;
  };
  return {
    async get(tenantId) {
      const row = await prisma.tenant.findUnique({ where: { id: tenantId }, select: { targets: true, targetsSetBy: true, targetsSetAt: true } });
      return row ? apiTargetsOf(row) : null;
    },

    async set(tenantId, targets, setBy, setAt) {
      const parsed = targetsSchema.safeParse(targets);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const where = ['targets', ...issue.path.map(String)].join('.');
        throw new PpmatError('PPMAT_E_REQUEST_INVALID', issue.message, { where });
      }
      await requireTenant(tenantId);
      const clean = parsed.data.map((t) => ({ area: t.area, level: t.level, by: t.by }));
      await prisma.tenant.update({ where: { id: tenantId }, data: { targets: clean, targetsSetBy: setBy, targetsSetAt: setAt } });
      return { targets: clean, setBy, setAt };
    },

    async reset(tenantId) {
      const row = await requireTenant(tenantId);
      await prisma.tenant.update({ where: { id: tenantId }, data: { targets: Prisma.DbNull, targetsSetBy: null, targetsSetAt: null } });
      return row.targets !== null;
    },
  };
}
