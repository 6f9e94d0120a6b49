/**
 * Message templates: text with `{{ CEL expression }}` placeholders.
 *
 * Messages are the sentence a person reads, so they must carry the actual values
 * ("11 of 12 environments"), not a canned text. Each placeholder is compiled with the
 * same CEL environment and variables as the check's expression, so a typo is refused
 * at load and not discovered in the middle of a nightly scan.
 * A placeholder must not itself contain `}}`.
 */
import type { CelEnv } from '@bufbuild/cel';
import { compileCel, type CelBindings, type CompiledCel } from './cel.js';

const PLACEHOLDER = /\{\{(.*?)\}\}/gs;

export interface CompiledTemplate {
  source: string;
  /** Text and compiled placeholders, in order. */
  parts: (string | CompiledCel)[];
}

/** Compiles every placeholder; throws the first compile error, prefixed with the placeholder. */
export function compileTemplate(env: CelEnv, source: string, allowedRoots: ReadonlySet<string>): CompiledTemplate {
  const parts: (string | CompiledCel)[] = [];
  let last = 0;
  for (const match of source.matchAll(PLACEHOLDER)) {
    const index = match.index;
    if (index > last) parts.push(literal(source.slice(last, index)));
    const expression = (match[1] ?? '').trim();
    try {
      parts.push(compileCel(env, expression, allowedRoots));
    } catch (error) {
      throw new Error(`placeholder {{ ${expression} }} ${(error as Error).message}`, { cause: error });
    }
    last = index + match[0].length;
  }
  if (last < source.length) parts.push(literal(source.slice(last)));
  return { source, parts };
}

/** Line breaks in literal text (YAML folded scalars keep some) read as one space: a message is one sentence. */
const literal = (text: string): string => text.replace(/[ \t]*\n\s*/g, ' ');

/** The roots, facts and parameters the template's placeholders read. */
export function templateUsage(template: CompiledTemplate): { roots: string[]; facts: string[]; params: string[] } {
  const compiled = template.parts.filter((part): part is CompiledCel => typeof part !== 'string');
  return { roots: compiled.flatMap((c) => c.roots), facts: compiled.flatMap((c) => c.facts), params: compiled.flatMap((c) => c.params) };
}

/** Renders the template, or says which placeholder failed and why. */
export function renderTemplate(template: CompiledTemplate, bindings: CelBindings): { ok: true; text: string } | { ok: false; error: string } {
  let text = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const result = part.run(bindings);
    if (!result.ok) return { ok: false, error: `{{ ${part.source} }}: ${result.error}` };
    text += toText(result.value);
  }
  return { ok: true, text };
}

/** How a value reads in a sentence: lists are joined with ", ", null reads "none". */
export function toText(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return value.map(toText).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
