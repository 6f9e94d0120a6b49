/**
 * `ppmat attest` in-process: recording, listing what is in force and the history, scans
 * applying recorded attestations (latest wins, expired ones leave the statement unknown),
 * precedence against ppmat.yaml, and clear refusals.
 *
 * Dates are explicit and far from today (attested in early 2026, expiring in 2100 or long
 * expired), so the outcome does not depend on the day the tests run. The one exception is
 * overruling a demo statement: the demo's built-in attestations are dated the first of the
 * current month, so the recorded one is dated now (no --at) to be the newer.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-attest-');
const cli = sandbox.cli;

/** Attested only (the demo's defined profile attests levels 200-300, not this one). */
const ATTESTED_400 = 'security.400.dataverse-fine-grained-access';
/** One of the demo's attested level-200 statements: without it Security falls to 100. */
const SECURITY_200 = 'security.200.workload-compliance-awareness';

const attest = (capability: string, outcome: 'met' | 'not_met', ...rest: string[]) =>
  cli('attest', '--demo', '--capability', capability, '--outcome', outcome, '--by', 'jane@contoso.example', ...rest);

interface ScanJson {
  areas: { area: string; level: number }[];
  capabilities: { capabilityId: string; status: string; reason: string }[];
}

async function demoScan(): Promise<{ level: (area: string) => number | undefined; capability: (id: string) => ScanJson['capabilities'][number] | undefined }> {
  const { code, stdout, stderr } = await cli('scan', '--demo', '--format', 'json');
  expect(code, stderr).toBe(0);
  const scan = JSON.parse(stdout) as ScanJson;
  return { level: (area) => scan.areas.find((a) => a.area === area)?.level, capability: (id) => scan.capabilities.find((c) => c.capabilityId === id) };
}

