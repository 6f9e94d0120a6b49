/**
 * Issue 8 item 1, the fault matrix: for every collector (and every inventory section, and the
 * inventory's owner lookups) x every way an API call fails, a scan of the demo tenant with
 * that fault injected completes; the collector's evidence fails with a reason that names the
 * fault; the statements that depend on it are unknown with the reason, never not met; every
 * other statement is as in the baseline scan; and no regression alert is raised.
 *
 * Each cell is a scan of a lane's tenant whose only finished scan is the fault-free baseline,
 * so regressions are judged against it (see fault-matrix.rig.ts). The matrix prints itself
 * and its pass count, and is recorded as figures.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/config-schema.js';
import type { InventoryEvidence } from '../../src/evidence/inventory.schemas.js';
import type { EvidenceKey } from '../../src/evidence/schemas.js';
import { EVIDENCE_LABELS } from '../../src/rules/evaluate.js';
import type { RuleSet } from '../../src/rules/rule-set.js';
import type { ScanOutcome } from '../../src/scheduler/run-scan.js';
import type { FaultTarget, SimulatorFault } from '../../src/simulator/server.js';
import { recordFigures } from '../support/figures.js';
import { shippedRuleSet } from '../support/scan-rig.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { deriveRows, openLane, type Lane, type Row } from './fault-matrix.rig.js';

/**
 * ppmat's HTTP settings for the matrix, through the config schema like a real `ppmat.yaml`:
 * a short timeout and one retry, so a hanging or throttled family costs seconds, not the
 * default 30 s x 5 retries. The timeout stays above the longest event-loop stall of four
 * scans at once in this process (the simulator answers from the same event loop; the test
 * prints the stall it saw), so only the faulted family ever times out.
 */
const CONFIG = configSchema.parse({ http: { timeoutMs: 1000, maxRetries: 1, maxConcurrencyPerHost: 8 } });
/** The baselines and the probes that derive the rows run with the defaults: nothing is faulted there, and nothing may time out. */
const PATIENT = configSchema.parse({}).http;
/** The 429 storm's `Retry-After`: the smallest whole number of seconds, longer in total than one retry can wait out. */
const RETRY_AFTER_SECONDS = 1;
/** Tenants scanned at once: overlaps one cell's waits (timeouts, Retry-After) with another's work. */
const LANES = 4;

const FAULT_NAMES = ['403', '404', '429 storm', '500', 'timeout', 'reset', 'malformed JSON', 'unknown fields', 'missing field'] as const;
type FaultName = (typeof FAULT_NAMES)[number];

/**
 * What a cell must show.
 * - `fails`: the row's evidence (or section, or owner lookups) is `status` with a reason that
 *   matches (`partly`: in the environments whose answer the fault could change); the scan is
 *   partial; every check reading it is unknown; every statement that changed is unknown (or met
 *   by a person's attestation, which counts while the evidence cannot say); no regression alert.
 * - `none`: the scan is as without the fault (same status, evidence, statements; no alert).
 * - `answer`: the API's status is a documented answer, read as such (the evidence is collected
 *   and may say something else than the baseline, so statements and alerts may follow it).
 * - `statements`: the evidence is collected, but the statements that read the missing data are
 *   unknown with a reason that matches; nothing else changes; no regression alert.
 */
type Expected =
  | { effect: 'fails'; status: 'unavailable' | 'error'; reason: RegExp; partly?: boolean }
  | { effect: 'none' }
  | { effect: 'answer'; why: string }
  | { effect: 'statements'; reason: RegExp; why: string };

/**
 * A field each row's payload cannot do without, from its raw schema (src/collectors/*.raw.ts,
 * src/collectors/inventory/*.raw.ts, directory-objects.ts). The `missing field` fault removes it
 * from every object of the row's answers; a row the code gains without an entry here fails the
 * test, so the table cannot silently fall behind the collectors.
 */
