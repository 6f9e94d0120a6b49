/**
 * `ppmat report` end to end through the CLI: the demo tenant scanned capable, then initial, and
 * reported in each format from the store, to stdout and to a file; and every refusal, with the
 * configuration exit code and a message that says what to do.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/report/render-csv.js';
import type { ReportModel } from '../../src/report/report-model.js';
import { createScanReader, type StoredScan } from '../../src/store/scan-reader.js';
import { useCliSandbox } from '../support/cli-harness.js';
import { parseCsv } from './report-fixtures.js';

const sandbox = useCliSandbox('ppmat-report-');
const cli = sandbox.cli;
const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);

async function twoScans(): Promise<[number, number]> {
  const ids: number[] = [];
  for (const profile of ['capable', 'initial']) {
    const scan = await cli('scan', '--demo', '--profile', profile, '--format', 'json');
    expect(scan.code).toBe(0);
    ids.push((JSON.parse(scan.stdout) as { scanId: number }).scanId);
  }
  return [ids[0]!, ids[1]!];
}

const loadStored = (id: number): Promise<StoredScan> => sandbox.withDatabase(async (db) => (await createScanReader(db.prisma).loadScan(id))!);

describe('ppmat report', () => {
  it('reports the last scan as JSON, Markdown, CSV and HTML, and a period', { timeout: 120_000 }, async () => {
    const [capable, initial] = await twoScans();
    const [before, last] = [await loadStored(capable), await loadStored(initial)];

    const json = await cli('report', '--demo', '--format', 'json');
    expect(json.code).toBe(0);
    expect(json.stderr).toBe('');
    const model = JSON.parse(json.stdout) as ReportModel;
    expect(model.scan.id).toBe(initial);
    expect(model.tenant).toEqual({ id: last.tenantId, name: 'Demo tenant (initial profile)' });
    expect(model.areas.map(({ area, level, maxLevel, met, total, unknown, summary }) => ({ area, level, maxLevel, met, total, unknown, summary }))).toEqual(last.areaScores);
    expect(model.trends.levels.find((s) => s.area === 'security')!.points.map((p) => [p.scanId, p.level])).toEqual([
      [capable, before.areaScores.find((a) => a.area === 'security')!.level],
      [initial, 100],
    ]);
    // The scan of the initial posture opened a regression alert.
    expect(model.alerts.some((a) => a.severity === 'critical' && a.openedScanId === initial)).toBe(true);

    const earlier = await cli('report', '--scan', `#${capable}`, '--format', 'json');
    expect(earlier.code).toBe(0);
    expect((JSON.parse(earlier.stdout) as ReportModel).areas.map((a) => a.level)).toEqual(before.areaScores.map((a) => a.level));

    const markdown = await cli('report', '--demo', '--format', 'md');
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toMatch(/^# Power Platform adoption maturity: Demo tenant \(initial profile\)$/m);
    expect(markdown.stdout).toMatch(/^\| Security \| 100 \| 100 \| 0 of \d+, \d+ unknown \| — \|$/m);
    expect(markdown.stdout).toMatch(/^- \*\*\[critical\] /m);

    const csv = await cli('report', '--demo', '--from', day(-1), '--to', day(1), '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(csv.stdout.slice(1));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(before.capabilityResults.length + last.capabilityResults.length);
    expect(rows.filter((r) => r[2] === String(capable))).toHaveLength(before.capabilityResults.length);

    const single = await cli('report', '--demo', '--format', 'csv');
    expect(parseCsv(single.stdout.slice(1))).toHaveLength(1 + last.capabilityResults.length);

    // The format from the file's extension; the file is written, a line on stderr says where.
    const html = await cli('report', '--demo', '--output', 'maturity.html');
    expect(html.code).toBe(0);
    expect(html.stdout).toBe('');
    const file = path.join(sandbox.dir, 'maturity.html');
    expect(html.stderr).toBe(`Wrote the html report of Demo tenant (initial profile) (scan #${initial}) to ${file}.\n`);
    const page = await readFile(file, 'utf8');
    expect(page).toContain('<meta http-equiv="Content-Security-Policy"');
    const rowsOf = [...page.matchAll(/<tr data-area="([^"]+)"><th scope="row">[^<]*<\/th><td class="level">(\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(rowsOf).toEqual(last.areaScores.map((a) => [a.area, a.level]));

    const period = await cli('report', '--demo', '--from', day(-1), '--format', 'md', '--output', 'period.md');
    expect(period.code).toBe(0);
    expect(period.stderr).toContain(`(scan #${initial}, since ${day(-1)}) to `);
    expect(await readFile(path.join(sandbox.dir, 'period.md'), 'utf8')).toContain(`| Period | since ${day(-1)}: 2 scans with results |`);
  });

  it('says a tenant was never scanned, and refuses bad arguments with the configuration exit code', { timeout: 60_000 }, async () => {
    const never = await cli('report', '--demo', '--format', 'html');
    expect(never.code).toBe(4);
    expect(never.stdout).toBe('');
    expect(never.stderr).toMatch(/^ppmat: PPMAT_E_SCAN_UNKNOWN: ppmat report: tenant [0-9a-f-]+ has never been scanned, so there is nothing to report yet: scan it first \(`ppmat scan --demo`\)\.$/m);

    const cases: [string[], string][] = [
      [['--demo'], 'PPMAT_E_REPORT_INVALID: --format: give --format html|md|json|csv.'],
      [['--demo', '--format', 'pdf'], 'PPMAT_E_REPORT_INVALID: --format: "pdf" is not a report format; give html, md, json, csv.'],
      [['--demo', '--output', 'report.txt'], 'PPMAT_E_REPORT_INVALID: --format: give --format html|md|json|csv.'],
      [['--scan', 'abc', '--format', 'md'], 'PPMAT_E_REPORT_INVALID: --scan: "abc" is not a scan id'],
      [['--scan', '3', '--from', '2026-01-01', '--format', 'md'], 'PPMAT_E_REPORT_INVALID: --scan: give --scan or a period (--from/--to), not both'],
      [['--demo', '--from', '27/11/2026', '--format', 'md'], 'PPMAT_E_REPORT_INVALID: --from: "27/11/2026" is not a date; give YYYY-MM-DD.'],
      [['--scan', '42', '--format', 'md'], 'PPMAT_E_SCAN_UNKNOWN: --scan: there is no stored scan #42.'],
      [['--tenant', 'contoso', '--format', 'md'], 'PPMAT_E_TENANT_UNKNOWN: --tenant: no tenant contoso is configured (configured: none).'],
    ];
    for (const [args, message] of cases) {
      const result = await cli('report', ...args);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 4, stderr: expect.stringContaining(`ppmat: ${message}`) });
    }
  });
});
