/**
 * YAML files with line numbers: every declarative input is refused with FILE:LINE and a
 * reason, so a rule author finds the bad key without bisecting the file.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { PpmatError, type ErrorCode } from '../errors/catalogue.js';

/** One parsed YAML file: its text, its document (for node positions) and its plain value. */
export interface YamlSource {
  /** The path as given (used in `where`). */
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

/** The `.yaml` file names in `dir`, sorted; a missing directory is refused with `code`. */
export async function listYamlFiles(dir: string, code: ErrorCode): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith('.yaml')).sort();
  } catch (error) {
    throw new PpmatError(code, `cannot read the directory: ${(error as Error).message}`, { where: dir, cause: error });
  }
}

/** Reads and parses a YAML file; a syntax error is refused with its line. */
export async function readYaml(file: string, code: ErrorCode): Promise<YamlSource> {
  const text = await readFile(file, 'utf8');
  return parseYaml(file, text, code);
}

/** Parses YAML text; a syntax error (or a duplicate key) is refused with its line. */
export function parseYaml(file: string, text: string, code: ErrorCode): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new PpmatError(code, `invalid YAML: ${first.message.split('\n')[0]}`, { where: `${file}:${line}` });
  }
  return { file, text, doc, lines, value: doc.toJS() };
}

/**
 * The 1-based line of the node at `path`; with `key`, the line of that key inside the map at
 * `path`. Falls back to the nearest existing ancestor, then to line 1.
 */
export function lineOf(source: YamlSource, path: readonly PropertyKey[], key?: string): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = nodeAt(source.doc, path.slice(0, depth));
    if (!node) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
      const keyRange = (pair?.key as Node | undefined)?.range;
      if (keyRange) return source.lines.linePos(keyRange[0]).line;
    }
    if (node.range) return source.lines.linePos(node.range[0]).line;
  }
  return 1;
}

function nodeAt(doc: Document.Parsed, path: readonly PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      node = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === segment)?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
    } else {
      return undefined;
    }
  }
  return (node ?? undefined) as Node | undefined;
}

/** `file:line` for a path in the source. */
export function whereOf(source: YamlSource, path: readonly PropertyKey[], key?: string): string {
  return `${source.file}:${lineOf(source, path, key)}`;
}

/**
 * Validates the source's value; the first issue is refused with the line of the bad node
 * (for an unknown key, the line of that key).
 */
export function validateYaml<T extends z.ZodType>(source: YamlSource, schema: T, code: ErrorCode): z.output<T> {
  const result = schema.safeParse(source.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new PpmatError(code, 'invalid', { where: `${source.file}:1` });
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    throw new PpmatError(code, `unknown key '${key}'${path.length ? ` in ${path.join('.')}` : ''}`, { where: whereOf(source, path, key) });
  }
  const label = path.length ? `${path.join('.')}: ` : '';
  throw new PpmatError(code, `${label}${issue.message}`, { where: whereOf(source, path) });
}
