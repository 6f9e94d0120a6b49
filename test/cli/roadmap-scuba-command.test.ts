/** `ppmat roadmap` and `ppmat scuba`: one view of the last stored scan, or of a scan made now. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-roadmap-');
const cli = sandbox.cli;

describe('ppmat roadmap', () => {
  it('names, per area, the statements to the next level and what would flip each', async () => {
    const { code, stdout } = await cli('roadmap', '--demo', '--profile', 'defined');
    expect(code).toBe(0);
    for (const area of ['Strategy and vision', 'Business value', 'Security', 'Governance', 'Operations', 'Community', 'Responsible AI', 'Automation', 'Fusion teams']) {
      expect(stdout).toMatch(new RegExp(`^${area}: [1-5]00 → [2-5]00 \\(\\d+ statements? to go\\)$`, 'm'));
    }
    // The demo's one DLP gap: the failing check's fix and its link.
    expect(stdout).toContain("security.dlp-all-environments: DLP policies cover 11 of 12 environments; 'Customer Service Sandbox' is not covered by any policy.");
    expect(stdout).toMatch(/^ {6}Fix: Scope a baseline DLP policy to all environments/m);
    expect(stdout).toMatch(/^ {6}Attest: A CoE member can state it: ppmat attest --capability strategy\.300\.[a-z-]+ --outcome met/m);
  });

  it('shows the organization target of an area beside it, and refuses two targets for one area', async () => {
    await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), ['demo:', '  targets:', '    - { area: governance, level: 400, by: 2100-06-30 }'].join('\n'));
    const { code, stdout } = await cli('roadmap', '--demo', '--profile', 'defined');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Governance \[target 400 by 2100-06-30: 2 levels to go, \d+ days left\]: 200 → 300/m);
    await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), ['demo:', '  targets:', '    - { area: governance, level: 400, by: 2100-06-30 }', '    - { area: governance, level: 300, by: 2100-01-31 }'].join('\n'));
    const refused = await cli('roadmap', '--demo');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/PPMAT_E_CONFIG_INVALID.*demo\.targets.*give at most one target per area/s);
  });

  it('gives the same roadmap as JSON', async () => {
    const { code, stdout } = await cli('roadmap', '--demo', '--format', 'json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { roadmap: { area: string; nextLevel: number | null; missing: { actions: { kind: string }[] }[] }[] };
    expect(doc.roadmap).toHaveLength(9);
    for (const step of doc.roadmap) for (const item of step.missing) expect(item.actions.length).toBeGreaterThan(0);
  });
});

describe('ppmat scan coverage', () => {
  it('says per area how many statements machine evidence, attestations or neither decided', async () => {
    const { code, stdout } = await cli('scan', '--demo', '--format', 'json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { coverage: { area: string; statements: number; machine: number; attestation: number; neither: number }[] };
    expect(doc.coverage.map((c) => c.area)).toEqual(['strategy', 'business-value', 'security', 'governance', 'operations', 'community', 'responsible-ai', 'automation', 'fusion-teams']);
    for (const c of doc.coverage) expect(c.machine + c.attestation + c.neither).toBe(c.statements);
    expect(doc.coverage.find((c) => c.area === 'security')?.machine).toBeGreaterThan(5);
  });
});

describe('ppmat scuba', () => {
  it('prints the SCuBA baseline results of a fresh scan', async () => {
    const { code, stdout } = await cli('scuba', '--demo', '--profile', 'initial', '--format', 'json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as { scuba: { id: string; result: string }[] };
    expect(doc.scuba.map((r) => r.id)).toContain('MS.POWERPLATFORM.2.1v1');
    expect(Object.fromEntries(doc.scuba.map((r) => [r.id, r.result]))).toMatchObject({ 'MS.POWERPLATFORM.3.1v1': 'fail', 'MS.POWERPLATFORM.3.2v1': 'n/a' });
  });
});

describe('reports of the last stored scan', () => {
  const scanCount = () => sandbox.withDatabase((db) => db.prisma.scan.count());

  it('reads the last scan instead of scanning again, and says which scan it is', async () => {
    const scanned = JSON.parse((await cli('scan', '--demo', '--format', 'json')).stdout) as { scanId: number; areas: { area: string; level: number }[] };
    const roadmap = await cli('roadmap', '--demo', '--format', 'json');
    expect(roadmap.code).toBe(0);
    const doc = JSON.parse(roadmap.stdout) as { scanId: number; asOf: string; roadmap: { area: string; currentLevel: number }[] };
    expect(doc.scanId).toBe(scanned.scanId);
    expect(doc.asOf).toMatch(new RegExp(`^scan #${scanned.scanId} of \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`));
    expect(doc.roadmap.map((s) => [s.area, s.currentLevel])).toEqual(scanned.areas.map((a) => [a.area, a.level]));
    const table = await cli('roadmap', '--demo');
    expect(table.stdout).toMatch(new RegExp(`^Roadmap of Demo tenant \\(defined profile\\), as of scan #${scanned.scanId} of `, 'm'));
    const scuba = await cli('scuba', '--demo');
    expect(scuba.stdout).toMatch(new RegExp(`scan #${scanned.scanId} succeeded, as of \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\n`));
    expect(await scanCount()).toBe(1);
  });

  it('scans when the tenant was never scanned, and with --rescan', async () => {
    const first = await cli('scuba', '--demo', '--format', 'json');
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^No stored scan of [0-9a-f-]{36} yet: scanning now\.$/m);
    expect(JSON.parse(first.stdout)).toMatchObject({ asOf: null });
    const again = await cli('roadmap', '--demo', '--rescan', '--format', 'json');
    expect(JSON.parse(again.stdout)).toMatchObject({ asOf: null });
    expect(await scanCount()).toBe(2);
  });
});