const REQUIRED_FIELD: Record<string, string> = {
  environments: 'name',
  tenantSettings: 'disableEnvironmentCreationByNonAdminUsers',
  dlpPolicies: 'environmentType',
  tenantIsolation: 'tenantId',
  conditionalAccess: 'id',
  roleAssignments: 'principalId',
  pimSchedules: 'principalId',
  environmentGroups: 'id',
  advisorRecommendations: 'scenario',
  inventory: 'responses',
  'inventory.canvasApps': 'name',
  'inventory.cloudFlows': 'name',
  'inventory.customConnectors': 'name',
  'inventory.modelDrivenApps': 'appmoduleid',
  'inventory.agents': 'botid',
  'inventory.powerPagesSites': 'id',
  'inventory.dataverse': 'uniquename',
  organization: 'id',
  identityGovernance: 'id',
};

/**
 * Where a 404 is the API's answer, not a failure (reference /work/shared/reference/power-platform-apis.md).
 * Every other 404 is "a resource was expected" and fails the collection.
 */
const ANSWERING_404: Record<string, string> = {
  tenantIsolation: 'the policy was never configured (reference 4 and pitfall 3: "treat this as disabled / not configured, not as an error")',
};
// Not answers here, though they have a "none" 404: Dataverse's 404 for a table that does not exist (agents' `bots`, the
// pipelines tables) names the table, and Power Pages' 404 for an environment without Dataverse says so; the matrix's
// 404 says neither, so it is a failure (src/collectors/inventory/dataverse.ts `missingTable`, power-pages-sites.collector.ts).
// Environment groups' assignments answer 404 for "none" (reference 5), but the family's list does not: its 404 fails.

/**
 * Where a missing property is tolerated by design: tenant settings are kept as sent (their
 * key set grows and shrinks), so a missing setting leaves each check that reads it unknown,
 * naming the setting, instead of failing the whole family.
 */
const TOLERATED_MISSING: Record<string, string> = {
  tenantSettings: 'tenant settings are a record kept as sent; the checks test each key with has() and say which one is missing',
};

/** An HTTP failure's reason names the status: `GET ... answered 403: ...`. */
const answered = (status: number): RegExp => new RegExp(`answered ${status}\\b`);

/**
 * The fault kinds (columns), each with what the simulator does and the expected outcome, and why.
 */
const FAULTS: Record<FaultName, { fault: (row: Row) => SimulatorFault; expected: (row: Row) => Expected }> = {
  // Refused: a missing role or permission. Unavailable (not an error), and the reason says what to grant.
  '403': { fault: () => ({ status: 403 }), expected: () => ({ effect: 'fails', status: 'unavailable', reason: answered(403) }) },
  // Not found where a list or object was expected; only the documented "none configured" 404s are answers.
  '404': {
    fault: () => ({ status: 404 }),
    expected: (row) => (ANSWERING_404[row.id] ? { effect: 'answer', why: ANSWERING_404[row.id]! } : { effect: 'fails', status: 'error', reason: answered(404) }),
  },
  // Every request throttled, longer than the retries wait: "still throttled", never an empty list.
  '429 storm': { fault: () => ({ status: 429, retryAfterSeconds: RETRY_AFTER_SECONDS }), expected: () => ({ effect: 'fails', status: 'error', reason: /throttled \(429\)/ }) },
  // A persistent server error: retried, then an error.
  '500': { fault: () => ({ status: 500 }), expected: () => ({ effect: 'fails', status: 'error', reason: answered(500) }) },
  // Never answered: the request timeout (1 s here) decides.
  timeout: { fault: () => ({ kind: 'timeout' }), expected: () => ({ effect: 'fails', status: 'error', reason: new RegExp(`did not answer within ${CONFIG.http.timeoutMs} ms`) }) },
  // The connection destroyed without an answer: axios says ECONNRESET / socket hang up, fetch (Graph) "other side closed".
  reset: { fault: () => ({ kind: 'reset' }), expected: () => ({ effect: 'fails', status: 'error', reason: /could not be reached: .*(ECONNRESET|socket hang up|other side closed|terminated)/i }) },
  // A 200 whose body is cut in half: not JSON.
  'malformed JSON': { fault: () => ({ kind: 'malformed' }), expected: () => ({ effect: 'fails', status: 'error', reason: /not JSON|not a JSON|not the expected shape|could not read it/ }) },
  // APIs add properties all the time: ppmat's raw schemas are loose objects, so new fields change nothing.
  'unknown fields': { fault: () => ({ kind: 'unknownFields' }), expected: () => ({ effect: 'none' }) },
  // A required property gone: a validation error that names it (or, for tenant settings, unknown checks that name it).
  'missing field': {
    fault: (row) => ({ kind: 'missingFields', fields: [REQUIRED_FIELD[row.id] ?? '(none)'] }),
    expected: (row) => {
      const field = new RegExp(`\\b${REQUIRED_FIELD[row.id] ?? '(none)'}\\b`);
      if (TOLERATED_MISSING[row.id]) return { effect: 'statements', reason: field, why: TOLERATED_MISSING[row.id]! };
      return { effect: 'fails', status: 'error', reason: field, partly: row.kind === 'section' };
    },
  },
};

