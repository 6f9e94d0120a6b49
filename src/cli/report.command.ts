/**
 * `ppmat report`: one tenant's maturity report, from the store (nothing is scanned), as a
 * standalone HTML page for executives, Markdown for a wiki, JSON, or CSV for Power BI. Of the
 * tenant's last scan with results, a given scan (`--scan`), or a period (`--from`/`--to`: its
 * last scan is reported, trends and CSV rows cover all of its scans).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, PpmatError } from '../errors/catalogue.js';
import { loadReportInputs, reportPeriod, type ReportPeriod } from '../report/load-report.js';
import { renderCsv } from '../report/render-csv.js';
import { readHtmlAssets, renderHtml } from '../report/render-html.js';
import { renderJson } from '../report/render-json.js';
import { renderMarkdown } from '../report/render-markdown.js';
import { buildReport, type ReportModel } from '../report/report-model.js';
import type { AreaTarget } from '../scoring/targets.js';
import { demoTenantId } from '../simulator/tenant-model.js';
import { withApp, type App } from './app.js';
import { selectTenants, type CommandIo } from './scan.command.js';
import { tenantJudging } from './tenant-targets.js';

export const REPORT_FORMATS = ['html', 'md', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportCommandOptions {
  config?: string;
  demo?: boolean;
  tenant?: string;
  /** A scan id, as `ppmat history` lists them (`#12` or `12`). */
  scan?: string;
  /** YYYY-MM-DD, included (UTC). */
  from?: string;
  /** YYYY-MM-DD, included (UTC). */
  to?: string;
  format?: string;
  /** A file to write; stdout without it. */
  output?: string;
}

const EXTENSIONS: Record<string, ReportFormat> = { '.html': 'html', '.htm': 'html', '.md': 'md', '.markdown': 'md', '.json': 'json', '.csv': 'csv' };

export async function reportCommand(options: ReportCommandOptions, io: CommandIo): Promise<number> {
  // Arguments first: a typo is refused before the database is opened.
  const format = reportFormat(options);
  const scanId = options.scan === undefined ? null : parseScanId(options.scan);
  const period = reportPeriod(options);
  if (scanId !== null && period) {
    throw new PpmatError('PPMAT_E_REPORT_INVALID', 'give --scan or a period (--from/--to), not both: a period reports its last scan.', { where: '--scan' });
  }
  return withApp(options, io, async (app) => {
    const tenant = options.demo || options.tenant || scanId === null ? reportTenant(app, options) : null;
    const inputs = await loadReportInputs(app, {
      tenantId: tenant?.id ?? null,
      scanId,
      period,
      now: new Date(),
      ...(tenant ? { scanCommand: tenant.scanCommand } : {}),
      judging: (id) => judging(app, id),
    });
    const model = buildReport(inputs);
    const text = await render(format, model);
    if (!options.output) {
      io.stdout.write(text);
      return EXIT.ok;
    }
    const file = path.resolve(io.cwd, options.output);
    try {
      await writeFile(file, text, 'utf8');
    } catch (error) {
      throw new PpmatError('PPMAT_E_REPORT_INVALID', `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`, { where: '--output' });
    }
    io.stderr.write(`Wrote the ${format} report of ${model.tenant.name} (scan #${model.scan.id}${describePeriod(period)}) to ${file}.\n`);
    return EXIT.ok;
  });
}

async function render(format: ReportFormat, model: ReportModel): Promise<string> {
  switch (format) {
    case 'html':
      return renderHtml(model, await readHtmlAssets());
    case 'md':
      return renderMarkdown(model);
    case 'json':
      return renderJson(model);
    case 'csv':
      return renderCsv(model);
  }
}

/** `--format`, or the extension of `--output` when no format is given. */
function reportFormat(options: ReportCommandOptions): ReportFormat {
  const given = options.format ?? (options.output ? EXTENSIONS[path.extname(options.output).toLowerCase()] : undefined);
  if (given === undefined) throw new PpmatError('PPMAT_E_REPORT_INVALID', `give --format ${REPORT_FORMATS.join('|')}.`, { where: '--format' });
  if (!(REPORT_FORMATS as readonly string[]).includes(given)) {
    throw new PpmatError('PPMAT_E_REPORT_INVALID', `"${given}" is not a report format; give ${REPORT_FORMATS.join(', ')}.`, { where: '--format' });
  }
  return given as ReportFormat;
}

function parseScanId(value: string): number {
  const id = Number(value.replace(/^#/, ''));
  if (!Number.isInteger(id) || id <= 0) {
    throw new PpmatError('PPMAT_E_REPORT_INVALID', `"${value}" is not a scan id (a positive whole number, as \`ppmat history\` lists them).`, { where: '--scan' });
  }
  return id;
}

/** The one tenant a report is about: the demo, the one named, or the only enabled configured tenant. */
function reportTenant(app: App, options: ReportCommandOptions): { id: string; scanCommand: string } {
  const selected = selectTenants(app.config, options);
  if (selected === 'demo') return { id: demoTenantId(app.config.demo.seed), scanCommand: 'ppmat scan --demo' };
  if (selected.length > 1) {
    throw new PpmatError('PPMAT_E_REPORT_INVALID', `a report is about one tenant: give --tenant <id> (enabled: ${selected.map((t) => t.id).join(', ')}) or --demo.`, {
      where: 'ppmat report',
    });
  }
  return { id: selected[0]!.id, scanCommand: `ppmat scan --tenant ${selected[0]!.id}` };
}

/** The tenant's targets and threshold from the configuration (the demo's, or none for a tenant no longer configured). */
function judging(app: App, tenantId: string): { targets: readonly AreaTarget[]; threshold: number } {
  const index = app.config.tenants.findIndex((t) => t.id === tenantId);
  const configured = index >= 0 ? app.config.tenants[index] : undefined;
  const targets = configured ? configured.targets : tenantId === demoTenantId(app.config.demo.seed) ? app.config.demo.targets : [];
  return { targets, threshold: tenantJudging(app.config, index >= 0 ? index : null).scoring.threshold ?? 1 };
}

function describePeriod(period: ReportPeriod | null): string {
  if (!period) return '';
  if (period.from && period.to) return `, ${period.from} to ${period.to}`;
  return period.from ? `, since ${period.from}` : `, until ${period.to}`;
}
