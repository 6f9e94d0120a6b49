/**
 * The CEL adapter: the one place that knows how @bufbuild/cel 0.6.1 is called.
 *
 * Rules are written against plain JSON (the evidence snapshot and the derived facts).
 * The library accepts plain objects and arrays as CEL maps and lists, but maps every JS
 * `number` to a CEL `double`, while `size()` and integer literals are CEL `int`s; mixing
 * them in arithmetic (`x + 1`) is a runtime error. So every JSON number that is an integer
 * becomes a CEL `int` (bigint) on the way in, and any other number a `double`. Rule authors
 * therefore write integer literals for counts (`size() > 0`, `maxUsers >= 0`) and double
 * literals or `double(x)` only for fractions. Comparison and equality across int and double
 * work in both directions (`1 == 1.0` is true). On the way out, ints become JS numbers again.
 *
 * The library has no type checker, so `compileCel` walks the parsed AST to refuse, at load,
 * calls to unknown functions and references to variables the rule does not declare.
 */
import {
  CelScalar,
  celEnv,
  celFunc,
  listType,
  isCelError,
  isCelList,
  isCelMap,
  isCelUint,
  parse,
  plan,
  type CelEnv,
  type CelInput,
  type CelValue,
} from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { listAppendFuncs } from './cel-list-append.js';

/** Variables bound when a compiled expression runs: evidence documents by key, and `facts`. */
export type CelBindings = Record<string, unknown>;

/** The outcome of running one expression: a plain-JSON value, or the CEL error's message. */
export type CelRunResult = { ok: true; value: unknown } | { ok: false; error: string };

/** A compiled expression: parsed and planned once at load, run once per check evaluation. */
export interface CompiledCel {
  source: string;
  /** Root variable names the expression reads (e.g. `tenantSettings`, `facts`). */
  roots: string[];
  /** Fact names read as `facts.<name>`. */
  facts: string[];
  /** Parameter names read as `params.<name>`. */
  params: string[];
  run(bindings: CelBindings): CelRunResult;
}

/** Why an expression was refused at compile time. */
export class CelCompileError extends Error {
  override readonly name = 'CelCompileError';
}

/**
 * Operators and macros the planner implements itself, so the function resolver does not list them.
 * (Found by reading the parsed AST of `&&`, `||`, `?:`, `[]` and the comprehension macros.)
 */
const PLANNER_BUILTINS = new Set(['_&&_', '_||_', '_?_:_', '@not_strictly_false', '_[_]', '_[?_]', '@in']);

/** How many names `names(list)` prints before "and N more". */
export const DEFAULT_NAMES_SHOWN = 10;

/**
 * `'A', 'B' and 'C'`; with more than `max` items, `'A', 'B' and 3 more`. Messages name the
 * resources, but a tenant may have hundreds of uncovered developer environments, so lists
 * are cut at `max` items.
 */
export function formatNames(items: readonly unknown[], max: number = DEFAULT_NAMES_SHOWN): string {
  const quoted = items.map((item) => `'${String(fromCel(item))}'`);
  const shown = Math.max(1, max);
  if (quoted.length > shown) return `${quoted.slice(0, shown).join(', ')} and ${quoted.length - shown} more`;
  return joinWithAnd(quoted);
}

/** How many phrases `listing(list)` prints before "and N more". */
export const LISTING_SHOWN = 20;

/**
 * `a, b and c`, unquoted: for lists of phrases a check composes itself ("is report-only and
 * does not apply to Power Platform apps"), where `names()` would quote them. Cut after
 * {@link LISTING_SHOWN} phrases, as a list built per environment can hold thousands.
 */
export function formatListing(items: readonly unknown[]): string {
  const phrases = items.map((item) => String(fromCel(item)));
  if (phrases.length > LISTING_SHOWN) return `${phrases.slice(0, LISTING_SHOWN).join(', ')} and ${phrases.length - LISTING_SHOWN} more`;
  return joinWithAnd(phrases);
}

function joinWithAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The sum of `count` over the buckets of a histogram (`[{value, count}]`) whose `value` is
 * above `threshold`. Facts keep histograms (apps by days since their last change, by people
 * shared with) so a check's threshold can be a parameter an organization overrides, while
 * the fact stays independent of it.
 */
