/**
 * schema.prisma and prisma/migrations/*.sql must describe the same database: Prisma
 * Migrate cannot run here, so the migrations are written by hand and this test is what
 * proves them. It applies every migration to an empty database, reads the real catalog
 * (tables, columns, types, nullability, defaults, enums, indexes, foreign keys) and
 * compares it with what Prisma's own schema parser (DMMF) says schema.prisma means.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/store/paths.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; values: { name: string }[] }[]; indexes: DmmfIndex[] };
}

function readDmmf(): Dmmf {
  const require = createRequire(import.meta.url);
  const wasm = require('@prisma/prisma-schema-wasm') as { get_dmmf(params: string): string };
  const prismaSchema = readFileSync(path.join(PACKAGE_ROOT, 'prisma', 'schema.prisma'), 'utf8');
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema }))) as Dmmf;
}

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  Float: 'double precision',
  Json: 'jsonb',
  DateTime: 'timestamp(3) without time zone',
  Decimal: 'numeric(65,30)',
};

const ON_DELETE: Record<string, string> = { Cascade: 'CASCADE', SetNull: 'SET NULL', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetDefault: 'SET DEFAULT' };

function sqlType(field: DmmfField): string {
  let base: string;
  if (field.kind === 'enum') base = `"${field.type}"`;
  else if (field.nativeType?.[0] === 'Timestamptz') base = `timestamp(${field.nativeType[1][0] ?? 6}) with time zone`;
  else base = SCALAR_TYPES[field.type] ?? `unmapped ${field.type}`;
  return field.isList ? `${base}[]` : base;
}

type Schema = {
  enums: Record<string, string[]>;
  tables: Record<string, Record<string, { type: string; nullable: boolean; hasDefault: boolean }>>;
  indexes: string[];
  foreignKeys: string[];
};

function expectedSchema(dmmf: Dmmf): Schema {
  const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
  const column = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName)!;
    return field.dbName ?? field.name;
  };
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const schema: Schema = { enums: {}, tables: {}, indexes: [], foreignKeys: [] };
  for (const e of dmmf.datamodel.enums) schema.enums[e.name] = e.values.map((v) => v.name);
  for (const model of dmmf.datamodel.models) {
    const table = tableOf(model);
    schema.tables[table] = {};
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (field.relationFromFields?.length) {
          const target = models.get(field.type)!;
          const from = field.relationFromFields.map((f) => column(model, f));
          const to = field.relationToFields!.map((f) => column(target, f));
          const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
          schema.foreignKeys.push(`${table}(${from.join(',')}) -> ${tableOf(target)}(${to.join(',')}) ON DELETE ${ON_DELETE[onDelete]} [${table}_${from.join('_')}_fkey]`);
        }
        continue;
      }
      schema.tables[table][field.dbName ?? field.name] = {
        type: sqlType(field),
        // Prisma scalar lists are nullable columns in SQL.
        nullable: field.isList || !field.isRequired,
        hasDefault: field.hasDefaultValue && !field.isUpdatedAt,
      };
    }
  }
  for (const index of dmmf.datamodel.indexes) {
    const model = models.get(index.model)!;
    const table = tableOf(model);
    const cols = index.fields.map((f) => column(model, f.name));
    const suffix = index.type === 'id' ? 'pkey' : index.type === 'unique' ? `${cols.join('_')}_key` : `${cols.join('_')}_idx`;
    const name = index.dbName ?? (index.type === 'id' ? `${table}_pkey` : `${table}_${suffix}`);
    schema.indexes.push(`${table} ${index.type === 'normal' ? 'index' : index.type === 'id' ? 'primary' : 'unique'} (${cols.join(',')}) [${name}]`);
  }
  schema.indexes.sort();
  schema.foreignKeys.sort();
  return schema;
}

async function actualSchema(db: TestDatabase): Promise<Schema> {
  const q = async <T>(sql: string) => (await db.pool.query(sql)).rows as T[];
  const schema: Schema = { enums: {}, tables: {}, indexes: [], foreignKeys: [] };
  for (const row of await q<{ name: string; values: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`)) {
    schema.enums[row.name] = row.values;
  }
  for (const row of await q<{ table: string; column: string; type: string; nullable: boolean; hasdefault: boolean }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             NOT a.attnotnull AS nullable, a.atthasdef AS hasdefault
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'`)) {
    schema.tables[row.table] ??= {};
    schema.tables[row.table]![row.column] = { type: row.type, nullable: row.nullable, hasDefault: row.hasdefault };
  }
  for (const row of await q<{ table: string; name: string; primary: boolean; unique: boolean; cols: string[] }>(`
      SELECT t.relname AS table, i.relname AS name, x.indisprimary AS primary, x.indisunique AS unique,
             array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`)) {
    schema.indexes.push(`${row.table} ${row.primary ? 'primary' : row.unique ? 'unique' : 'index'} (${row.cols.join(',')}) [${row.name}]`);
  }
  const actions: Record<string, string> = { c: 'CASCADE', n: 'SET NULL', r: 'RESTRICT', a: 'NO ACTION', d: 'SET DEFAULT' };
  for (const row of await q<{ table: string; name: string; cols: string[]; target: string; tcols: string[]; del: string }>(`
      SELECT t.relname AS table, c.conname AS name, c.confdeltype AS del, ft.relname AS target,
             array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols,
             array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
                   JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS tcols
      FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class ft ON ft.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`)) {
    schema.foreignKeys.push(`${row.table}(${row.cols.join(',')}) -> ${row.target}(${row.tcols.join(',')}) ON DELETE ${actions[row.del]} [${row.name}]`);
  }
  schema.indexes.sort();
  schema.foreignKeys.sort();
  return schema;
}

describe('schema.prisma and the SQL migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it('describe the same tables, columns, types, nullability and defaults', async () => {
    const expected = expectedSchema(readDmmf());
    const actual = await actualSchema(db);
    expect(actual.tables).toEqual(expected.tables);
  });

  it('describe the same enums', async () => {
    expect((await actualSchema(db)).enums).toEqual(expectedSchema(readDmmf()).enums);
  });

  it('describe the same primary keys, unique constraints and indexes, with Prisma default names', async () => {
    expect((await actualSchema(db)).indexes).toEqual(expectedSchema(readDmmf()).indexes);
  });

  it('describe the same foreign keys and delete rules', async () => {
    expect((await actualSchema(db)).foreignKeys).toEqual(expectedSchema(readDmmf()).foreignKeys);
  });
});
