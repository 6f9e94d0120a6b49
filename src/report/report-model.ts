/**
 * The report of one tenant (`ppmat report`): one plain, JSON-safe model that every format
 * renders (HTML for executives, Markdown for wikis, JSON, CSV for Power BI), so the four say
 * the same thing. Pure: `loadReportInputs` (load-report.ts) reads the store, `buildReport`
 * shapes what it read; a fixed `generatedAt` gives the same model twice.
 */
import type { Adoption } from '../history/adoption.js';
import type { RuleSet } from '../rules/rule-set.js';
import type { CheckResult, Outcome } from '../rules/types.js';
import { roadmap, type RoadmapStep } from '../scoring/roadmap.js';
import { targetsProgress, type AreaTarget } from '../scoring/targets.js';
import type { Area, AreaScore, Assessment, CapabilityResult, CapabilityStatus, Level } from '../scoring/types.js';
import type { AlertView } from '../store/alert-reader.js';
import type { AdoptionPoint, AreaTrend } from '../store/history-repository.js';

/** Bumped when a field changes meaning or disappears (consumers of the JSON report check it). */
export const REPORT_SCHEMA_VERSION = 1;

/** Without a period, trends cover the 90 days up to the reported scan: a quarter, the CoE's usual reporting rhythm. */
export const TREND_DAYS = 90;

export interface ReportModel {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tenant: { id: string; name: string };
  /** ISO instant. */
  generatedAt: string;
  /** The period asked for (`--from`/`--to`, days in UTC, either end open), or null for one scan. */
  period: { from: string | null; to: string | null } | null;
  /** The scan the levels, statements and roadmap are of: the one asked for, or the last one with results in the period. */
  scan: ReportScan;
  /** The rule set ppmat has now (the roadmap's remediation texts come from it). */
  ruleSetVersion: string;
  /** Things a reader must know to read the rest right (a partial scan, older rules). */
  notes: string[];
  areas: ReportArea[];
  /** Every scored statement of the scan, in model order. */
  capabilities: ReportCapability[];
  roadmap: RoadmapStep[];
  trends: ReportTrends;
  /** Regressions and other alerts opened in the period (or in the trends window), most recent first. */
  alerts: ReportAlert[];
  /** Every scan with results in the period (only the reported scan without a period), oldest first: the CSV's rows. */
  scans: PeriodScan[];
}

export interface ReportScan {
  id: number;
  status: string;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  ruleSetVersion: string;
}

export interface ReportArea extends AreaScore {
  name: string;
  target: { level: Level; by: string; summary: string } | null;
}

export interface ReportAttestation {
  by: string;
  at: string;
  /** The day it stops counting, or null when it does not expire. */
  until: string | null;
  outcome: 'met' | 'not_met';
  reason: string;
  evidenceUrl: string | null;
}

export interface ReportCapability {
  id: string;
  area: Area;
  level: Level;
  /** The model's wording; for a statement the model no longer has, its id. */
  statement: string;
  /** Null for a statement the model no longer has. */
  assessment: Assessment | null;
  status: CapabilityStatus;
  reason: string;
  checks: { checkId: string; outcome: Outcome; title: string | null; message: string | null }[];
  attestation: ReportAttestation | null;
}

/** One statement of one scan, as a CSV row needs it. */
export type PeriodCapability = Omit<ReportCapability, 'checks'> & { checks: { checkId: string; outcome: Outcome }[] };

export interface PeriodScan {
  id: number;
  status: string;
  startedAt: string;
  finishedAt: string;
  areas: { area: Area; level: Level; maxLevel: Level }[];
  capabilities: PeriodCapability[];
}

export interface ReportTrends {
  /** The scan start times the trends cover: the period, or the 90 days up to the reported scan. */
  from: string | null;
  to: string | null;
  levels: LevelSeries[];
  adoption: AdoptionSeries[];
}

export interface LevelSeries {
  area: Area;
  name: string;
  points: { scanId: number; at: string; level: Level; maxLevel: Level }[];
}

export interface AdoptionSeries {
  key: AdoptionKey;
  name: string;
  points: { scanId: number; at: string; value: number }[];
}

export interface ReportAlert {
  id: number;
  kind: string;
  severity: string;
  status: string;
  title: string;
  summary: string;
  openedAt: string;
  openedScanId: number;
  resolvedAt: string | null;
  acknowledgedBy: string | null;
}

/** A stored scan as the report reads it (see `StoredScan`). */
export interface ReportInputScan {
  id: number;
  status: string;
  trigger: string;
  startedAt: Date;
  finishedAt: Date | null;
  ruleSetVersion: string;
  areaScores: AreaScore[];
  capabilityResults: CapabilityResult[];
  checkResults: Pick<CheckResult, 'checkId' | 'title' | 'outcome' | 'message'>[];
}