export function countAbove(histogram: readonly unknown[], threshold: number): number {
  let total = 0;
  for (const bucket of histogram) {
    const plain = fromCel(bucket) as { value?: unknown; count?: unknown } | null;
    if (!plain || typeof plain.value !== 'number' || typeof plain.count !== 'number') {
      throw new Error(`countAbove() needs a list of {value, count} buckets, got ${JSON.stringify(plain)}`);
    }
    if (plain.value > threshold) total += plain.count;
  }
  return total;
}

/**
 * Functions ppmat adds to CEL: for messages `names(list)`, `names(list, max)` (see
 * `formatNames`) and `listing(list)` (see `formatListing`); for thresholds `countAbove(histogram, n)`.
 */
function ppmatFuncs() {
  return [
    celFunc('countAbove', [listType(CelScalar.DYN), CelScalar.INT], CelScalar.INT, (list, n) => BigInt(countAbove([...list], Number(n)))),
    celFunc('countAbove', [listType(CelScalar.DYN), CelScalar.DOUBLE], CelScalar.INT, (list, n) => BigInt(countAbove([...list], n))),
    celFunc('names', [listType(CelScalar.DYN)], CelScalar.STRING, (list) => formatNames([...list])),
    celFunc('names', [listType(CelScalar.DYN), CelScalar.INT], CelScalar.STRING, (list, max) => formatNames([...list], Number(max))),
    celFunc('listing', [listType(CelScalar.DYN)], CelScalar.STRING, (list) => formatListing([...list])),
  ];
}

/**
 * Creates the CEL environment rules run in: the standard library (its `list + list` replaced
 * by one that stays linear in `filter` and `map`, see cel-list-append.ts), the strings
 * extension (`join`, ...), `names()`, `listing()` and `countAbove()`.
 */
export function createCelEnv(): CelEnv {
  return celEnv({ funcs: [...strings, ...ppmatFuncs(), ...listAppendFuncs()] });
}

/**
 * Parses, checks and plans one expression.
 * @param allowedRoots the root variables the expression may read; any other identifier is refused.
 * @throws CelCompileError with the parser's or the checker's reason.
 */
export function compileCel(env: CelEnv, source: string, allowedRoots: ReadonlySet<string>): CompiledCel {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    throw new CelCompileError(`does not parse: ${(error as Error).message}`);
  }
  const usage = collectUsage(parsed.expr);
  const unknownFunctions = [...usage.functions].filter((name) => !PLANNER_BUILTINS.has(name) && !env.funcs.find(name));
  if (unknownFunctions.length > 0) throw new CelCompileError(`unknown function ${unknownFunctions.map((f) => `'${f}'`).join(', ')}`);
  const unknownRoots = [...usage.roots].filter((name) => !allowedRoots.has(name));
  if (unknownRoots.includes('params')) throw new CelCompileError(`reads params, but the check declares no parameters`);
  if (unknownRoots.length > 0) {
    throw new CelCompileError(
      `reads ${unknownRoots.map((r) => `'${r}'`).join(', ')}, which is not declared in requires (declared: ${[...allowedRoots].join(', ') || 'none'})`,
    );
  }
  let planned: (bindings: Record<string, CelInput>) => unknown;
  try {
    planned = plan(env, parsed) as (bindings: Record<string, CelInput>) => unknown;
  } catch (error) {
    throw new CelCompileError(`cannot be planned: ${(error as Error).message}`);
  }
  return {
    source,
    roots: [...usage.roots],
    facts: [...usage.facts],
    params: [...usage.params],
    run(bindings) {
      try {
        const result = planned(toCelBindings(bindings));
        if (isCelError(result)) return { ok: false, error: result.message };
        return { ok: true, value: fromCel(result as CelValue) };
      } catch (error) {
        return { ok: false, error: (error as Error).message };
      }
    },
  };
}

interface Usage {
  roots: Set<string>;
  facts: Set<string>;
  params: Set<string>;
  functions: Set<string>;
}

