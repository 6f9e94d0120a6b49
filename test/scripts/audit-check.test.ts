/**
 * scripts/audit-check.mjs on recorded `npm audit --json` reports: its one-line figure, a
 * failure on an undocumented high or critical advisory, documented and expired exceptions,
 * and "audit unavailable" (exit 0) when npm printed an error instead of a report.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/store/paths.js';

const SCRIPT = path.join(PACKAGE_ROOT, 'scripts', 'audit-check.mjs');
const GHSA = 'GHSA-abcd-efgh-ijkl';

const advisory = (name: string, severity: string, ghsa = GHSA) => ({
  name,
  severity,
  isDirect: false,
  via: [{ source: 1_100_001, name, dependency: name, title: `Prototype pollution in ${name}`, url: `https://github.com/advisories/${ghsa}`, severity, range: '<1.2.3' }],
  effects: [],
  range: '<1.2.3',
  nodes: [`node_modules/${name}`],
  fixAvailable: false,
});
const report = (vulnerabilities: Record<string, unknown>) => ({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: {} } });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-audit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function check(input: unknown, exceptions: unknown[] = [], docs = ''): Promise<{ code: number; stdout: string }> {
  const files = { input: path.join(dir, 'audit.json'), exceptions: path.join(dir, 'exceptions.json'), docs: path.join(dir, 'security.md') };
  await writeFile(files.input, JSON.stringify(input));
  await writeFile(files.exceptions, JSON.stringify({ exceptions }));
  await writeFile(files.docs, docs);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [SCRIPT, '--input', files.input, '--exceptions', files.exceptions, '--docs', files.docs]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe('audit-check', () => {
  it('passes a clean report with its figure', async () => {
    await expect(check(report({}))).resolves.toEqual({ code: 0, stdout: 'npm audit: 0 high, 0 critical (0 documented exceptions)\n' });
  });

  it('ignores moderate and low advisories', async () => {
    await expect(check(report({ a: advisory('a', 'moderate'), b: advisory('b', 'low', 'GHSA-2222-2222-2222') }))).resolves.toMatchObject({ code: 0 });
  });

  it('fails on an undocumented high or critical advisory and names it', async () => {
    const result = await check(report({ a: advisory('a', 'high'), c: advisory('c', 'critical', 'GHSA-cccc-cccc-cccc') }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^npm audit: 1 high, 1 critical \(0 documented exceptions\)\n/);
    expect(result.stdout).toContain(`high a: Prototype pollution in a https://github.com/advisories/${GHSA}`);
  });

  it('accepts an exception explained in docs/security.md', async () => {
    const result = await check(report({ a: advisory('a', 'high') }), [{ advisory: GHSA, package: 'a', reason: 'dev only', until: '2999-01-01' }], `| ${GHSA} | a | dev only |`);
    expect(result).toEqual({ code: 0, stdout: 'npm audit: 0 high, 0 critical (1 documented exception)\n' });
  });

  it.each([
    ['not explained in docs/security.md', { until: '2999-01-01' }, '', 'its exception is not explained in docs/security.md'],
    ['expired', { until: '2000-01-01' }, GHSA, 'its exception expired on 2000-01-01'],
  ])('refuses an exception %s', async (_name, extra, docs, note) => {
    const result = await check(report({ a: advisory('a', 'high') }), [{ advisory: GHSA, package: 'a', reason: 'r', ...extra }], docs);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(note);
  });

  it('says the audit is unavailable, and passes, when npm printed an error instead of a report', async () => {
    const npmError = { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405, error: { summary: '', detail: '' } };
    await expect(check(npmError)).resolves.toEqual({ code: 0, stdout: 'npm audit: audit unavailable (405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk)\n' });
    await expect(check({ error: { code: 'ENOTFOUND', summary: 'request to https://registry.npmjs.org failed', detail: '' } })).resolves.toEqual({
      code: 0,
      stdout: 'npm audit: audit unavailable (ENOTFOUND: request to https://registry.npmjs.org failed)\n',
    });
  });
});
