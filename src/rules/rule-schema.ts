/**
 * The schema of one check file (`rules/checks/<id>.yaml`) and of the model catalogue files.
 *
 * Validated once, at load: an unknown key is refused (a misspelt `aplies:` would otherwise
 * silently make a check apply everywhere), and every field's meaning is written here.
 */
import { z } from 'zod';
import { AREAS, LEVELS } from '../scoring/types.js';

/** `area.slug`: lower-case words joined by dots and dashes, equal to the file name. */
export const CHECK_ID = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$/;
/** `area.level.slug`, e.g. `security.200.tenant-isolation`. */
export const CAPABILITY_ID = /^[a-z][a-z-]*\.(100|200|300|400|500)\.[a-z0-9][a-z0-9-]*$/;

/** A parameter's value: a number, a flag, a word, or a list of words. */
export const parameterValueSchema = z.union([z.number(), z.boolean(), z.string(), z.array(z.string())]);
export type ParameterValue = z.infer<typeof parameterValueSchema>;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * A threshold or list the check reads as `params.<name>`, with the default ppmat ships and
 * bounds an override must respect. An organization overrides it in its configuration
 * (`rules.parameters`, or per tenant), e.g. "unused" = 90 days instead of 180.
 */
export const parameterSchema = z
  .strictObject({
    default: parameterValueSchema,
    /** What it means and its unit, in one sentence: shown by `ppmat rules params`. */
    description: z.string().min(1),
    /** Bounds for numeric parameters. */
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((p, ctx) => {
    const numeric = typeof p.default === 'number';
    if (!numeric && (p.min !== undefined || p.max !== undefined)) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min and max apply to numeric parameters only' });
    if (numeric && p.min !== undefined && (p.default as number) < p.min) ctx.addIssue({ code: 'custom', path: ['default'], message: `default ${String(p.default)} is below min ${p.min}` });
    if (numeric && p.max !== undefined && (p.default as number) > p.max) ctx.addIssue({ code: 'custom', path: ['default'], message: `default ${String(p.default)} is above max ${p.max}` });
  });

export const ruleFileSchema = z.strictObject({
  /** Equals the file name without `.yaml`. */
  id: z.string().regex(CHECK_ID, 'must look like area.slug (lower case, dots and dashes)'),
  /** Raised when the check's meaning changes, so stored results say which version judged them. */
  version: z.number().int().min(1),
  title: z.string().min(1),
  /** Model statements this check evidences (non-floor ids). */
  capabilities: z.array(z.string().regex(CAPABILITY_ID, 'must be a capability id area.level.slug')).min(1),
  /** Level-100 (floor) statements a pass of this check shows to be no longer true; informational. */
  inverseOf: z.array(z.string().regex(CAPABILITY_ID, 'must be a capability id area.level.slug')).default([]),
  severity: z.enum(['low', 'medium', 'high', 'critical']),
  /**
   * Evidence keys (`tenantSettings`) and facts (`facts.dlp`) the check reads. When one is not
   * `ok` the check gives `unknown` with the collection's reason; CEL may read only these.
   */
  requires: z.array(z.string().min(1)).min(1),
  /** Thresholds and lists the CEL reads as `params.<name>`; reported with every result. */
  parameters: z.record(z.string().regex(IDENTIFIER, 'must be an identifier'), parameterSchema).default({}),
  /** CEL, must give a bool: false makes the check `not_applicable`. */
  applies: z.string().min(1).optional(),
  /**
   * CEL, must give a bool: false makes the check `unknown` with messages.unknown. For evidence
   * whose keys may be absent (tenant settings): a missing key is unknown, not false.
   */
  known: z.string().min(1).optional(),
  /** CEL, must give a bool: true is `pass`, false is `fail`. */
  expr: z.string().min(1),
  /** Values reported with the result, by name: CEL expressions giving plain values. */
  actual: z.record(z.string().regex(IDENTIFIER, 'must be an identifier'), z.string().min(1)).default({}),
  /** One sentence per outcome, with `{{ CEL }}` placeholders. */
  messages: z.strictObject({
    pass: z.string().min(1),
    fail: z.string().min(1),
    notApplicable: z.string().min(1).optional(),
    unknown: z.string().min(1).optional(),
  }),
  remediation: z.string().min(1),
  references: z.array(z.url()).default([]),
});
export type RuleFile = z.infer<typeof ruleFileSchema>;

export const areasFileSchema = z.strictObject({
  areas: z.array(z.strictObject({ id: z.enum(AREAS), name: z.string().min(1) })).min(1),
});

export const statementSchema = z
  .strictObject({
    id: z.string().regex(CAPABILITY_ID, 'must be area.level.slug'),
    level: z.union(LEVELS.map((level) => z.literal(level)) as [z.ZodLiteral<100>, z.ZodLiteral<200>, z.ZodLiteral<300>, z.ZodLiteral<400>, z.ZodLiteral<500>]),
    statement: z.string().min(1),
    /** The model's full sentence this statement shortens (maturity-model.md); a meta-test matches it to the model's tables. */
    source: z.string().min(1).optional(),
    assessment: z.enum(['automated', 'attested', 'hybrid']),
    signal: z.enum(['necessary', 'hint']).optional(),
    floor: z.boolean().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.assessment === 'hybrid' && !s.signal) ctx.addIssue({ code: 'custom', path: ['signal'], message: 'a hybrid statement needs signal: necessary or hint' });
    if (s.assessment !== 'hybrid' && s.signal) ctx.addIssue({ code: 'custom', path: ['signal'], message: 'only hybrid statements have a signal' });
    if ((s.level === 100) !== (s.floor === true)) ctx.addIssue({ code: 'custom', path: ['floor'], message: 'level-100 statements, and only they, are floor: true' });
  });

export const statementsFileSchema = z.strictObject({
  area: z.enum(AREAS),
  statements: z.array(statementSchema).min(1),
});
