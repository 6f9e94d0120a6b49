/**
 * Configuration: defaults, environment overrides, and fail-fast errors that name the
 * file, line and key path.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withFile(text: string, env: NodeJS.ProcessEnv = {}) {
  await writeFile(path.join(dir, 'ppmat.yaml'), text);
  return loadConfig({ cwd: dir, env });
}

describe('loadConfig', () => {
  it('gives defaults when there is no file: embedded database under ./.ppmat, the demo tenant, nightly at 02:00', async () => {
    const { config, file } = await loadConfig({ cwd: dir, env: {} });
    expect(file).toBeNull();
    expect(config.dataDir).toBe(path.join(dir, '.ppmat', 'data'));
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demo).toMatchObject({ profile: 'defined', schedule: '0 2 * * *', timezone: 'UTC' });
    expect(config.tenants).toEqual([]);
  });

  it('lets environment variables override the file', async () => {
    const { config } = await withFile('log:\n  level: debug\ndemo:\n  profile: initial\n', {
      DATABASE_URL: 'postgresql://ppmat@localhost/ppmat',
      PPMAT_LOG_LEVEL: 'warn',
      PPMAT_DEMO_PROFILE: 'capable',
    });
    expect(config.databaseUrl).toBe('postgresql://ppmat@localhost/ppmat');
    expect(config.log.level).toBe('warn');
    expect(config.demo.profile).toBe('capable');
  });

  it('reads a tenant with a certificate credential and resolves paths relative to the file', async () => {
    const { config } = await withFile(
      [
        'dataDir: ./state',
        'tenants:',
        '  - id: 0f5c1d7e-1111-4a2b-9c3d-123456789abc',
        '    displayName: Contoso',
        '    timezone: Europe/Paris',
        '    credential:',
        '      kind: clientCertificate',
        '      clientId: 3c2a9b1e-2222-4d5e-8f90-abcdefabcdef',
        '      certificatePath: ./ppmat.pem',
      ].join('\n'),
    );
    expect(config.dataDir).toBe(path.join(dir, 'state'));
    expect(config.tenants[0]).toMatchObject({ cloud: 'public', schedule: '0 2 * * *', timezone: 'Europe/Paris', enabled: true });
  });

  it.each([
    ['workloadIdentity', '      kind: workloadIdentity\n      clientId: c\n      tokenFilePath: /var/run/secrets/azure/tokens/azure-identity-token'],
    ['default', '      kind: default'],
  ])('accepts a %s credential', async (_kind, credential) => {
    const { config } = await withFile(`tenants:\n  - id: t1\n    credential:\n${credential}\n`);
    expect(config.tenants[0]!.credential.kind).toBe(_kind);
  });

  it.each([
    ['an unknown key, with its line', 'dataDir: x\ndemo:\n  profil: capable\n', /ppmat\.yaml: line 3, demo\.profil: unknown key/],
    ['a bad cron expression', 'demo:\n  schedule: "every night"\n', /ppmat\.yaml: line 2, demo\.schedule: is not a valid cron expression/],
    ['a bad time zone', 'demo:\n  timezone: Mars/Olympus\n', /ppmat\.yaml: line 2, demo\.timezone: is not an IANA time zone/],
    [
      'an inline secret',
      'tenants:\n  - id: t1\n    credential:\n      kind: clientSecret\n      clientId: c\n      clientSecret: hunter2\n',
      /line 6, tenants\[0\]\.credential\.clientSecret: must be a reference, \{ env: NAME \}, \{ file: \/path \} or \{ keyVault: \{ vaultUrl, name \} \} \(secrets are never written in ppmat\.yaml\)/,
    ],
    ['a tenant without credential', 'tenants:\n  - id: t1\n', /ppmat\.yaml: line 2, tenants\[0\]\.credential: /],
    ['invalid YAML', 'demo: [unclosed\n', /ppmat\.yaml:\d+: not valid YAML/],
    ['a list at the top', '- a\n- b\n', /must be a mapping/],
  ])('refuses %s', async (_name, text, pattern) => {
    await expect(withFile(text)).rejects.toMatchObject({ code: 'PPMAT_E_CONFIG_INVALID', message: expect.stringMatching(pattern) });
  });

  it('refuses a bad environment variable and names it', async () => {
    await expect(loadConfig({ cwd: dir, env: { PPMAT_DEMO_PROFILE: 'expert' } })).rejects.toMatchObject({
      message: expect.stringMatching(/demo\.profile: .*PPMAT_DEMO_PROFILE/),
    });
  });

  it('refuses a --config file that does not exist', async () => {
    await expect(loadConfig({ cwd: dir, env: {}, path: 'missing.yaml' })).rejects.toMatchObject({ code: 'PPMAT_E_CONFIG_READ' });
  });
});