interface Cell {
  row: Row;
  fault: FaultName;
}

interface CellResult extends Cell {
  problems: string[];
  ms: number;
}

let db: TestDatabase;
let ruleSet: RuleSet;
let lanes: Lane[];
let rows: Row[];

beforeAll(async () => {
  db = await openTestDatabase();
  ruleSet = await shippedRuleSet();
  lanes = [];
  for (let i = 0; i < LANES; i += 1) {
    lanes.push(await openLane({ db, ruleSet, config: CONFIG, baselineHttp: PATIENT, tenantId: `0a1b2c3d-0000-4000-8000-00000000f${String(i).padStart(3, '0')}` }));
  }
  rows = await deriveRows(lanes[0]!.tenantId, lanes[0]!.baseline, PATIENT);
}, 120_000);

afterAll(async () => {
  await db?.dispose();
});

/** The rows a cell's targets reach (sharing a target), and the evidence keys that cannot be collected then (with what reads them upstream). */
function reach(cell: Cell): { rows: Row[]; downKeys: Set<EvidenceKey> } {
  const targets = new Set<FaultTarget>(cell.row.targets);
  const hit = rows.filter((row) => row.targets.some((t) => targets.has(t)));
  const downKeys = new Set<EvidenceKey>(hit.filter((row) => row.kind === 'collector').map((row) => row.key));
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (downKeys.has(row.key) || !row.upstream.some((key) => downKeys.has(key))) continue;
      downKeys.add(row.key);
      grew = true;
    }
  }
  return { rows: hit, downKeys };
}

const inventoryOf = (outcome: ScanOutcome): InventoryEvidence | undefined => outcome.snapshot.evidence.inventory?.data as InventoryEvidence | undefined;

/** Whether the row's own evidence failed as expected; problems otherwise. */
function rowFailed(row: Row, outcome: ScanOutcome, baseline: ScanOutcome, expected: { status: string; reason: RegExp; partly?: boolean }): string[] {
  const problems: string[] = [];
  if (row.kind === 'collector') {
    const item = outcome.snapshot.evidence[row.key];
    const run = outcome.collectorRuns.find((r) => r.collector === row.key);
    if (item?.status !== expected.status) problems.push(`${row.key} evidence is ${item?.status ?? 'missing'}, not ${expected.status}`);
    if (run?.status !== expected.status) problems.push(`${row.key} collector run is ${run?.status ?? 'missing'}, not ${expected.status}`);
    if (!expected.reason.test(item?.reason ?? '')) problems.push(`${row.key} reason does not match ${expected.reason}: ${item?.reason ?? '(none)'}`);
    return problems;
  }
  const inventory = inventoryOf(outcome);
  if (!inventory) return [`the inventory was not collected: ${outcome.snapshot.evidence.inventory?.reason ?? 'no evidence'}`];
  if (row.kind === 'owners') {
    const { owners } = inventory;
    if (owners.total === 0 || owners.unknown !== owners.total) problems.push(`owner lookups: ${owners.unknown} of ${owners.total} unknown, expected all`);
    if (!expected.reason.test(owners.reason ?? '')) problems.push(`owner lookups' reason does not match ${expected.reason}: ${owners.reason ?? '(none)'}`);
    return problems;
  }
  const section = row.section!;
  const now = inventory.sections[section];
  const before = inventoryOf(baseline)!.sections[section];
  const failed = expected.status === 'unavailable' ? now.unavailable : now.error;
  // A fault on every request fails every environment; a missing field fails those whose answer had the field (a table with rows).
  const all = !expected.partly;
  if (failed + now.ok !== before.ok || failed === 0 || (all && now.ok !== 0)) {
    problems.push(`section ${section}: ${now.ok} ok, ${now.unavailable} unavailable, ${now.error} error; expected ${all ? 'all' : 'some'} of ${before.ok} ${expected.status}`);
  }
  const reason = now.reasons[0];
  if (reason?.status !== expected.status || !expected.reason.test(reason.reason)) problems.push(`section ${section} reason does not match ${expected.reason}: ${reason?.reason ?? '(none)'}`);
  return problems;
}