export interface ReportInputs {
  generatedAt: Date;
  tenant: { id: string; name: string };
  period: { from: string | null; to: string | null } | null;
  /** The scan start times trends and alerts cover. */
  window: { from: Date | null; to: Date | null };
  scan: ReportInputScan;
  /** Every scan with results in the period (or just the reported one), oldest first. */
  periodScans: { id: number; status: string; startedAt: Date; finishedAt: Date | null; areaScores: Pick<AreaScore, 'area' | 'level' | 'maxLevel'>[]; capabilityResults: CapabilityResult[] }[];
  areaTrends: readonly AreaTrend[];
  adoptionTrend: readonly AdoptionPoint[];
  /** Already narrowed to the window. */
  alerts: readonly AlertView[];
  targets: readonly AreaTarget[];
  ruleSet: Pick<RuleSet, 'version' | 'catalogue' | 'checks' | 'areas'>;
  /** The level threshold the tenant is scored with (1: every statement). */
  threshold: number;
}

export type AdoptionKey = Exclude<keyof Adoption, 'environments'> | 'environments';

/** The adoption counts a trend shows, in this order. */
export const ADOPTION_SERIES: readonly { key: AdoptionKey; name: string }[] = [
  { key: 'environments', name: 'Environments' },
  { key: 'makers', name: 'Makers' },
  { key: 'canvasApps', name: 'Canvas apps' },
  { key: 'cloudFlows', name: 'Cloud flows' },
  { key: 'modelDrivenApps', name: 'Model-driven apps' },
  { key: 'agents', name: 'Agents' },
  { key: 'customConnectors', name: 'Custom connectors' },
  { key: 'powerPagesSites', name: 'Power Pages sites' },
  { key: 'sharedWithEveryone', name: 'Shared with Everyone' },
];

export function buildReport(inputs: ReportInputs): ReportModel {
  const { scan, ruleSet } = inputs;
  const areaNames = new Map<string, string>(ruleSet.areas.map((a) => [a.id, a.name]));
  const name = (area: string): string => areaNames.get(area) ?? area;
  const targets = targetsProgress(scan.areaScores, inputs.targets, inputs.generatedAt);
  const statements = new Map(ruleSet.catalogue.map((c) => [c.id, c]));
  const checks = new Map(scan.checkResults.map((r) => [r.checkId, r]));
  const order = new Map(ruleSet.catalogue.map((c, i) => [c.id, i]));
  const byModelOrder = <T extends { capabilityId: string }>(results: readonly T[]): T[] =>
    [...results].sort((a, b) => (order.get(a.capabilityId) ?? Number.MAX_SAFE_INTEGER) - (order.get(b.capabilityId) ?? Number.MAX_SAFE_INTEGER));
  const statementOf = (result: CapabilityResult): Omit<PeriodCapability, 'checks'> => {
    const capability = statements.get(result.capabilityId);
    return {
      id: result.capabilityId,
      area: result.area,
      level: result.level,
      statement: capability?.statement ?? result.capabilityId,
      assessment: capability?.assessment ?? null,
      status: result.status,
      reason: result.reason,
      attestation: result.attestation ? attestationOf(result.attestation) : null,
    };
  };

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tenant: { id: inputs.tenant.id, name: inputs.tenant.name },
    generatedAt: inputs.generatedAt.toISOString(),
    period: inputs.period,
    scan: {
      id: scan.id,
      status: scan.status,
      trigger: scan.trigger,
      startedAt: scan.startedAt.toISOString(),
      finishedAt: scan.finishedAt?.toISOString() ?? null,
      ruleSetVersion: scan.ruleSetVersion,
    },
    ruleSetVersion: ruleSet.version,
    notes: notes(inputs),
    areas: scan.areaScores.map((score) => {
      const target = targets.find((t) => t.area === score.area);
      return {
        area: score.area,
        name: name(score.area),
        level: score.level,
        maxLevel: score.maxLevel,
        met: score.met,
        total: score.total,
        unknown: score.unknown,
        summary: score.summary,
        target: target ? { level: target.level, by: target.by, summary: target.summary } : null,
      };
    }),
    capabilities: byModelOrder(scan.capabilityResults).map((result) => ({
      ...statementOf(result),
      checks: result.checks.map((c) => ({ checkId: c.checkId, outcome: c.outcome, title: checks.get(c.checkId)?.title ?? null, message: checks.get(c.checkId)?.message ?? null })),
    })),
    roadmap: roadmap({
      catalogue: ruleSet.catalogue,
      checks: ruleSet.checks,
      checkResults: scan.checkResults as CheckResult[],
      capabilityResults: scan.capabilityResults,
      areaScores: scan.areaScores,
      threshold: inputs.threshold,
    }),
    trends: {
      from: inputs.window.from?.toISOString() ?? null,
      to: inputs.window.to?.toISOString() ?? null,
      levels: inputs.areaTrends.map((trend) => ({
        area: trend.area,
        name: name(trend.area),
        points: trend.points.map((p) => ({ scanId: p.scanId, at: p.finishedAt.toISOString(), level: p.level, maxLevel: p.maxLevel })),
      })),
      adoption: adoptionSeries(inputs.adoptionTrend),
    },
    alerts: inputs.alerts.map((alert) => ({
      id: alert.id,
      kind: alert.kind,
      severity: alert.severity,
      status: alert.status,
      title: alert.title,
      summary: alert.summary,
      openedAt: alert.openedAt.toISOString(),
      openedScanId: alert.openedScanId,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      acknowledgedBy: alert.acknowledgedBy,
    })),
    scans: inputs.periodScans.map((s) => ({
      id: s.id,
      status: s.status,
      startedAt: s.startedAt.toISOString(),
      finishedAt: (s.finishedAt ?? s.startedAt).toISOString(),
      areas: s.areaScores.map((a) => ({ area: a.area, level: a.level, maxLevel: a.maxLevel })),
      capabilities: byModelOrder(s.capabilityResults).map((result) => ({ ...statementOf(result), checks: result.checks.map((c) => ({ checkId: c.checkId, outcome: c.outcome })) })),
    })),
  };
}

