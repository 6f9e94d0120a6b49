/** The maturity model as the API publishes it. */
import { z } from 'zod';
import { area, level } from './common.js';

export const capabilityStatement = z
  .object({
    id: z.string(),
    area,
    level,
    statement: z.string(),
    assessment: z.enum(['automated', 'attested', 'hybrid']),
    floor: z.boolean().describe('Level-100 statements describe an absence: the floor, not scored.'),
    custom: z.boolean().describe("Added by the organization's rule pack, not Microsoft's model."),
  })
  .meta({ id: 'CapabilityStatement' });

export const modelBody = z.object({
  ruleSetVersion: z.string(),
  areas: z.array(z.object({ id: area, name: z.string() })),
  levels: z.array(level),
  capabilities: z.array(capabilityStatement),
});
