/**
 * `ppmat history`, `ppmat diff` and `ppmat prune` on the stored scans of the demo tenant: a
 * capable scan, then an initial one, so levels drop and tenant isolation is switched off.
 */
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-history-');
const cli = sandbox.cli;

async function twoScans(): Promise<[number, number]> {
  const ids: number[] = [];
  for (const profile of ['capable', 'initial']) {
    const scan = await cli('scan', '--demo', '--profile', profile, '--format', 'json');
    expect(scan.code).toBe(0);
    ids.push((JSON.parse(scan.stdout) as { scanId: number }).scanId);
  }
  return [ids[0]!, ids[1]!];
}

describe('ppmat history and diff', () => {
  it('show levels dropping and what changed between a capable and an initial scan', { timeout: 90_000 }, async () => {
    const [capable, initial] = await twoScans();

    const history = await cli('history', '--demo');
    expect(history.code).toBe(0);
    expect(history.stdout).toContain('2 scans stored: 2 with results.');
    expect(history.stdout).toMatch(/^Scan\s+Finished \(UTC\)\s+strategy\s+business-value\s+security\s+governance/m);
    const security = (id: number) => history.stdout.match(new RegExp(`^#${id}\\s+\\S+ \\S+\\s+\\S+\\s+\\S+\\s+(\\S+)`, 'm'))?.[1];
    expect(security(capable)).toMatch(/^[3-5]00/);
    expect(security(initial)).toBe('100');
    expect(history.stdout).toMatch(/^Adoption$/m);
    expect(history.stdout).toMatch(/Shared with Everyone$/m);

    const diff = await cli('diff', '--demo');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain(`Scan #${capable} (`);
    expect(diff.stdout).toMatch(/^ {2}↓ Security fell from [3-5]00 to 100 \(range .+ → 100\)\.$/m);
    expect(diff.stdout).toContain('↓ security.200.tenant-isolation (Tenant isolation is configured.): met → not met. Tenant isolation is not configured, so makers can connect to any other tenant.');
    expect(diff.stdout).toContain('↓ security.tenant-isolation-enabled: pass → fail. Tenant isolation is not configured, so makers can connect to any other tenant.');
    expect(diff.stdout).toContain('[critical] weaker: Tenant isolation was switched off (it is no longer configured), so makers can connect to any other tenant.');
    expect(diff.stdout).toMatch(/\[critical\] weaker: The default environment '.+ \(default\)' is no longer covered by any DLP policy/);
    expect(diff.stdout).toContain('[warning] weaker: Tenant setting disableShareWithEveryone changed from true to false: makers may share apps with Everyone.');
    expect(diff.stdout).toMatch(/\[warning\] weaker: \d+ apps and flows became shared with Everyone \(0 → \d+\)\./);

    // The same two scans by id, the other way round, as JSON.
    const json = await cli('diff', String(initial), String(capable), '--format', 'json');
    expect(json.code).toBe(0);
    const [back] = (JSON.parse(json.stdout) as { diffs: { before: { id: number }; after: { id: number }; evidence: { key: string; direction: string }[] }[] }).diffs;
    expect([back!.before.id, back!.after.id]).toEqual([initial, capable]);
    expect(back!.evidence.find((e) => e.key === 'tenantIsolation:enabled')).toMatchObject({ direction: 'stronger' });

    const capability = await cli('history', '--demo', '--capability', 'security.200.tenant-isolation', '--format', 'json');
    expect(capability.code).toBe(0);
    const [tenant] = (JSON.parse(capability.stdout) as { tenants: { capability: { points: { scanId: number; status: string }[] } }[] }).tenants;
    expect(tenant!.capability.points.map((p) => [p.scanId, p.status])).toEqual([
      [capable, 'met'],
      [initial, 'not_met'],
    ]);

    const prune = await cli('prune', '--dry-run');
    expect(prune.code).toBe(0);
    expect(prune.stdout).toContain('Would delete 0 scans and 0 evidence documents no kept scan references; 2 kept.');
  });

  it('says there is nothing to compare before two scans, and refuses bad arguments', { timeout: 60_000 }, async () => {
    const empty = await cli('diff', '--demo');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/^Tenant [0-9a-f-]+ has no stored scan with results: nothing to compare yet\.$/m);
    expect((await cli('history', '--demo')).stdout).toContain('Nothing to show yet');

    const one = await cli('diff', '7');
    expect(one.code).toBe(4);
    expect(one.stderr).toContain('PPMAT_E_CONFIG_INVALID: ppmat diff: give two scan ids');
    const unknown = await cli('diff', '7', '8');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain('PPMAT_E_SCAN_UNKNOWN: <fromScanId>: there is no stored scan #7.');
    const since = await cli('history', '--since', '27/11/2026');
    expect(since.code).toBe(4);
    expect(since.stderr).toContain('PPMAT_E_CONFIG_INVALID: --since: "27/11/2026" is not a date; give YYYY-MM-DD.');
    const area = await cli('history', '--area', 'secrity');
    expect(area.stderr).toContain('--area: "secrity" is not an area of the model');
    const capability = await cli('history', '--capability', 'security.200.tenant-isolaton');
    expect(capability.code).toBe(4);
    expect(capability.stderr).toContain('PPMAT_E_CAPABILITY_UNKNOWN: --capability: "security.200.tenant-isolaton" is not a statement of the model (security has: ');
  });
});
