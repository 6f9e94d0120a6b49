/**
 * The part of OData `$filter` the simulator's Dataverse answers: comparisons
 * (`eq ne gt ge lt le`) of a column with a literal (`'text'`, number, `true`, `false`, `null`,
 * a date-time or GUID), joined by `and` / `or`, with parentheses. Text compares
 * case-insensitively, as Dataverse does; date-times compare as instants.
 */
import type { DataverseRow } from './dataverse-model.js';

export type RowPredicate = (row: DataverseRow) => boolean;

/** Why a filter was refused, in Dataverse's words where it has some. */
export class ODataFilterError extends Error {}

type Literal = string | number | boolean | null | { instant: number; text: string };
type Token = { kind: 'open' | 'close' } | { kind: 'word'; text: string } | { kind: 'literal'; value: Literal };

const TOKEN = /\s*(?:(\()|(\))|'((?:[^']|'')*)'|(\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|(-?\d+(?:\.\d+)?)(?![\w-])|([A-Za-z_][\w]*))/iy;
const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

/**
 * Compiles a `$filter`; `columns` are the table's columns (an unknown one is refused like
 * Dataverse does), null when the table is empty and its columns are not known.
 */
export function compileFilter(filter: string, columns: ReadonlySet<string> | null, entity: string): RowPredicate {
  const tokens = tokenize(filter);
  let at = 0;
  const peekWord = (): string | null => {
    const token = tokens[at];
    return token?.kind === 'word' ? token.text.toLowerCase() : null;
  };
  const orExpr = (): RowPredicate => {
    const parts = [andExpr()];
    while (peekWord() === 'or') {
      at += 1;
      parts.push(andExpr());
    }
    return parts.length === 1 ? (parts[0] as RowPredicate) : (row) => parts.some((p) => p(row));
  };
  const andExpr = (): RowPredicate => {
    const parts = [comparison()];
    while (peekWord() === 'and') {
      at += 1;
      parts.push(comparison());
    }
    return parts.length === 1 ? (parts[0] as RowPredicate) : (row) => parts.every((p) => p(row));
  };
  const comparison = (): RowPredicate => {
    const token = tokens[at++];
    if (token?.kind === 'open') {
      const inner = orExpr();
      if (tokens[at++]?.kind !== 'close') throw new ODataFilterError(`Syntax error: ')' expected in $filter '${filter}'.`);
      return inner;
    }
    if (token?.kind !== 'word') throw new ODataFilterError(`Syntax error: a column name expected in $filter '${filter}'.`);
    const column = token.text.toLowerCase();
    if (columns && !columns.has(column)) throw new ODataFilterError(`Could not find a property named '${token.text}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    const op = peekWord();
    if (op === null || !OPERATORS.has(op)) throw new ODataFilterError(`Syntax error: an operator (eq, ne, gt, ge, lt, le) expected after '${token.text}' in $filter '${filter}'.`);
    at += 1;
    const literal = tokens[at++];
    if (literal?.kind !== 'literal') throw new ODataFilterError(`Syntax error: a value expected after '${token.text} ${op}' in $filter '${filter}'.`);
    return (row) => compare(row[column] ?? null, op, literal.value);
  };
  const predicate = orExpr();
  if (at !== tokens.length) throw new ODataFilterError(`Syntax error at position ${at} in $filter '${filter}'.`);
  return predicate;
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < filter.length) {
    if (/^\s*$/.test(filter.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(filter);
    if (!m) throw new ODataFilterError(`Syntax error at position ${TOKEN.lastIndex} in $filter '${filter}'.`);
    if (m[1]) tokens.push({ kind: 'open' });
    else if (m[2]) tokens.push({ kind: 'close' });
    else if (m[3] !== undefined) tokens.push({ kind: 'literal', value: m[3].replace(/''/g, "'") });
    else if (m[4]) tokens.push({ kind: 'literal', value: { instant: Date.parse(m[4]), text: m[4] } });
    else if (m[5]) tokens.push({ kind: 'literal', value: m[5] });
    else if (m[6]) tokens.push({ kind: 'literal', value: Number(m[6]) });
    else if (m[7]) {
      const word = m[7].toLowerCase();
      tokens.push(word === 'true' || word === 'false' ? { kind: 'literal', value: word === 'true' } : word === 'null' ? { kind: 'literal', value: null } : { kind: 'word', text: m[7] });
    }
  }
  return tokens;
}

function compare(value: DataverseRow[string], op: string, literal: Literal): boolean {
  let left: number | string | boolean | null = value;
  let right: number | string | boolean | null;
  if (literal !== null && typeof literal === 'object') {
    left = typeof value === 'string' ? Date.parse(value) : null;
    right = literal.instant;
  } else if (typeof literal === 'string') {
    left = typeof value === 'string' ? value.toLowerCase() : value;
    right = literal.toLowerCase();
  } else {
    right = literal;
  }
  if (op === 'eq') return left === right;
  if (op === 'ne') return left !== right;
  if (left === null || right === null || typeof left !== typeof right) return false;
  if (op === 'gt') return left > right;
  if (op === 'ge') return left >= right;
  if (op === 'lt') return left < right;
  return left <= right;
}
