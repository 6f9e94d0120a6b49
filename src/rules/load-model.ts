/**
 * Loads the maturity model catalogue (`rules/model/*.yaml`): the nine areas and the
 * capability statements of the areas written so far. An area without a statements file
 * is allowed (its statements come later) and simply gets no score.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { PpmatError } from '../errors/catalogue.js';
import { AREAS, type Capability } from '../scoring/types.js';
import { areasFileSchema, statementsFileSchema } from './rule-schema.js';
import type { AreaInfo } from './rule-set.js';
import { listYamlFiles, readYaml, whereOf, validateYaml, type YamlSource } from './yaml-source.js';

const CODE = 'PPMAT_E_MODEL_INVALID';
type StatementsFile = z.infer<typeof statementsFileSchema>;
export const AREAS_FILE = 'areas.yaml';

export interface LoadedModel {
  areas: AreaInfo[];
  catalogue: Capability[];
  /** The files read, for the rule-set version. */
  sources: YamlSource[];
}

/**
 * Reads and validates `modelDir`, then each pack's model folder (absent folders are skipped);
 * refuses with file:line on the first problem. A pack's files add statements to an area and
 * cannot redefine the areas or an existing statement.
 */
export async function loadModel(modelDir: string, packModelDirs: readonly string[] = []): Promise<LoadedModel> {
  const names = await listYamlFiles(modelDir, CODE);
  if (!names.includes(AREAS_FILE)) throw new PpmatError(CODE, `${AREAS_FILE} is missing`, { where: modelDir });
  const sources: YamlSource[] = [];
  let areas: AreaInfo[] = [];
  const catalogue: Capability[] = [];
  const seenIds = new Map<string, string>();
  const areaFiles = new Map<string, string>();
  for (const name of names) {
    const source = await readYaml(path.join(modelDir, name), CODE);
    sources.push(source);
    if (name === AREAS_FILE) {
      areas = validateYaml(source, areasFileSchema, CODE).areas;
      const missing = AREAS.filter((area) => !areas.some((a) => a.id === area));
      if (missing.length > 0 || areas.length !== AREAS.length) {
        throw new PpmatError(CODE, `areas must list each of ${AREAS.join(', ')} exactly once (missing: ${missing.join(', ') || 'none'})`, {
          where: whereOf(source, ['areas']),
        });
      }
      continue;
    }
    const file = validateYaml(source, statementsFileSchema, CODE);
    const previous = areaFiles.get(file.area);
    if (previous) throw new PpmatError(CODE, `area ${file.area} is already defined in ${previous}`, { where: whereOf(source, ['area']) });
    areaFiles.set(file.area, source.file);
    addStatements(file, source, seenIds, catalogue);
  }
  for (const dir of packModelDirs) {
    if (!(await isDirectory(dir))) continue;
    for (const name of await listYamlFiles(dir, CODE)) {
      const source = await readYaml(path.join(dir, name), CODE);
      sources.push(source);
      if (name === AREAS_FILE) throw new PpmatError(CODE, `a pack cannot redefine the areas; give statements with area: <id> instead`, { where: `${source.file}:1` });
      const file = validateYaml(source, statementsFileSchema, CODE);
      addStatements(file, source, seenIds, catalogue, true);
    }
  }
  return { areas, catalogue, sources };
}

function addStatements(file: StatementsFile, source: YamlSource, seenIds: Map<string, string>, catalogue: Capability[], custom = false): void {
  file.statements.forEach((statement, index) => {
    const where = whereOf(source, ['statements', index, 'id']);
    if (!statement.id.startsWith(`${file.area}.${statement.level}.`)) {
      throw new PpmatError(CODE, `id ${statement.id} must start with ${file.area}.${statement.level}.`, { where });
    }
    const duplicate = seenIds.get(statement.id);
    if (duplicate) throw new PpmatError(CODE, `duplicate statement id ${statement.id} (first at ${duplicate})`, { where });
    seenIds.set(statement.id, where);
    catalogue.push({
      id: statement.id,
      area: file.area,
      level: statement.level,
      statement: statement.statement,
      assessment: statement.assessment,
      ...(statement.signal ? { signal: statement.signal } : {}),
      ...(statement.floor ? { floor: true } : {}),
      ...(custom ? { custom: true } : {}),
    });
  });
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