describe('ppmat attest', () => {
  it('records an attestation, lists it in force, and keeps every record in the history', async () => {
    const first = await attest(ATTESTED_400, 'met', '--statement', 'Column security reviewed.', '--evidence-url', 'https://contoso.example/review/7', '--at', '2026-01-15', '--expires', '2100-01-15');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^Recorded attestation #\d+ for Demo tenant \(defined profile\): security\.400\.dataverse-fine-grained-access is met, attested by jane@contoso\.example on 2026-01-15, until 2100-01-15\. It counts from the next scan\.$/m,
    );

    const listed = await cli('attest', 'list', '--demo', '--capability', ATTESTED_400);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/Capability\s+Outcome\s+By\s+Attested\s+Expires\s+Source/);
    expect(listed.stdout).toMatch(/security\.400\.dataverse-fine-grained-access\s+met\s+jane@contoso\.example\s+2026-01-15\s+2100-01-15\s+recorded #\d+/);
    expect(listed.stdout).toContain('    Why: Column security reviewed.\n    Evidence: https://contoso.example/review/7');

    const second = await attest(ATTESTED_400, 'not_met', '--statement', 'The review missed two tables.', '--at', '2026-02-01', '--expires', '2100-02-01');
    expect(second.code, second.stderr).toBe(0);
    const now = await cli('attest', 'list', '--demo');
    expect(now.stdout).toMatch(/security\.400\.dataverse-fine-grained-access\s+not_met\s+jane@contoso\.example\s+2026-02-01\s+2100-02-01\s+recorded #\d+/);
    expect(now.stdout).not.toMatch(/dataverse-fine-grained-access\s+met\s/);
    // The demo's own attestations are listed too, with their source.
    expect(now.stdout).toMatch(/^security\.200\.workload-compliance-awareness\s+met\s+\S+\s+\S+\s+\S+\s+demo$/m);

    const history = await cli('attest', 'list', '--demo', '--history');
    expect(history.code, history.stderr).toBe(0);
    const rows = history.stdout.split('\n').filter((line) => line.includes(ATTESTED_400));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/not_met\s+jane@contoso\.example\s+2026-02-01\s+2100-02-01\s+in force$/);
    expect(rows[1]).toMatch(/met\s+jane@contoso\.example\s+2026-01-15\s+2100-01-15\s+superseded$/);
  });

  it('changes the status of the statement in the next demo scan, and the level when it was the missing one; the latest record wins', async () => {
    const before = await demoScan();
    expect(before.capability(ATTESTED_400)?.status).toBe('unknown');
    expect(before.level('security')).toBe(200);

    expect((await attest(ATTESTED_400, 'met', '--statement', 'Column security reviewed.', '--at', '2026-01-15', '--expires', '2100-01-15')).code).toBe(0);
    // Dated now (no --at), so newer than the demo's built-in attestation of the same statement.
    expect((await attest(SECURITY_200, 'not_met', '--statement', 'Nobody talks to the workload teams.')).code).toBe(0);
    const after = await demoScan();
    expect(after.capability(ATTESTED_400)).toMatchObject({ status: 'met', reason: 'Met: attested by jane@contoso.example on 2026-01-15: Column security reviewed.' });
    expect(after.capability(SECURITY_200)).toMatchObject({ status: 'not_met', reason: expect.stringMatching(/^Not met: attested not met by jane@contoso\.example on \d{4}-\d{2}-\d{2}: Nobody talks to the workload teams\.$/) });
    expect(after.level('security')).toBe(100);

    expect((await attest(SECURITY_200, 'met', '--statement', 'Workshops with every workload team since May.')).code).toBe(0);
    const again = await demoScan();
    expect(again.capability(SECURITY_200)).toMatchObject({ status: 'met', reason: expect.stringContaining('Workshops with every workload team since May') });
    expect(again.level('security')).toBe(200);
  });

  it('leaves the statement unknown when the attestation has expired, and says when', async () => {
    const recorded = await attest(ATTESTED_400, 'met', '--statement', 'Reviewed long ago.', '--at', '2020-01-01', '--expires', '2021-01-01');
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toContain('Note: it expired on 2021-01-01, so scans leave the statement unknown (awaiting a new attestation).');
    const scan = await demoScan();
    expect(scan.capability(ATTESTED_400)).toMatchObject({
      status: 'unknown',
      reason: 'Unknown: awaiting a new attestation (the one by jane@contoso.example expired on 2021-01-01).',
    });
    const listed = await cli('attest', 'list', '--demo', '--capability', ATTESTED_400);
    expect(listed.stdout).toMatch(/dataverse-fine-grained-access\s+met\s+jane@contoso\.example\s+2020-01-01\s+2021-01-01 \(expired\)\s+recorded #\d+/);
    const history = await cli('attest', 'list', '--demo', '--history');
    expect(history.stdout).toMatch(/2021-01-01\s+in force, expired$/m);
  });

  it('applies the newer of ppmat.yaml and the recorded attestation of a configured tenant, and says which', async () => {
    await writeFile(
      path.join(sandbox.dir, 'ppmat.yaml'),
      [
        'tenants:',
        '  - id: contoso.onmicrosoft.com',
        '    displayName: Contoso',
        '    credential: { kind: static, tokenEnv: CONTOSO_TOKEN }',
        '    attestations:',
        '      - { capability: security.300.compliance-audits, by: ann@contoso.example, at: 2026-06-01, reason: Audited in May., expires: 2100-06-01 }',
      ].join('\n'),
    );
    const tenant = ['--tenant', 'contoso.onmicrosoft.com', '--capability', 'security.300.compliance-audits', '--by', 'jane@contoso.example'];
    const older = await cli('attest', ...tenant, '--outcome', 'not_met', '--statement', 'No audit.', '--at', '2026-01-15');
    expect(older.code, older.stderr).toBe(0);
    expect(older.stdout).toContain('Note: ppmat.yaml has a newer attestation of this statement (by ann@contoso.example on 2026-06-01), which scans apply instead.');
    expect((await cli('attest', 'list', '--tenant', 'contoso.onmicrosoft.com')).stdout).toMatch(/security\.300\.compliance-audits\s+met\s+ann@contoso\.example\s+2026-06-01\s+2100-06-01\s+ppmat\.yaml/);
    expect((await cli('attest', 'list', '--tenant', 'contoso.onmicrosoft.com', '--history')).stdout).toMatch(/compliance-audits\s+not_met\s+jane@contoso\.example\s+2026-01-15\s+2027-01-15\s+overruled by ppmat\.yaml \(newer\)$/m);

    const newer = await cli('attest', ...tenant, '--outcome', 'not_met', '--statement', 'The May audit was withdrawn.', '--at', '2026-07-01', '--expires', '2100-07-01');
    expect(newer.code, newer.stderr).toBe(0);
    expect(newer.stdout).not.toContain('Note:');
    const listed = await cli('attest', 'list', '--tenant', 'contoso.onmicrosoft.com');
    expect(listed.stdout).toMatch(/security\.300\.compliance-audits\s+not_met\s+jane@contoso\.example\s+2026-07-01\s+2100-07-01\s+recorded #\d+/);
    expect(listed.stdout).toContain('Why: The May audit was withdrawn.');
  });

  it.each([
    ['an unknown capability, with the closest ids', ['--capability', 'security.400.dataverse-fine-grained-acess', '--at', '2026-01-15'], /PPMAT_E_CAPABILITY_UNKNOWN: --capability: "security\.400\.dataverse-fine-grained-acess" is not a statement of the model \(did you mean security\.400\.dataverse-fine-grained-access\?\)/],
    ['an id of no area, with the areas', ['--capability', 'finance.200.x', '--at', '2026-01-15'], /PPMAT_E_CAPABILITY_UNKNOWN: --capability: "finance\.200\.x" is not a statement of the model \(ids look like \{area\}\.\{level\}\.\{slug\}; the areas are [a-z-]+(, [a-z-]+)*\)\./],
    ['a statement of another level of its area, with the area\'s ids', ['--capability', 'security.300.siem', '--at', '2026-01-15'], /PPMAT_E_CAPABILITY_UNKNOWN: .*\(security has: .*security\.400\.siem-monitoring/],
    ['a level-100 statement', ['--capability', 'security.100.no-dlp-policies', '--at', '2026-01-15'], /PPMAT_E_CAPABILITY_UNKNOWN: .*is a level-100 statement/],
    ['an expiry before the date', ['--capability', ATTESTED_400, '--at', '2026-01-15', '--expires', '2025-12-31'], /PPMAT_E_ATTESTATION_INVALID: the expiry 2025-12-31 is not after the attestation's date 2026-01-15\./],
    ['a date that is not one', ['--capability', ATTESTED_400, '--at', '2026-13-01'], /PPMAT_E_ATTESTATION_INVALID: --at: "2026-13-01" is not a date/],
    ['a date in the future', ['--capability', ATTESTED_400, '--at', '2999-01-01'], /PPMAT_E_ATTESTATION_INVALID: the attestation is dated 2999-01-01T00:00:00\.000Z, in the future/],
    ['an evidence link that is not a URL', ['--capability', ATTESTED_400, '--at', '2026-01-15', '--evidence-url', 'see SharePoint'], /PPMAT_E_ATTESTATION_INVALID: the evidence link "see SharePoint" is not an http\(s\) URL\./],
  ])('refuses %s (exit 4)', async (_name, args, message) => {
    const { code, stderr } = await cli('attest', '--demo', '--outcome', 'met', '--statement', 'Reviewed.', '--by', 'jane@contoso.example', ...args);
    expect(code).toBe(4);
    expect(stderr).toMatch(message);
  });

  it('refuses an unknown tenant and a missing --outcome, and records nothing', async () => {
    const unknownTenant = await cli('attest', '--tenant', 'fabrikam', '--capability', ATTESTED_400, '--outcome', 'met', '--statement', 'x', '--by', 'jane');
    expect(unknownTenant.code).toBe(4);
    expect(unknownTenant.stderr).toMatch(/PPMAT_E_TENANT_UNKNOWN: --tenant: no tenant fabrikam is configured \(configured: none\)\./);
    const noOutcome = await cli('attest', '--demo', '--capability', ATTESTED_400, '--statement', 'x', '--by', 'jane');
    expect(noOutcome.code).toBe(4);
    expect(noOutcome.stderr).toMatch(/required option '--outcome <outcome>' not specified/);
    const history = await cli('attest', 'list', '--demo', '--history');
    expect(history.stdout).toMatch(/^Attestations recorded for Demo tenant \(defined profile\) \([0-9a-f-]+\), newest first: none\.$/m);
  });
});
