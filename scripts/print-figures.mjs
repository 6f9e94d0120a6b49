#!/usr/bin/env node
/**
 * Prints the figures the reliability and security suite recorded (test/support/figures.ts:
 * one JSON file per suite under test/artifacts/figures), and fails when a suite that must
 * have run did not record its figures: a CI line of figures never comes from an old run.
 *
 * Usage: node scripts/print-figures.mjs [--require name,name,...] [--since ISO time]
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { require: { type: 'string' }, since: { type: 'string' }, dir: { type: 'string' } } });
const dir = values.dir ?? process.env.PPMAT_FIGURES_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'artifacts', 'figures');
const since = values.since ? Date.parse(values.since) : Number.NEGATIVE_INFINITY;
const required = (values.require ?? '').split(',').filter(Boolean);

const names = await readdir(dir)
  .then((all) => all.filter((n) => n.endsWith('.json')).sort())
  .catch(() => []);
const seen = new Set();
for (const name of names) {
  const record = JSON.parse(await readFile(path.join(dir, name), 'utf8'));
  if (Date.parse(record.at) < since) continue;
  seen.add(name.replace(/\.json$/, ''));
  const figures = Object.entries(record.figures).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${record.title}: ${figures}`);
  for (const line of record.lines ?? []) console.log(`  ${line}`);
}
const missing = required.filter((name) => !seen.has(name));
if (missing.length > 0) {
  console.error(`no figures recorded by this run for: ${missing.join(', ')} (in ${dir})`);
  process.exit(1);
}
