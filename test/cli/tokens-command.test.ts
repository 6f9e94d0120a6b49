/**
 * `ppmat tokens` in-process: a token is printed once and works, only its hash is stored,
 * list shows no secret, revoke ends it; creating and revoking are audited as the OS user.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { createTokenRepository } from '../../src/store/token-repository.js';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-tokens-');
const cli = sandbox.cli;
const USER = os.userInfo().username;

const tokenIn = (text: string): string => /^\s+(ppmat_[0-9a-f]{12}_[A-Za-z0-9_-]{43})$/m.exec(text)?.[1] ?? '';

describe('ppmat tokens', () => {
  it('creates a token shown once, lists it without its secret, and revokes it', async () => {
    expect((await cli('tokens', 'list')).stdout).toMatch(/^No API tokens; `ppmat tokens create/);

    const created = await cli('tokens', 'create', '--name', 'ci pipeline', '--role', 'attester', '--expires-days', '30');
    expect(created.code, created.stderr).toBe(0);
    const token = tokenIn(created.stdout);
    const id = token.slice(6, 18);
    expect(created.stdout).toMatch(new RegExp(`^Created API token ${id} "ci pipeline": role attester, every tenant, expires \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\.$`, 'm'));
    expect(created.stdout).toContain('Copy it now: it cannot be shown again');

    await sandbox.withDatabase(async (db) => {
      const check = await createTokenRepository(db.prisma, { clock: () => new Date() }).verify(token);
      expect(check).toMatchObject({ ok: true, record: { id, name: 'ci pipeline', role: 'attester', tenants: null, createdBy: `cli:${USER}` } });
      const rows = JSON.stringify((await db.pool.query('SELECT * FROM api_token')).rows);
      expect(rows).not.toContain(token.slice(19));
    });

    const listed = await cli('tokens', 'list');
    expect(listed.stdout).toMatch(/Id\s+Name\s+Role\s+Tenants\s+Created\s+By\s+Expires\s+Last used\s+State/);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+ci pipeline\\s+attester\\s+all\\s+\\S+\\s+cli:${USER}\\s+\\S+\\s+\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC\\s+active$`, 'm'));
    expect(listed.stdout).not.toContain(token.slice(19));

    const revoked = await cli('tokens', 'revoke', id);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^Revoked API token ${id} "ci pipeline" \\(by cli:${USER} at .+\\); requests with it are refused from now on\\.$`, 'm'));
    expect((await cli('tokens', 'list')).stdout).toMatch(new RegExp(`^${id}\\s.*revoked \\d{4}-\\d{2}-\\d{2}$`, 'm'));

    const json = JSON.parse((await cli('tokens', 'list', '--format', 'json')).stdout) as { tokens: { id: string; revokedBy: string }[] };
    expect(json.tokens).toEqual([expect.objectContaining({ id, revokedBy: `cli:${USER}` })]);
    expect(JSON.stringify(json)).not.toMatch(/secret|hash/i);
  });

  it('limits a token to stored or configured tenants, and prints JSON for scripts', async () => {
    await sandbox.withDatabase((db) => db.prisma.tenant.create({ data: { id: 'contoso', displayName: 'Contoso' } }));
    const created = await cli('tokens', 'create', '--name', 'reader', '--role', 'viewer', '--tenant', 'contoso', '--format', 'json');
    expect(created.code, created.stderr).toBe(0);
    const { token, record } = JSON.parse(created.stdout) as { token: string; record: { id: string; tenants: string[]; expiresAt: string | null } };
    expect(token).toMatch(/^ppmat_/);
    expect(record).toMatchObject({ tenants: ['contoso'], expiresAt: null });
  });

  it.each([
    ['an unknown tenant', ['tokens', 'create', '--name', 'x', '--role', 'viewer', '--tenant', 'nope'], /PPMAT_E_TENANT_UNKNOWN: --tenant: no tenant "nope" is configured or stored/],
    ['an unknown role', ['tokens', 'create', '--name', 'x', '--role', 'root'], /argument 'root' is invalid/],
    ['no role', ['tokens', 'create', '--name', 'x'], /option '--role <role>' .*not specified/],
    ['zero days', ['tokens', 'create', '--name', 'x', '--role', 'viewer', '--expires-days', '0'], /whole number of days/],
    ['revoking an unknown token', ['tokens', 'revoke', 'abcdefabcdef'], /PPMAT_E_TOKEN_UNKNOWN: no API token has the id "abcdefabcdef"/],
  ])('refuses %s (exit 4)', async (_name, args, message) => {
    const result = await cli(...args);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(message);
  });
});