/** Every statement that changed from the baseline is unknown, with a reason, and reads something the fault reached. */
function statementsOnlyUnknown(outcome: ScanOutcome, baseline: ScanOutcome, readsAffected: (capabilityId: string) => boolean, reason?: RegExp): string[] {
  const before = new Map(baseline.capabilityResults.map((c) => [c.capabilityId, c]));
  const problems: string[] = [];
  for (const now of outcome.capabilityResults) {
    const was = before.get(now.capabilityId);
    if (was?.status === now.status) continue;
    // A person's attestation counts while the checks cannot decide (score-capabilities.ts): met, and says by whom.
    const attested = now.status === 'met' && now.attestation !== undefined && now.reason.startsWith('Met: attested');
    if (attested) continue;
    if (now.status !== 'unknown') problems.push(`${now.capabilityId} went ${was?.status ?? 'absent'} -> ${now.status}: ${now.reason}`);
    else if (!now.reason.startsWith('Unknown')) problems.push(`${now.capabilityId} is unknown without saying why: ${now.reason}`);
    else if (reason && !reason.test(now.reason)) problems.push(`${now.capabilityId} is unknown, but its reason does not match ${reason}: ${now.reason}`);
    if (!readsAffected(now.capabilityId)) problems.push(`${now.capabilityId} changed (${was?.status} -> ${now.status}) although it reads nothing the fault reached`);
  }
  return problems;
}

/** Every check whose outcome changed from the baseline is unknown; with `reason`, at least one did and says it. */
function checksOnlyUnknown(outcome: ScanOutcome, baseline: ScanOutcome, reason?: RegExp): string[] {
  const before = new Map(baseline.checkResults.map((r) => [r.checkId, r.outcome]));
  const changed = outcome.checkResults.filter((r) => before.get(r.checkId) !== r.outcome);
  const problems = changed.filter((r) => r.outcome !== 'unknown').map((r) => `check ${r.checkId} went ${before.get(r.checkId)} -> ${r.outcome}: ${r.message}`);
  if (reason && !changed.some((r) => r.outcome === 'unknown' && reason.test(r.message))) problems.push(`no check became unknown with a message matching ${reason}`);
  return problems;
}

/** Whether a capability's checks read any of `keys` (evidence or facts). */
function capabilityReads(keys: ReadonlySet<EvidenceKey>): (capabilityId: string) => boolean {
  return (capabilityId) => ruleSet.checks.some((check) => check.capabilities.includes(capabilityId) && check.evidenceKeys.some((key) => keys.has(key)));
}

