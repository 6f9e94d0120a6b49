/**
 * The report model and its Markdown, JSON and CSV renderings, built from real stored scans: the
 * demo tenant scanned capable, then initial (levels drop), with a hostile tenant name and one
 * hostile reason and attester written into the store, as a careless or malicious admin could.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportInputs, reportPeriod, type ReportRequest, type ReportSources } from '../../src/report/load-report.js';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../src/report/render-csv.js';
import { renderJson } from '../../src/report/render-json.js';
import { md, renderMarkdown } from '../../src/report/render-markdown.js';
import { buildReport, levelRange, type ReportModel } from '../../src/report/report-model.js';
import type { ScanOutcome } from '../../src/scheduler/run-scan.js';
import { createScanReader, type StoredScan } from '../../src/store/scan-reader.js';
import { createScanRepository } from '../../src/store/scan-repository.js';
import { scanSimulator, shippedRuleSet } from '../support/scan-rig.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { HOSTILE_ATTESTER, HOSTILE_NAME, HOSTILE_REASON, parseCsv } from './report-fixtures.js';

let db: TestDatabase;
let sources: ReportSources;
const scans: ScanOutcome[] = [];
let stored: StoredScan;
let hostileCapability: string;
let model: ReportModel;

const NOW = new Date('2030-01-15T10:00:00Z');
const today = new Date().toISOString().slice(0, 10);
const request = (overrides: Partial<ReportRequest> = {}): ReportRequest => ({
  tenantId: scans[0]!.tenantId,
  scanId: null,
  period: null,
  now: NOW,
  judging: () => ({ targets: [{ area: 'security', level: 400, by: '2030-06-30' }], threshold: 1 }),
  ...overrides,
});

beforeAll(async () => {
  db = await openTestDatabase();
  for (const profile of ['capable', 'initial'] as const) scans.push((await scanSimulator(db, { profile })).outcome);
  const last = scans[1]!;
  // What an admin could type into ppmat.yaml or the tenant's own data.
  await db.prisma.tenant.update({ where: { id: last.tenantId }, data: { displayName: HOSTILE_NAME } });
  const row = await db.prisma.capabilityResult.findFirstOrThrow({ where: { scanId: last.scanId, status: 'not_met' }, orderBy: { id: 'asc' } });
  hostileCapability = row.capabilityId;
  await db.prisma.capabilityResult.update({
    where: { id: row.id },
    data: { reason: HOSTILE_REASON, attestation: { capabilityId: row.capabilityId, by: HOSTILE_ATTESTER, at: '2026-01-05', reason: 'x', expires: '2027-01-05' } },
  });
  sources = { reader: createScanReader(db.prisma), db, ruleSet: await shippedRuleSet() };
  stored = (await sources.reader.loadScan(last.scanId))!;
  model = buildReport(await loadReportInputs(sources, request()));
}, 180_000);
afterAll(async () => {
  await db?.dispose();
});

describe('report model', () => {
  it("reports the tenant's last scan with results: its area scores, every statement, targets and a roadmap", () => {
    expect(model.tenant).toEqual({ id: stored.tenantId, name: HOSTILE_NAME });
    expect(model.generatedAt).toBe(NOW.toISOString());
    expect(model.period).toBeNull();
    expect(model.scan).toMatchObject({ id: stored.id, status: stored.status, ruleSetVersion: stored.ruleSetVersion, startedAt: stored.startedAt.toISOString() });
    expect(model.areas).toHaveLength(9);
    expect(model.areas.map(({ area, level, maxLevel, met, total, unknown, summary }) => ({ area, level, maxLevel, met, total, unknown, summary }))).toEqual(stored.areaScores);
    const security = model.areas.find((a) => a.area === 'security')!;
    expect(security.name).toBe('Security');
    expect(security.target).toEqual({ level: 400, by: '2030-06-30', summary: expect.stringMatching(/^target 400 by 2030-06-30: \d levels? to go, 166 days left$/) });
    expect(model.areas.filter((a) => a.target !== null).map((a) => a.area)).toEqual(['security']);

    expect(model.capabilities.map((c) => c.id).sort()).toEqual(stored.capabilityResults.map((c) => c.capabilityId).sort());
    const hostile = model.capabilities.find((c) => c.id === hostileCapability)!;
    expect(hostile).toMatchObject({ status: 'not_met', reason: HOSTILE_REASON, attestation: { by: HOSTILE_ATTESTER, until: '2027-01-05', outcome: 'met' } });
    const judged = model.capabilities.find((c) => c.checks.length > 0)!;
    expect(judged.checks[0]).toMatchObject({ title: expect.any(String), message: expect.any(String) });
    expect(model.capabilities.every((c) => c.statement.length > 0 && c.assessment !== null)).toBe(true);

    expect(model.roadmap.map((s) => s.area)).toEqual(stored.areaScores.map((a) => a.area));
    expect(model.roadmap.find((s) => s.area === 'security')!.missing.length).toBeGreaterThan(0);
  });

  it('shows the last 90 days of trends, the movement between the two scans, and one scan of CSV rows', () => {
    expect(model.trends.to).toBe(new Date(stored.startedAt.getTime() + 1).toISOString());
    expect(model.trends.from).toBe(new Date(stored.startedAt.getTime() - 90 * 86_400_000).toISOString());
    const security = model.trends.levels.find((s) => s.area === 'security')!;
    expect(security.points.map((p) => p.scanId)).toEqual(scans.map((s) => s.scanId));
    expect(security.points.map((p) => p.level)).toEqual(scans.map((s) => s.areaScores.find((a) => a.area === 'security')!.level));
    expect(security.points[0]!.level).toBeGreaterThan(security.points[1]!.level);
    expect(model.trends.adoption.map((s) => s.key)).toContain('environments');
    expect(model.trends.adoption.every((s) => s.points.length === 2)).toBe(true);
    expect(model.scans.map((s) => s.id)).toEqual([stored.id]);
    expect(model.scans[0]!.capabilities).toHaveLength(stored.capabilityResults.length);
  });

  it('over a period reports its last scan and gives a row set per scan with results', async () => {
    const period = reportPeriod({ from: '2020-01-01', to: today })!;
    const inputs = await loadReportInputs(sources, request({ period }));
    const report = buildReport(inputs);
    expect(report.period).toEqual({ from: '2020-01-01', to: today });
    expect(report.scan.id).toBe(stored.id);
    expect(report.scans.map((s) => s.id)).toEqual(scans.map((s) => s.scanId));
    expect(report.scans.map((s) => s.capabilities.length)).toEqual(scans.map((s) => s.capabilityResults.length));
    expect(report.scans[0]!.areas).toEqual(scans[0]!.areaScores.map(({ area, level, maxLevel }) => ({ area, level, maxLevel })));
    expect(report.notes).toContain(`The levels and statements are those of scan #${stored.id}, the last of the 2 scans with results in the period.`);
  });

  it('reports an earlier scan by id, with trends up to it only', async () => {
    const first = buildReport(await loadReportInputs(sources, request({ tenantId: null, scanId: scans[0]!.scanId })));
    expect(first.scan.id).toBe(scans[0]!.scanId);
    expect(first.areas.map((a) => a.level)).toEqual(scans[0]!.areaScores.map((a) => a.level));
    expect(first.trends.levels[0]!.points.map((p) => p.scanId)).toEqual([scans[0]!.scanId]);
  });

  it.each([
    ['an unknown scan', { scanId: 9999 }, 'PPMAT_E_SCAN_UNKNOWN', '--scan: there is no stored scan #9999.'],
    ['a scan of another tenant', { tenantId: 'another-tenant', scanId: 1 }, 'PPMAT_E_SCAN_UNKNOWN', 'is a scan of tenant'],
    ['a tenant never scanned', { tenantId: 'never-scanned', scanCommand: 'ppmat scan --tenant never-scanned' }, 'PPMAT_E_SCAN_UNKNOWN', 'tenant never-scanned has never been scanned, so there is nothing to report yet: scan it first (`ppmat scan --tenant never-scanned`).'],
    ['a period without scans', { period: reportPeriod({ from: '2001-01-01', to: '2001-12-31' }) }, 'PPMAT_E_REPORT_INVALID', 'has no scan with results from 2001-01-01 to 2001-12-31 (its scans with results started from '],
  ] as const)('refuses %s', async (_name, overrides, code, message) => {
    await expect(loadReportInputs(sources, request(overrides as Partial<ReportRequest>))).rejects.toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('refuses a scan that judged nothing, naming the last one that did', async () => {
    const store = createScanRepository(db.prisma, { pool: db.pool });
    const failed = await store.startScan({ tenantId: stored.tenantId, trigger: 'schedule', ruleSetVersion: 'x', startedAt: new Date() });
    await store.endScan(failed, 'failed', 'no token', new Date());
    await expect(loadReportInputs(sources, request({ scanId: failed }))).rejects.toMatchObject({
      code: 'PPMAT_E_REPORT_INVALID',
      message: `--scan: scan #${failed} ended failed (no token): it has no results to report; the tenant's last scan with results is #${stored.id}.`,
    });
  });

  it.each([
    [{ from: '2026-02-30' }, '--from: "2026-02-30" is not a date; give YYYY-MM-DD.'],
    [{ from: '2026-03-01', to: '2026-02-01' }, '--to: --to 2026-02-01 is before --from 2026-03-01.'],
  ])('refuses the period %o', (options, message) => {
    expect(() => reportPeriod(options)).toThrow(expect.objectContaining({ code: 'PPMAT_E_REPORT_INVALID', message }));
  });
});

describe('Markdown report', () => {
  it('has the headings, a levels table row per area with its range and target, and escapes names', () => {
    const text = renderMarkdown(model);
    expect(text.startsWith(`# Power Platform adoption maturity: ${md(HOSTILE_NAME)}\n`)).toBe(true);
    for (const heading of ['## Levels', '## Regressions and alerts', '## Roadmap', '## Statements', '## Trends', '### Levels', '### Adoption']) {
      expect(text).toMatch(new RegExp(`^${heading}$`, 'm'));
    }
    expect(text).toContain('| Area | Level | Range | Statements met | Target |\n|---|---:|---|---|---|\n');
    for (const score of stored.areaScores) {
      const name = model.areas.find((a) => a.area === score.area)!.name;
      const met = `${score.met} of ${score.total}${score.unknown > 0 ? `, ${score.unknown} unknown` : ''}`;
      const target = score.area === 'security' ? model.areas.find((a) => a.area === 'security')!.target!.summary : '—';
      expect(text).toContain(`\n| ${name} | ${score.level} | ${levelRange(score)} | ${met} | ${target} |\n`);
    }
    expect(text).not.toContain('<script>');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // The hostile reason's line break and pipe neither end the list item nor open a table cell.
    expect(text).toContain(`(\`${hostileCapability}\`): ${md(HOSTILE_REASON)} *Attested by ${md(HOSTILE_ATTESTER)} on 2026-01-05, until 2027-01-05.*`);
    expect(md('a|b\nc *d* <e>')).toBe('a\\|b c \\*d\\* &lt;e&gt;');
    // Two scans: the level table keeps both rows (security moved).
    const levels = text.slice(text.indexOf('### Levels'), text.indexOf('### Adoption'));
    expect(levels.match(/^\| #\d+ \|/gm)).toHaveLength(2);
  });

  it('lists statements by status per area', () => {
    const text = renderMarkdown(model);
    const statements = text.slice(text.indexOf('## Statements'));
    const security = statements.slice(statements.indexOf('### Security: '), statements.indexOf('### Governance: '));
    expect(security).toMatch(/^\*\*Not met \(\d+\)\*\*$/m);
    for (const c of model.capabilities.filter((x) => x.area === 'security' && x.id !== hostileCapability)) {
      expect(security).toContain(`- [${c.level}] ${md(c.statement)} (\`${c.id}\`): ${md(c.reason)}`);
    }
  });
});

describe('JSON report', () => {
  it('is the model', () => {
    expect(JSON.parse(renderJson(model))).toEqual(JSON.parse(JSON.stringify(model)));
  });
});

describe('CSV report', () => {
  it('has a BOM, the header, and one row per scan and statement, with the stored values', async () => {
    const period = reportPeriod({ from: '2020-01-01' })!;
    const report = buildReport(await loadReportInputs(sources, request({ period })));
    const text = renderCsv(report);
    expect(text.startsWith('\uFEFFtenant_id,tenant_name,scan_id,')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual([...CSV_COLUMNS]);
    const statements = scans.reduce((sum, s) => sum + s.capabilityResults.length, 0);
    expect(rows).toHaveLength(statements);
    expect(rows).toHaveLength(2 * stored.capabilityResults.length);
    const column = (name: string) => CSV_COLUMNS.indexOf(name as (typeof CSV_COLUMNS)[number]);
    expect(new Set(rows.map((r) => r[column('scan_id')]))).toEqual(new Set(scans.map((s) => String(s.scanId))));
    // The hostile row: name with comma, quotes and a line break; reason starting with "=".
    const hostile = rows.find((r) => r[column('scan_id')] === String(stored.id) && r[column('capability_id')] === hostileCapability)!;
    expect(hostile[column('tenant_name')]).toBe(HOSTILE_NAME);
    expect(hostile[column('reason')]).toBe(`'${HOSTILE_REASON}`);
    expect(hostile[column('attested_by')]).toBe(`'${HOSTILE_ATTESTER}`);
    expect(hostile[column('attestation_expires')]).toBe('2027-01-05');
    const security = rows.find((r) => r[column('scan_id')] === String(scans[0]!.scanId) && r[column('area')] === 'security')!;
    expect(security[column('area_level')]).toBe(String(scans[0]!.areaScores.find((a) => a.area === 'security')!.level));
    expect(security[column('area_name')]).toBe('Security');
    const judged = rows.find((r) => r[column('checks')] !== '')!;
    expect(judged[column('checks')]).toMatch(/^[\w.-]+=(pass|fail|unknown|not_applicable|attested)(; [\w.-]+=(pass|fail|unknown|not_applicable|attested))*$/);
  });

  it.each([
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    ['=1+2', "'=1+2"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTAB', "'\tTAB"],
    ['\rCR', `"'\rCR"`],
    ['=HYPERLINK("x"),y', `"'=HYPERLINK(""x""),y"`],
    ['a=b', 'a=b'],
  ])('quotes %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers and empty cells as they are', () => {
    expect(csvCell(300)).toBe('300');
    expect(csvCell(null)).toBe('');
  });
});
