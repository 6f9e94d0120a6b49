/** Tenants, scans, area levels, capabilities with their checks and evidence. */
import { z } from 'zod';
import { area, isoDate, level } from './common.js';
import { capabilityStatement } from './model.schemas.js';

export const scanStatus = z.enum(['running', 'succeeded', 'partial', 'failed', 'aborted']);
export const capabilityStatus = z.enum(['met', 'indicated', 'not_met', 'unknown']);
export const outcome = z.enum(['pass', 'fail', 'unknown', 'not_applicable', 'attested']);
export const target = z.object({ area, level, by: z.iso.date() }).meta({ id: 'Target' });

export const tenantSummary = z
  .object({
    id: z.string(),
    displayName: z.string(),
    cloud: z.string(),
    schedule: z.string(),
    timezone: z.string(),
    enabled: z.boolean(),
    targets: z.array(target),
    targetsSource: z.enum(['config', 'api']),
    lastScan: z.object({ id: z.number(), status: scanStatus, startedAt: isoDate, finishedAt: isoDate.nullable() }).nullable(),
    lastResultScanId: z.number().nullable(),
    areas: z.array(z.object({ area, name: z.string(), level, maxLevel: level, target: level.nullable() })),
    openAlerts: z.number().int(),
  })
  .meta({ id: 'TenantSummary' });

export const scanListItem = z
  .object({
    id: z.number(),
    tenantId: z.string(),
    trigger: z.enum(['manual', 'schedule', 'startup']),
    status: scanStatus,
    startedAt: isoDate,
    finishedAt: isoDate.nullable(),
    ruleSetVersion: z.string(),
    checksTotal: z.number(),
    checksPassed: z.number(),
    checksFailed: z.number(),
    checksUnknown: z.number(),
    evidenceCount: z.number(),
    evidenceNew: z.number(),
  })
  .meta({ id: 'ScanListItem' });

export const scanDetail = scanListItem
  .extend({
    tenantName: z.string(),
    error: z.string().nullable(),
    requests: z.number(),
    collectors: z.array(
      z.object({
        collector: z.string(),
        status: z.string(),
        durationMs: z.number(),
        requests: z.number(),
        throttled: z.number(),
        errorCode: z.string().nullable(),
        errorMessage: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'ScanDetail' });

export const areaView = z
  .object({
    area,
    name: z.string(),
    level,
    maxLevel: level,
    met: z.number(),
    total: z.number(),
    unknown: z.number(),
    summary: z.string(),
    target: z.object({ level, by: z.string(), summary: z.string() }).nullable(),
  })
  .meta({ id: 'AreaView' });

export const attestationInResult = z
  .object({
    capabilityId: z.string(),
    by: z.string(),
    at: z.string(),
    reason: z.string(),
    expires: z.string().optional(),
    outcome: z.enum(['met', 'not_met']).optional(),
    evidenceUrl: z.string().optional(),
  })
  .meta({ id: 'AttestationInResult' });

export const capabilityView = capabilityStatement
  .extend({
    status: capabilityStatus,
    reason: z.string(),
    checks: z.array(z.object({ checkId: z.string(), outcome })),
    attestation: attestationInResult.nullable(),
  })
  .meta({ id: 'CapabilityView' });

export const checkView = z
  .object({
    checkId: z.string(),
    title: z.string(),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    outcome,
    message: z.string(),
    actual: z.record(z.string(), z.unknown()).describe('The values the check judged, by name.'),
    remediation: z.string().nullable(),
    references: z.array(z.string()),
    evidence: z.array(z.object({ key: z.string(), hash: z.string().nullable() })),
  })
  .meta({ id: 'CheckView' });

export const evidenceView = z
  .object({
    key: z.string(),
    status: z.enum(['ok', 'unavailable', 'error']),
    hash: z.string().nullable(),
    bytes: z.number().nullable(),
    reason: z.string().nullable(),
    errorCode: z.string().nullable(),
    collectedAt: isoDate,
    content: z.unknown().optional().describe('The normalized evidence document (left out of a capability page above 256 KiB: read it from its own route).'),
  })
  .meta({ id: 'EvidenceView' });

export const capabilityDetail = z.object({
  capability: capabilityView,
  checks: z.array(checkView),
  evidence: z.array(evidenceView),
  history: z.array(z.object({ scanId: z.number(), finishedAt: isoDate, status: capabilityStatus, reason: z.string() })),
});