async function runCell(lane: Lane, cell: Cell): Promise<CellResult> {
  const started = performance.now();
  const spec = FAULTS[cell.fault];
  const expected = spec.expected(cell.row);
  const problems: string[] = [];
  if (cell.fault === 'missing field' && REQUIRED_FIELD[cell.row.id] === undefined) {
    return { ...cell, problems: [`no required field is known for ${cell.row.id}: add one to REQUIRED_FIELD`], ms: 0 };
  }
  const fault = spec.fault(cell.row);
  const faults = Object.fromEntries(cell.row.targets.map((target) => [target, fault])) as Partial<Record<FaultTarget, SimulatorFault>>;
  let outcome: ScanOutcome;
  try {
    outcome = await lane.scan({ faults });
  } catch (error) {
    return { ...cell, problems: [`the scan did not complete: ${(error as Error).message}`], ms: performance.now() - started };
  }
  try {
    const { baseline } = lane;
    const { rows: hit, downKeys } = reach(cell);
    const alerts = await lane.alertsOf(outcome.scanId);
    const regressions = alerts.filter((a) => a.kind === 'regression');
    switch (expected.effect) {
      case 'fails': {
        if (outcome.status !== 'partial') problems.push(`scan is ${outcome.status}, not partial`);
        for (const row of hit) problems.push(...rowFailed(row, outcome, baseline, expected));
        for (const key of downKeys) {
          if (hit.some((row) => row.kind === 'collector' && row.key === key)) continue;
          const item = outcome.snapshot.evidence[key];
          if (item?.status === 'ok') problems.push(`${key} reads evidence that failed, yet is ok`);
        }
        for (const result of outcome.checkResults) {
          const reads = result.evidenceKeys.filter((key) => downKeys.has(key as EvidenceKey));
          if (reads.length === 0) continue;
          if (result.outcome !== 'unknown') problems.push(`check ${result.checkId} reads ${reads.join(', ')} and is ${result.outcome}`);
          else if (!result.message.includes(EVIDENCE_LABELS[reads[0] as EvidenceKey])) problems.push(`check ${result.checkId} is unknown without naming ${reads[0]}: ${result.message}`);
        }
        const inInventory = hit.some((row) => row.kind !== 'collector');
        problems.push(...checksOnlyUnknown(outcome, baseline));
        problems.push(...statementsOnlyUnknown(outcome, baseline, capabilityReads(new Set([...downKeys, ...(inInventory ? (['inventory'] as const) : [])]))));
        break;
      }
      case 'none': {
        if (outcome.status !== baseline.status) problems.push(`scan is ${outcome.status}, not ${baseline.status} as without the fault`);
        for (const item of Object.values(outcome.snapshot.evidence)) if (item && item.status !== 'ok') problems.push(`${item.key} is ${item.status}: ${item.reason ?? ''}`);
        const sections = JSON.stringify(inventoryOf(outcome)?.sections);
        if (sections !== JSON.stringify(inventoryOf(baseline)?.sections)) problems.push(`inventory sections differ from the baseline: ${sections}`);
        for (const result of outcome.checkResults) {
          const was = baseline.checkResults.find((r) => r.checkId === result.checkId)?.outcome;
          if (was !== result.outcome) problems.push(`check ${result.checkId} went ${was} -> ${result.outcome}: ${result.message}`);
        }
        problems.push(...statementsOnlyUnknown(outcome, baseline, () => false));
        if (alerts.length > 0) problems.push(`alerts raised: ${alerts.map((a) => a.title).join('; ')}`);
        break;
      }
      case 'answer': {
        if (outcome.status !== baseline.status) problems.push(`scan is ${outcome.status}, not ${baseline.status}: the 404 is an answer (${expected.why})`);
        const item = outcome.snapshot.evidence[cell.row.key];
        if (item?.status !== 'ok') problems.push(`${cell.row.key} is ${item?.status}, but the 404 is an answer: ${expected.why}`);
        if (cell.row.section && inventoryOf(outcome)?.sections[cell.row.section].ok !== inventoryOf(baseline)?.sections[cell.row.section].ok) {
          problems.push(`section ${cell.row.section} was not read as an answer: ${JSON.stringify(inventoryOf(outcome)?.sections[cell.row.section])}`);
        }
        break;
      }
      case 'statements': {
        if (outcome.status !== baseline.status) problems.push(`scan is ${outcome.status}, not ${baseline.status}`);
        const item = outcome.snapshot.evidence[cell.row.key];
        if (item?.status !== 'ok') problems.push(`${cell.row.key} is ${item?.status} (${item?.reason ?? ''}), but ${expected.why}`);
        problems.push(...checksOnlyUnknown(outcome, baseline, expected.reason));
        problems.push(...statementsOnlyUnknown(outcome, baseline, capabilityReads(new Set([cell.row.key])), expected.reason));
        break;
      }
    }
    if (expected.effect !== 'answer' && regressions.length > 0) problems.push(`regression alerts raised: ${regressions.map((a) => a.title).join('; ')}`);
  } finally {
    await lane.forget(outcome.scanId);
  }
  return { ...cell, problems, ms: performance.now() - started };
}

