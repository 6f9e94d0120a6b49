#!/usr/bin/env node
/**
 * Fails on any high or critical npm advisory that is not a documented exception.
 *
 * Runs `npm audit --audit-level=high --json` (add `--omit=dev` to audit what ships only),
 * and prints one line, e.g. `npm audit: 0 high, 0 critical (2 documented exceptions)`, then
 * one line per advisory that fails the check. Exceptions are listed in
 * docs/audit-exceptions.json (advisory id, package, reason, until) and each must also be
 * named in docs/security.md, where its reason is explained; an exception past its `until`
 * date no longer counts.
 *
 * When the audit cannot be run (no network, a registry or mirror without the audit
 * endpoint, npm failing), it prints `npm audit: audit unavailable (<why>)` and exits 0: an
 * unreachable registry must not fail CI, and the line says the audit did not happen.
 *
 * Usage: node scripts/audit-check.mjs [--omit=dev] [--input audit.json] [--timeout ms]
 * Exit: 0 no undocumented high/critical advisory (or audit unavailable), 1 otherwise, 2 a bad exceptions file.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    omit: { type: 'string' },
    input: { type: 'string' },
    timeout: { type: 'string' },
    exceptions: { type: 'string' },
    docs: { type: 'string' },
  },
});
const exceptionsFile = values.exceptions ?? path.join(ROOT, 'docs', 'audit-exceptions.json');
const docsFile = values.docs ?? path.join(ROOT, 'docs', 'security.md');
const SEVERE = new Set(['high', 'critical']);

/** The audit report as JSON, or `{ unavailable: reason }`. */
async function runAudit() {
  if (values.input) return { report: JSON.parse(await readFile(values.input, 'utf8')) };
  const args = ['audit', '--audit-level=high', '--json', ...(values.omit ? [`--omit=${values.omit}`] : [])];
  const timeout = Number(values.timeout ?? 120_000);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // npm audit exits 1 both when it finds advisories and when it fails: the JSON tells which.
  const { stdout, error } = await new Promise((resolve) =>
    execFile(npm, args, { cwd: ROOT, timeout, maxBuffer: 64 * 1024 * 1024 }, (err, out) => resolve({ stdout: out, error: err })),
  );
  if (error && error.killed) return { unavailable: `no answer within ${timeout} ms` };
  if (error && typeof error.code === 'string') return { unavailable: `npm could not run: ${error.code}` };
  try {
    return { report: JSON.parse(stdout) };
  } catch {
    return { unavailable: 'npm audit printed no JSON' };
  }
}

/** Why the report is not an audit (an error npm printed as JSON), or null. */
function failureOf(report) {
  if (report && typeof report === 'object' && report.vulnerabilities && typeof report.vulnerabilities === 'object') return null;
  const status = report?.statusCode ?? report?.error?.code ?? report?.code;
  const summary = [report?.error?.summary, report?.message, report?.error?.detail].find((text) => typeof text === 'string' && text.trim() !== '') ?? 'no vulnerabilities in the report';
  const line = String(summary).split('\n')[0];
  return status && !line.includes(String(status)) ? `${status}: ${line}` : line;
}

/** Every advisory of the report once: `{ id, url, package, severity, title }`. */
function advisoriesOf(report) {
  const byKey = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // a package name: the advisory is listed under that package
      const ghsa = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(via.url ?? '')?.[0];
      const id = ghsa ?? String(via.source ?? via.url ?? via.title);
      byKey.set(`${id}|${via.name}`, { id, source: via.source, url: via.url, package: via.name ?? vulnerability.name, severity: via.severity ?? vulnerability.severity, title: via.title ?? '' });
    }
  }
  return [...byKey.values()];
}

async function readExceptions() {
  let parsed;
  try {
    parsed = JSON.parse(await readFile(exceptionsFile, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw new Error(`${exceptionsFile}: ${error.message}`, { cause: error });
  }
  const list = parsed?.exceptions;
  if (!Array.isArray(list)) throw new Error(`${exceptionsFile}: expected { "exceptions": [ ... ] }`);
  let docs = '';
  try {
    docs = await readFile(docsFile, 'utf8');
  } catch {
    docs = '';
  }
  const today = new Date().toISOString().slice(0, 10);
  return list.map((entry, i) => {
    for (const key of ['advisory', 'package', 'reason']) {
      if (typeof entry?.[key] !== 'string' || entry[key] === '') throw new Error(`${exceptionsFile}: exceptions[${i}].${key} is required`);
    }
    return {
      ...entry,
      documented: docs.includes(entry.advisory),
      expired: typeof entry.until === 'string' && entry.until < today,
    };
  });
}

function matches(exception, advisory) {
  const id = exception.advisory.toLowerCase();
  const sameAdvisory = id === advisory.id.toLowerCase() || id === String(advisory.source) || (advisory.url ?? '').toLowerCase().endsWith(id);
  return sameAdvisory && (exception.package === '*' || exception.package === advisory.package);
}

async function main() {
  let exceptions;
  try {
    exceptions = await readExceptions();
  } catch (error) {
    console.error(`npm audit: bad exceptions file: ${error.message}`);
    return 2;
  }
  let audit;
  try {
    audit = await runAudit();
  } catch (error) {
    audit = { unavailable: error.message };
  }
  const why = audit.unavailable ?? failureOf(audit.report);
  if (why) {
    console.log(`npm audit: audit unavailable (${why})`);
    return 0;
  }
  const severe = advisoriesOf(audit.report).filter((a) => SEVERE.has(a.severity));
  const failing = [];
  const excepted = [];
  for (const advisory of severe) {
    const exception = exceptions.find((e) => matches(e, advisory));
    if (exception && exception.documented && !exception.expired) excepted.push(advisory);
    else failing.push({ advisory, exception });
  }
  const count = (severity) => failing.filter((f) => f.advisory.severity === severity).length;
  console.log(`npm audit: ${count('high')} high, ${count('critical')} critical (${excepted.length} documented exception${excepted.length === 1 ? '' : 's'})`);
  for (const { advisory, exception } of failing) {
    const note = !exception ? '' : exception.expired ? ` (its exception expired on ${exception.until})` : ' (its exception is not explained in docs/security.md)';
    console.log(`  ${advisory.severity} ${advisory.package}: ${advisory.title} ${advisory.url ?? advisory.id}${note}`);
  }
  for (const exception of exceptions) {
    if (!severe.some((a) => matches(exception, a))) console.log(`  note: exception ${exception.advisory} (${exception.package}) is no longer reported: remove it`);
  }
  return failing.length === 0 ? 0 : 1;
}

process.exitCode = await main();
