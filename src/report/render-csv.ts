/**
 * `ppmat report --format csv`: shaped for Power BI, one row per scan × capability statement over
 * the period, so a model can slice by scan date, area and status without unpivoting.
 *
 * RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, quote, CR or
 * LF, quotes doubled. Encoding: UTF-8 with a byte-order mark, because Excel opens a BOM-less
 * CSV in the machine's ANSI code page (names such as "Zürich" or "Ø" come out garbled), and
 * Power BI's CSV connector reads the BOM as "UTF-8" too; tools that do not need it skip it.
 */
import type { ReportModel } from './report-model.js';

export const CSV_COLUMNS = [
  'tenant_id',
  'tenant_name',
  'scan_id',
  'scan_finished_at',
  'area',
  'area_name',
  'area_level',
  'capability_id',
  'capability_level',
  'statement',
  'assessment',
  'status',
  'reason',
  'checks',
  'attested_by',
  'attestation_expires',
] as const;

const BOM = '\uFEFF';
const CRLF = '\r\n';

export function renderCsv(model: ReportModel): string {
  const areaNames = new Map(model.areas.map((a) => [a.area, a.name]));
  const rows: (string | number | null)[][] = [];
  for (const scan of model.scans) {
    const levels = new Map(scan.areas.map((a) => [a.area, a.level]));
    for (const c of scan.capabilities) {
      rows.push([
        model.tenant.id,
        model.tenant.name,
        scan.id,
        scan.finishedAt,
        c.area,
        areaNames.get(c.area) ?? c.area,
        levels.get(c.area) ?? null,
        c.id,
        c.level,
        c.statement,
        c.assessment,
        c.status,
        c.reason,
        c.checks.map((check) => `${check.checkId}=${check.outcome}`).join('; '),
        c.attestation?.by ?? null,
        c.attestation?.until ?? null,
      ]);
    }
  }
  return BOM + [[...CSV_COLUMNS], ...rows].map((row) => row.map(csvCell).join(',')).join(CRLF) + CRLF;
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 field; text that a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