function attestationOf(a: NonNullable<CapabilityResult['attestation']>): ReportAttestation {
  return { by: a.by, at: a.at, until: a.expires ?? null, outcome: a.outcome ?? 'met', reason: a.reason, evidenceUrl: a.evidenceUrl ?? null };
}

/** One series per adoption count that some scan measured; scans that could not count it leave a gap. */
function adoptionSeries(points: readonly AdoptionPoint[]): AdoptionSeries[] {
  return ADOPTION_SERIES.flatMap(({ key, name }) => {
    const series = points.flatMap((p) => {
      const value = p.adoption === null ? null : key === 'environments' ? (p.adoption.environments?.total ?? null) : p.adoption[key];
      return typeof value === 'number' ? [{ scanId: p.scanId, at: p.finishedAt.toISOString(), value }] : [];
    });
    return series.length > 0 ? [{ key, name, points: series }] : [];
  });
}

function notes(inputs: ReportInputs): string[] {
  const { scan } = inputs;
  const out: string[] = [];
  if (scan.status === 'partial') {
    out.push(`Scan #${scan.id} is partial: some evidence could not be collected, so the statements that depend on it are unknown and each level is a range.`);
  }
  if (scan.ruleSetVersion.split('+')[0] !== inputs.ruleSet.version) {
    out.push(`Scan #${scan.id} was judged by rule set ${scan.ruleSetVersion}; the rules are now ${inputs.ruleSet.version}, and the roadmap's remediation comes from them.`);
  }
  if (inputs.period && inputs.periodScans.length > 1) {
    out.push(`The levels and statements are those of scan #${scan.id}, the last of the ${inputs.periodScans.length} scans with results in the period.`);
  }
  return out;
}

/** How each status reads in a report. */
export const STATUS_LABELS: Record<CapabilityStatus, string> = { met: 'met', indicated: 'indicated, to confirm', not_met: 'not met', unknown: 'unknown' };

/** The order statuses are listed in: what is done, what a person should confirm, what is missing, what nobody knows. */
export const STATUS_ORDER: readonly CapabilityStatus[] = ['met', 'indicated', 'not_met', 'unknown'];

/** `2026-11-27 02:00 UTC` from an ISO instant. */
export function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/** "200" or "200–300": an area's level and how high it could be once the unknown statements are known. */
export function levelRange(area: Pick<ReportArea, 'level' | 'maxLevel'>): string {
  return area.maxLevel > area.level ? `${area.level}–${area.maxLevel}` : String(area.level);
}

/** Where the trends start and end, in words. */
export function trendsWindowText(model: Pick<ReportModel, 'period' | 'scan'>): string {
  if (!model.period) return `the ${TREND_DAYS} days up to scan #${model.scan.id}`;
  const { from, to } = model.period;
  if (from && to) return `${from} to ${to}`;
  return from ? `since ${from}` : `until ${to}`;
}
