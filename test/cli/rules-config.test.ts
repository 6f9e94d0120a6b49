/**
 * An organization's own judgement in ppmat.yaml: check parameters (global and per tenant),
 * the level threshold, and custom rule packs, as `ppmat scan` and `ppmat rules` use them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-rules-config-');
const cli = sandbox.cli;

const config = (text: string) => writeFile(path.join(sandbox.dir, 'ppmat.yaml'), text);

interface ScanJson {
  checks: { checkId: string; outcome: string; message: string; actual: Record<string, unknown> }[];
  areas: { area: string; level: number; maxLevel: number }[];
}

describe('parameters and threshold in ppmat.yaml', () => {
  it('judges the demo with the configured parameters, reports them, and reaches levels at the configured threshold', async () => {
    const plain = JSON.parse((await cli('scan', '--demo', '--format', 'json')).stdout) as ScanJson;
    await config(['rules:', '  parameters:', '    governance.unused-resources: { unusedDays: 1000 }', 'scoring:', '  threshold: 0.5', ''].join('\n'));
    const { code, stdout } = await cli('scan', '--demo', '--format', 'json');
    expect(code).toBe(0);
    const tuned = JSON.parse(stdout) as ScanJson;
    const unused = (s: ScanJson) => s.checks.find((c) => c.checkId === 'governance.unused-resources')!;
    expect(unused(plain).actual).toMatchObject({ unusedDays: 180 });
    expect(unused(tuned)).toMatchObject({ outcome: 'pass', actual: { unusedDays: 1000, maxUnusedShare: 0.2, unused: 0 } });
    expect(unused(tuned).message).toMatch(/^0 of \d+ apps and flows \(0%\) have not changed in more than 1000 days, within the 20% allowed\.$/);
    // Half of each level's statements is a lower bar than all of them: no area goes down, some go up.
    const level = (s: ScanJson, area: string) => s.areas.find((a) => a.area === area)!.level;
    for (const area of plain.areas) expect(level(tuned, area.area)).toBeGreaterThanOrEqual(area.level);
    expect(tuned.areas.some((a) => a.level > level(plain, a.area))).toBe(true);
  });

  it('refuses a misspelt parameter before scanning, with its configuration path', async () => {
    await config(['rules:', '  parameters:', '    governance.unused-resources: { unusedDay: 90 }', ''].join('\n'));
    const { code, stderr } = await cli('scan', '--demo');
    expect(code).toBe(4);
    expect(stderr).toMatch(/PPMAT_E_CONFIG_INVALID: .*ppmat\.yaml: rules\.parameters\.governance\.unused-resources\.unusedDay: 'governance\.unused-resources' has no parameter 'unusedDay' \(it has: unusedDays, maxUnusedShare\)/);
  });

  it('says where the old inventory thresholds went', async () => {
    await config(['tenants:', '  - id: contoso.onmicrosoft.com', '    credential: { kind: static, tokenEnv: X }', '    inventory: { unusedDays: 90 }', ''].join('\n'));
    const { code, stderr } = await cli('scan');
    expect(code).toBe(4);
    expect(stderr).toMatch(/line 4, tenants\[0\]\.inventory\.unusedDays: moved: set rules\.parameters: \{ governance\.unused-resources: \{ unusedDays: N \} \}/);
  });

  it('lists parameters with the configured and per-tenant values', async () => {
    await config(
      [
        'rules:',
        '  parameters:',
        '    governance.no-overshared-apps: { maxPrincipals: 50 }',
        'tenants:',
        '  - id: contoso.onmicrosoft.com',
        '    credential: { kind: static, tokenEnv: X }',
        '    rules:',
        '      parameters:',
        '        governance.no-overshared-apps: { maxPrincipals: 20 }',
        '    scoring: { threshold: 0.8 }',
        '',
      ].join('\n'),
    );
    const { code, stdout } = await cli('rules', 'params');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Check\s+Parameter\s+Default\s+Configured\s+Tenant contoso\.onmicrosoft\.com\s+Meaning$/m);
    expect(stdout).toMatch(/^governance\.no-overshared-apps\s+maxPrincipals\s+100\s+50\s+20\s+An app or flow shared/m);
    expect(stdout).toMatch(/^governance\.unused-resources\s+unusedDays\s+180\s+180\s+180\s+/m);
    expect(stdout).toContain("Level threshold (share of a level's statements that must be met): configured: 1, tenant contoso.onmicrosoft.com: 0.8.");
  });
});

describe('custom rule packs in ppmat.yaml', () => {
  it('tests, lints and scans with the pack, its statements scored with their area', async () => {
    const pack = path.join(sandbox.dir, 'contoso-rules');
    await mkdir(path.join(pack, 'checks'), { recursive: true });
    await mkdir(path.join(pack, 'model'), { recursive: true });
    await writeFile(
      path.join(pack, 'model', 'governance.yaml'),
      ['area: governance', 'statements:', '  - id: governance.200.contoso-few-environments', '    level: 200', '    statement: Contoso keeps fewer than 100 environments.', '    assessment: automated', ''].join('\n'),
    );
    await writeFile(
      path.join(pack, 'checks', 'contoso.few-environments.yaml'),
      [
        'id: contoso.few-environments',
        'version: 1',
        'title: Fewer environments than the limit',
        'capabilities: [governance.200.contoso-few-environments]',
        'severity: low',
        'requires: [environments]',
        'parameters:',
        '  limit: { default: 100, min: 1, description: The most environments Contoso wants. }',
        'expr: environments.environments.size() < params.limit',
        'messages:',
        '  pass: "{{ environments.environments.size() }} environments, fewer than {{ params.limit }}."',
        '  fail: "{{ environments.environments.size() }} environments, not fewer than {{ params.limit }}."',
        'remediation: Delete environments nobody uses.',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(pack, 'checks', 'contoso.few-environments.cases.yaml'),
      [
        'check: contoso.few-environments',
        'base: base',
        'cases:',
        '  - name: a small tenant',
        '    outcome: pass',
        '    message: "5 environments, fewer than 100."',
        '  - name: a limit of 5',
        '    parameters: { limit: 5 }',
        '    outcome: fail',
        '    message: "5 environments, not fewer than 5."',
        '',
      ].join('\n'),
    );
    await config(['rules:', '  packs: [contoso-rules]', ''].join('\n'));
    const tested = await cli('rules', 'test');
    expect(tested.stdout).toMatch(/^Rule set [0-9a-f]{12}: \d+ checks, 166 capability statements\. (\d+) of \1 cases passed\.$/m);
    expect(tested.code).toBe(0);
    const linted = await cli('rules', 'lint');
    expect(linted.code).toBe(0);
    const scan = JSON.parse((await cli('scan', '--demo', '--format', 'json')).stdout) as ScanJson & { capabilities: { capabilityId: string; status: string }[] };
    expect(scan.checks.find((c) => c.checkId === 'contoso.few-environments')).toMatchObject({ outcome: 'pass', message: '12 environments, fewer than 100.' });
    expect(scan.capabilities.find((c) => c.capabilityId === 'governance.200.contoso-few-environments')).toMatchObject({ status: 'met' });
  });
});
