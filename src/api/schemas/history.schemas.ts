/** Trends, the difference between two scans, and the roadmap to the next level. */
import { z } from 'zod';
import { area, isoDate, level } from './common.js';
import { capabilityStatus, outcome } from './scan.schemas.js';

const adoption = z
  .object({
    environments: z.object({ total: z.number(), byType: z.record(z.string(), z.number()) }).nullable(),
    makers: z.number().nullable(),
    canvasApps: z.number().nullable(),
    cloudFlows: z.number().nullable(),
    modelDrivenApps: z.number().nullable(),
    agents: z.number().nullable(),
    customConnectors: z.number().nullable(),
    powerPagesSites: z.number().nullable(),
    sharedWithEveryone: z.number().nullable(),
  })
  .meta({ id: 'Adoption' });

export const trendsBody = z.object({
  levels: z.array(z.object({ area, name: z.string(), points: z.array(z.object({ scanId: z.number(), finishedAt: isoDate, level, maxLevel: level })) })),
  adoption: z.array(z.object({ scanId: z.number(), finishedAt: isoDate, adoption: adoption.nullable() })),
});

const movement = z.enum(['up', 'down']);
const scanRef = z.object({ id: z.number(), status: z.string(), at: z.string(), ruleSetVersion: z.string() });

export const diffBody = z.object({
  diff: z.object({
    tenantId: z.string(),
    tenantName: z.string(),
    before: scanRef,
    after: scanRef,
    ruleSetChanged: z.boolean(),
    levels: z.array(z.object({ area, areaName: z.string(), from: z.object({ level, maxLevel: level }), to: z.object({ level, maxLevel: level }), direction: movement, label: z.string() })),
    capabilities: z.array(
      z.object({ capabilityId: z.string(), area, level, statement: z.string(), from: capabilityStatus.nullable(), to: capabilityStatus.nullable(), direction: movement, reason: z.string(), label: z.string() }),
    ),
    checks: z.array(
      z.object({
        checkId: z.string(),
        title: z.string(),
        severity: z.string(),
        from: outcome.nullable(),
        to: outcome.nullable(),
        direction: movement,
        beforeMessage: z.string().nullable(),
        message: z.string().nullable(),
        label: z.string(),
      }),
    ),
    evidence: z.array(
      z.object({
        key: z.string(),
        family: z.string(),
        severity: z.enum(['info', 'warning', 'critical']),
        direction: z.enum(['weaker', 'stronger', 'neutral']),
        label: z.string(),
        before: z.string().optional(),
        after: z.string().optional(),
      }),
    ),
  }),
  sentences: z.array(z.string()).describe('The diff as `ppmat diff` prints it, one line each.'),
});

export const roadmapBody = z.object({
  scanId: z.number(),
  steps: z.array(
    z.object({
      area,
      name: z.string(),
      currentLevel: level,
      nextLevel: level.nullable(),
      target: z.object({ level, by: z.string(), summary: z.string() }).nullable(),
      shortfall: z.array(z.object({ level, met: z.number(), required: z.number(), total: z.number() })),
      missing: z.array(
        z.object({
          capabilityId: z.string(),
          level,
          statement: z.string(),
          assessment: z.enum(['automated', 'attested', 'hybrid']),
          status: capabilityStatus,
          reason: z.string(),
          checks: z.array(z.object({ checkId: z.string(), outcome, message: z.string() })),
          actions: z.array(z.object({ kind: z.enum(['fix', 'collect', 'attest']), text: z.string(), checkId: z.string().optional(), references: z.array(z.string()).optional() })),
        }),
      ),
    }),
  ),
});
