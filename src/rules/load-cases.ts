/**
 * Cases files (`rules/checks/<id>.cases.yaml`): the table-driven tests of one check.
 *
 * Each case patches a base evidence snapshot (a file under `rules/checks/fixtures/`) and
 * states the expected outcome and the exact message, so a check's wording is reviewed like
 * its logic. Used by the test suite and by any "rules test" command.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PpmatError } from '../errors/catalogue.js';
import { evidenceDataSchemas, type EvidenceKey } from '../evidence/schemas.js';
import { environmentInventorySchema, INVENTORY_PARTITION_PREFIX, OWNERS_PARTITION_KEY, ownerDirectorySchema } from '../evidence/inventory.schemas.js';
import type { EvidenceSnapshot } from '../evidence/snapshot.js';
import { applyPatch } from './patch.js';
import { readYaml, validateYaml, whereOf, type YamlSource } from './yaml-source.js';

const CODE = 'PPMAT_E_CASES_INVALID';

const caseSchema = z.strictObject({
  name: z.string().min(1),
  /** Applied to the base snapshot (see patch.ts). */
  patch: z.record(z.string(), z.unknown()).default({}),
  /** Parameter values for this case, as an organization would override them (the check's defaults otherwise). */
  parameters: z.record(z.string(), z.unknown()).optional(),
  outcome: z.enum(['pass', 'fail', 'unknown', 'not_applicable', 'attested']),
  message: z.string().min(1),
  /** Optional expected `actual` values (a subset is enough). */
  actual: z.record(z.string(), z.unknown()).optional(),
});

const casesFileSchema = z.strictObject({
  check: z.string().min(1),
  /** Fixture name under `fixtures/` without `.yaml`. */
  base: z.string().regex(/^[a-z0-9-]+$/),
  cases: z.array(caseSchema).min(1),
});

const snapshotSchema = z.object({
  tenantId: z.string(),
  collectedAt: z.string(),
  evidence: z.record(
    z.string(),
    z.object({
      key: z.string(),
      status: z.enum(['ok', 'unavailable', 'error']),
      data: z.unknown().optional(),
      reason: z.string().optional(),
      errorCode: z.string().optional(),
      collectedAt: z.string(),
    }),
  ),
  partitions: z.record(z.string(), z.unknown()).optional(),
});

export interface CheckCase {
  name: string;
  outcome: z.infer<typeof caseSchema>['outcome'];
  message: string;
  actual?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  snapshot: EvidenceSnapshot;
  /** file:line of the case, for failure messages. */
  where: string;
}

export interface CasesFile {
  check: string;
  file: string;
  cases: CheckCase[];
}

/**
 * Loads one cases file and builds each case's snapshot; every built snapshot's `ok` evidence is
 * validated against the evidence schemas, so fixtures cannot drift from what collectors produce.
 */
export async function loadCases(casesFile: string, fixtureDirs: readonly string[] = []): Promise<CasesFile> {
  const source = await readYaml(casesFile, CODE);
  const file = validateYaml(source, casesFileSchema, CODE);
  const base = await readYaml(await findFixture(file.base, [path.join(path.dirname(casesFile), 'fixtures'), ...fixtureDirs], whereOf(source, ['base'])), CODE);
  const cases = file.cases.map((c, index) => {
    const where = whereOf(source, ['cases', index, 'name']);
    const snapshot = buildSnapshot(base, c.patch, where);
    return {
      name: c.name,
      outcome: c.outcome,
      message: c.message,
      ...(c.actual ? { actual: c.actual } : {}),
      ...(c.parameters ? { parameters: c.parameters } : {}),
      snapshot,
      where,
    };
  });
  return { check: file.check, file: casesFile, cases };
}

/** The first `fixtures/<name>.yaml` found: beside the cases file, then in the other rule folders. */
async function findFixture(name: string, dirs: readonly string[], where: string): Promise<string> {
  for (const dir of [...new Set(dirs)]) {
    const file = path.join(dir, `${name}.yaml`);
    try {
      await access(file);
      return file;
    } catch {
      // not in this folder
    }
  }
  throw new PpmatError(CODE, `no fixture '${name}' (looked in ${[...new Set(dirs)].join(', ')})`, { where });
}

function buildSnapshot(base: YamlSource, patch: Record<string, unknown>, where: string): EvidenceSnapshot {
  const parsed = snapshotSchema.safeParse(applyPatch(base.value, patch));
  if (!parsed.success) throw new PpmatError(CODE, `the patched snapshot is invalid: ${z.prettifyError(parsed.error)}`, { where });
  for (const [key, item] of Object.entries(parsed.data.evidence)) {
    if (!(key in evidenceDataSchemas)) throw new PpmatError(CODE, `unknown evidence key '${key}'`, { where });
    if (item.status !== 'ok') continue;
    const data = evidenceDataSchemas[key as EvidenceKey].safeParse(item.data);
    if (!data.success) throw new PpmatError(CODE, `evidence ${key} does not match its schema: ${z.prettifyError(data.error)}`, { where });
  }
  for (const [key, doc] of Object.entries(parsed.data.partitions ?? {})) {
    const schema = key === OWNERS_PARTITION_KEY ? ownerDirectorySchema : key.startsWith(INVENTORY_PARTITION_PREFIX) ? environmentInventorySchema : null;
    if (!schema) throw new PpmatError(CODE, `unknown partition key '${key}' (expected ${INVENTORY_PARTITION_PREFIX}{environment id} or ${OWNERS_PARTITION_KEY})`, { where });
    const data = schema.safeParse(doc);
    if (!data.success) throw new PpmatError(CODE, `partition ${key} does not match its schema: ${z.prettifyError(data.error)}`, { where });
  }
  return parsed.data as EvidenceSnapshot;
}
