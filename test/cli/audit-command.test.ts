/** `ppmat audit`: the changes made with the CLI (tokens, attestations), newest first, as a table or JSON, by tenant. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/store/audit-repository.js';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-audit-');
const cli = sandbox.cli;
const USER = os.userInfo().username;

describe('ppmat audit', () => {
  it('lists token and attestation changes with the OS user as the actor, filtered by tenant and limited', async () => {
    expect((await cli('audit')).stdout).toBe('No audit events.\n');
    const created = await cli('tokens', 'create', '--name', 'ci', '--role', 'admin', '--format', 'json');
    const { record } = JSON.parse(created.stdout) as { record: { id: string } };
    expect((await cli('tokens', 'revoke', record.id)).code).toBe(0);
    const attested = await cli('attest', '--demo', '--capability', 'security.400.dataverse-fine-grained-access', '--outcome', 'met', '--statement', 'Reviewed.', '--by', 'jane@contoso.example', '--at', '2026-01-15');
    expect(attested.code, attested.stderr).toBe(0);

    const table = await cli('audit');
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe('Audit events, newest first:');
    expect(lines[2]).toMatch(/^#\s+At\s+Actor\s+Via\s+Action\s+Tenant\s+Target\s+Details$/);
    expect(lines[3]).toMatch(new RegExp(`^3\\s+\\S+ \\S+ UTC\\s+cli:${USER}\\s+cli\\s+attestation\\.create\\s+\\S+\\s+attestation:\\d+\\s+attestedAt=2026-01-15T00:00:00\\.000Z attestedBy=jane@contoso\\.example capabilityId=security\\.400\\.dataverse-fine-grained-access expiresAt=2027-01-15T00:00:00\\.000Z outcome=met statement=Reviewed\\.$`));
    expect(lines[4]).toMatch(new RegExp(`^2\\s+.*token\\.revoke\\s+-\\s+token:${record.id}\\s+name=ci role=admin$`));
    expect(lines[5]).toMatch(new RegExp(`^1\\s+.*token\\.create\\s+-\\s+token:${record.id}\\s+name=ci role=admin$`));

    const json = JSON.parse((await cli('audit', '--format', 'json', '--limit', '2')).stdout) as { events: AuditEvent[] };
    expect(json.events.map((e) => e.action)).toEqual(['attestation.create', 'token.revoke']);
    expect(json.events[0]).toMatchObject({ actor: `cli:${USER}`, actorKind: 'cli', details: { actorId: USER } });
    const tenantId = json.events[0]!.tenantId!;

    const byTenant = JSON.parse((await cli('audit', '--format', 'json', '--tenant', tenantId)).stdout) as { events: AuditEvent[] };
    expect(byTenant.events.map((e) => e.action)).toEqual(['attestation.create']);
    const older = JSON.parse((await cli('audit', '--format', 'json', '--before', '2')).stdout) as { events: AuditEvent[] };
    expect(older.events.map((e) => e.action)).toEqual(['token.create']);
    expect((await cli('audit', '--tenant', 'nobody')).stdout).toBe('No audit events of tenant nobody.\n');
  });
});
