/**
 * Reads ppmat.yaml and the environment into a validated {@link Config}, or fails fast
 * with the file, line and path of every bad key.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node, type Document } from 'yaml';
import type { z } from 'zod';
import { PpmatError } from '../errors/catalogue.js';
import { configSchema, type Config } from './config-schema.js';

/** Environment variables ppmat reads, and the config key each one sets. */
export const ENV_OVERRIDES = {
  DATABASE_URL: 'databaseUrl',
  PPMAT_DATA_DIR: 'dataDir',
  PPMAT_LOG_LEVEL: 'log.level',
  PPMAT_LOG_FORMAT: 'log.format',
  PPMAT_RULES_DIR: 'rulesDir',
  PPMAT_DEMO_PROFILE: 'demo.profile',
  PPMAT_API_HOST: 'api.host',
  PPMAT_API_PORT: 'api.port',
  PPMAT_SCAN_MODE: 'scans.mode',
  PPMAT_LEASE_SECONDS: 'scans.leaseSeconds',
} as const;

export interface LoadedConfig {
  config: Config;
  /** The file read, or null when none exists (defaults and environment only). */
  file: string | null;
}

export interface LoadConfigOptions {
  /** An explicit path (--config or PPMAT_CONFIG): it must exist. */
  path?: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = options.path ?? options.env.PPMAT_CONFIG;
  const file = path.resolve(options.cwd, explicit ?? 'ppmat.yaml');
  let text: string | null = null;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (explicit || (error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new PpmatError('PPMAT_E_CONFIG_READ', `cannot read the configuration: ${(error as Error).message}`, { where: file, cause: error });
    }
  }
  const lineCounter = new LineCounter();
  const doc = text === null ? null : parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc && doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line;
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', `not valid YAML: ${first.message.split('\n')[0]}`, { where: line ? `${file}:${line}` : file });
  }
  const raw: unknown = doc?.toJS() ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'the configuration must be a mapping of keys to values.', { where: file });
  }
  const withEnv = applyEnv(raw as Record<string, unknown>, options.env);
  const parsed = configSchema.safeParse(withEnv);
  if (!parsed.success) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', describeIssues(parsed.error.issues, doc, lineCounter), { where: text === null ? 'environment' : file });
  }
  const config = parsed.data;
  // Relative paths in the file are relative to the file, not to wherever ppmat was started.
  const base = text === null ? options.cwd : path.dirname(file);
  config.dataDir = path.resolve(base, config.dataDir);
  if (config.rulesDir) config.rulesDir = path.resolve(base, config.rulesDir);
  config.rules.packs = config.rules.packs.map((dir) => path.resolve(base, dir));
  return { config, file: text === null ? null : file };
}

function applyEnv(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [name, key] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const parts = key.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) {
      const next = target[part];
      target[part] = next !== null && typeof next === 'object' && !Array.isArray(next) ? next : {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts.at(-1)!] = value;
  }
  return out;
}

function describeIssues(issues: z.core.$ZodIssue[], doc: Document | null, lineCounter: LineCounter): string {
  // An unknown key is reported on its own line, under its own path.
  const expanded = issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key (misspelled, or not a setting of this version)' }))
      : [{ path: issue.path, message: issue.message }],
  );
  return expanded
    .map((issue) => {
      const keyPath = formatPath(issue.path) || '(top level)';
      const line = doc ? lineOf(doc, issue.path, lineCounter) : undefined;
      const envName = Object.entries(ENV_OVERRIDES).find(([, key]) => key === issue.path.join('.'))?.[0];
      return `${line ? `line ${line}, ` : ''}${keyPath}: ${issue.message}${envName ? ` (also settable with ${envName})` : ''}`;
    })
    .join('; ');
}

export function formatPath(keyPath: PropertyKey[]): string {
  return keyPath.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** The line of the deepest node on `keyPath` that exists in the document. */
function lineOf(doc: Document, keyPath: PropertyKey[], lineCounter: LineCounter): number | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (const key of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      found = (pair.key as Node) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) break;
      found = node as Node;
    } else break;
  }
  const offset = found?.range?.[0];
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}