/** The matrix as text: rows x fault kinds, ✓ or ✗. */
function matrixLines(results: readonly CellResult[]): string[] {
  const width = Math.max(...rows.map((row) => row.id.length)) + 2;
  const header = `${'collector'.padEnd(width)}${FAULT_NAMES.map((f) => f.padEnd(Math.max(f.length, 3) + 2)).join('')}`;
  const lines = [header];
  for (const row of rows) {
    const marks = FAULT_NAMES.map((fault) => {
      const result = results.find((r) => r.row.id === row.id && r.fault === fault);
      const mark = result === undefined ? '?' : result.problems.length === 0 ? '✓' : '✗';
      return mark.padEnd(Math.max(fault.length, 3) + 2);
    });
    lines.push(`${row.id.padEnd(width)}${marks.join('')}`);
  }
  return lines;
}

describe('fault matrix: collector x fault', () => {
  it('derives a row for every collector, the owner lookups and every inventory section', () => {
    expect(rows.map((row) => row.id)).toEqual(expect.arrayContaining(['environments', 'inventory', 'inventory.canvasApps', 'inventory.dataverse', 'identityGovernance']));
    for (const row of rows) expect(row.targets.length, `${row.id} requested nothing the simulator can fault`).toBeGreaterThan(0);
    for (const row of rows) expect(REQUIRED_FIELD[row.id], `${row.id} has no required field for the missing-field fault`).toBeDefined();
    expect(lanes.map((lane) => lane.baseline.status)).toEqual(lanes.map(() => 'succeeded'));
    console.log(rows.map((row) => `${row.id}: ${row.targets.join(', ')}${row.upstream.length > 0 ? ` (reads ${row.upstream.join(', ')})` : ''}`).join('\n'));
  });

  it('completes every cell with the expected outcome', async () => {
    const started = performance.now();
    // The simulator shares this process: a long event-loop stall would look like a timeout to ppmat, so it is reported.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const queue: Cell[] = rows.flatMap((row) => FAULT_NAMES.map((fault) => ({ row, fault })));
    const total = queue.length;
    const results: CellResult[] = [];
    await Promise.all(
      lanes.map(async (lane) => {
        for (let cell = queue.shift(); cell; cell = queue.shift()) results.push(await runCell(lane, cell));
      }),
    );
    lag.disable();
    const passed = results.filter((r) => r.problems.length === 0).length;
    const seconds = (performance.now() - started) / 1000;
    const lines = [...matrixLines(results), '', `${passed}/${total} cells passed in ${seconds.toFixed(1)} s (${rows.length} rows x ${FAULT_NAMES.length} faults, ${LANES} lanes)`];
    const slowest = FAULT_NAMES.map((fault) => `${fault} ${(results.filter((r) => r.fault === fault).reduce((sum, r) => sum + r.ms, 0) / 1000).toFixed(1)} s`).join(', ');
    lines.push(`scan time by fault: ${slowest}`);
    const longest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 3);
    lines.push(`longest cells: ${longest.map((r) => `${r.row.id} x ${r.fault} ${(r.ms / 1000).toFixed(1)} s`).join(', ')}`);
    lines.push(`event-loop delay: p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms (the request timeout is ${CONFIG.http.timeoutMs} ms)`);
    console.log(lines.join('\n'));
    await recordFigures('fault-matrix', { title: 'fault matrix: collector x fault', figures: { 'cells passed': passed, cells: total }, lines });
    const failures = results.filter((r) => r.problems.length > 0).map((r) => `${r.row.id} x ${r.fault}:\n  - ${r.problems.join('\n  - ')}`);
    expect(failures, failures.join('\n')).toEqual([]);
  }, 600_000);
});
