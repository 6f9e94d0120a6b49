/** A stored scan the caller may see: PPMAT_E_SCAN_UNKNOWN when there is none, 403 when it is another tenant's. */
import type { FastifyRequest } from 'fastify';
import { PpmatError } from '../../errors/catalogue.js';
import type { ScanHeader } from '../../store/scan-detail-reader.js';
import { assertTenant } from '../access.js';
import type { ApiDeps } from '../api-deps.js';

export async function visibleScan(deps: ApiDeps, request: FastifyRequest, scanId: number): Promise<ScanHeader> {
  const scan = await deps.details.header(scanId);
  if (!scan) throw new PpmatError('PPMAT_E_SCAN_UNKNOWN', `there is no stored scan #${scanId}.`);
  assertTenant(request, scan.tenantId);
  return scan;
}