/** Minimal structural view of the parsed AST (cel.expr.Expr), enough to walk it. */
interface AstExpr {
  exprKind:
    | { case: 'identExpr'; value: { name: string } }
    | { case: 'selectExpr'; value: { operand?: AstExpr; field: string } }
    | { case: 'callExpr'; value: { function: string; target?: AstExpr; args: AstExpr[] } }
    | { case: 'listExpr'; value: { elements: AstExpr[] } }
    | { case: 'structExpr'; value: { entries: { keyKind: { case: string; value?: unknown }; value?: AstExpr }[] } }
    | {
        case: 'comprehensionExpr';
        value: {
          iterVar: string;
          iterVar2?: string;
          accuVar: string;
          iterRange?: AstExpr;
          accuInit?: AstExpr;
          loopCondition?: AstExpr;
          loopStep?: AstExpr;
          result?: AstExpr;
        };
      }
    | { case: 'constExpr' | undefined; value?: unknown };
}

function collectUsage(root: unknown): Usage {
  const usage: Usage = { roots: new Set(), facts: new Set(), params: new Set(), functions: new Set() };
  const walk = (node: AstExpr | undefined, bound: ReadonlySet<string>): void => {
    if (!node) return;
    const kind = node.exprKind;
    switch (kind.case) {
      case 'identExpr':
        if (!bound.has(kind.value.name)) usage.roots.add(kind.value.name);
        return;
      case 'selectExpr': {
        const operand = kind.value.operand;
        if (operand?.exprKind.case === 'identExpr' && !bound.has(operand.exprKind.value.name)) {
          if (operand.exprKind.value.name === 'facts') usage.facts.add(kind.value.field);
          if (operand.exprKind.value.name === 'params') usage.params.add(kind.value.field);
        }
        walk(operand, bound);
        return;
      }
      case 'callExpr':
        usage.functions.add(kind.value.function);
        walk(kind.value.target, bound);
        for (const arg of kind.value.args) walk(arg, bound);
        return;
      case 'listExpr':
        for (const element of kind.value.elements) walk(element, bound);
        return;
      case 'structExpr':
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') walk(entry.keyKind.value as AstExpr, bound);
          walk(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        walk(c.iterRange, bound);
        walk(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
        walk(c.loopCondition, inner);
        walk(c.loopStep, inner);
        walk(c.result, inner);
        return;
      }
      default:
        return;
    }
  };
  walk(root as AstExpr, new Set());
  return usage;
}

/**
 * Conversions already made, by the object converted. Every expression of every check of a
 * scan binds the same facts and evidence objects: converting them once, not once per
 * expression, was two thirds of judging a 10,000-environment tenant. Bindings are plain data
 * that nothing changes once judging starts; the entries go with the objects (a WeakMap), so
 * this holds no scan beyond its life. A cache, not a dependency: the result is the same.
 */
const converted = new WeakMap<object, CelInput>();

/** Converts every binding to CEL input (see the module comment for the number rule). */
function toCelBindings(bindings: CelBindings): Record<string, CelInput> {
  const out: Record<string, CelInput> = {};
  for (const [name, value] of Object.entries(bindings)) {
    if (value === undefined) continue;
    if (value === null || typeof value !== 'object') {
      out[name] = toCelInput(value);
      continue;
    }
    let input = converted.get(value);
    if (input === undefined) {
      input = toCelInput(value);
      converted.set(value, input);
    }
    out[name] = input;
  }
  return out;
}

/** Plain JSON to CEL input: integral numbers become ints (bigint), undefined object members are dropped. */
export function toCelInput(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (Array.isArray(value)) return value.map(toCelInput);
  if (typeof value === 'object') {
    const out: Record<string, CelInput> = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
      if (member !== undefined) out[key] = toCelInput(member);
    }
    return out;
  }
  return String(value);
}

/** CEL value to plain JSON: ints become numbers, lists arrays, maps objects. */
export function fromCel(value: CelValue | unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return [...value].map(fromCel);
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of value) out[String(key)] = fromCel(member);
    return out;
  }
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value as Record<string, unknown>)) out[key] = fromCel(member);
    return out;
  }
  return String(value);
}
