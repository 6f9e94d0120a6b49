/**
 * `ppmat doctor` in-process, against the simulator: all green, then the exact fix for a
 * missing Graph permission and for an app BAP does not know.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FABRIKAM_TOKEN, runPpmat, simulatorTenantConfig } from '../support/cli-harness.js';
import { startSimulator, type SimulatorOptions } from '../../src/simulator/server.js';

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-doctor-'));
  env = { PPMAT_DATA_DIR: path.join(dir, 'data') };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runPpmat(args, { env, cwd: dir });

/** Doctor of a configured tenant whose admin APIs are a simulator (with faults). */
async function doctorAgainst(options: SimulatorOptions) {
  const simulator = await startSimulator(options);
  try {
    await writeFile(path.join(dir, 'ppmat.yaml'), simulatorTenantConfig(simulator));
    env.FABRIKAM_TOKEN = FABRIKAM_TOKEN;
    return await cli('doctor');
  } finally {
    await simulator.close();
  }
}

describe('ppmat doctor', () => {
  it('is all green on the demo tenant and exits 0', async () => {
    const { code, stdout } = await cli('doctor', '--demo');
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => /^[✓✗] /.test(l));
    expect(lines).toHaveLength(16);
    expect(lines.every((l) => l.startsWith('✓ '))).toBe(true);
    expect(stdout).toMatch(/✓ token for graph \(https:\/\/graph\.microsoft\.com\/\.default\): obtained/);
    expect(stdout).toMatch(/✓ BAP admin environments list: readable/);
    expect(stdout).toMatch(/✓ Power Platform API environment groups: readable/);
    expect(stdout).toMatch(/✓ Graph Conditional Access policies \(Policy\.Read\.All\): readable/);
    expect(stdout).toContain('All checks passed.');
    expect(stdout).not.toContain('ppmat-demo-token');
  });

  it('names the Graph permission to grant, with admin consent, and exits 3', async () => {
    const { code, stdout } = await doctorAgainst({ profile: 'defined', faults: { pimSchedules: { status: 403 } } });
    expect(code).toBe(3);
    expect(stdout).toMatch(/✓ Graph directory role assignments \(RoleManagement\.Read\.Directory\): readable/);
    expect(stdout).toMatch(/✗ Graph PIM eligible assignments \(RoleEligibilitySchedule\.Read\.Directory\): PPMAT_E_HTTP_FORBIDDEN: .*403/);
    expect(stdout).toContain('fix: grant the app registration the Microsoft Graph application permission RoleEligibilitySchedule.Read.Directory, then grant admin consent');
    expect(stdout).toContain('fix: grant the app registration the Microsoft Graph application permission RoleAssignmentSchedule.Read.Directory, then grant admin consent');
    expect(stdout).not.toContain(FABRIKAM_TOKEN);
  });

  it('tells how to register the app with BAP when BAP answers 403', async () => {
    const { code, stdout } = await doctorAgainst({ faults: { environments: { status: 403 } } });
    expect(code).toBe(3);
    expect(stdout).toMatch(/✗ BAP admin environments list: PPMAT_E_HTTP_FORBIDDEN/);
    expect(stdout).toMatch(/fix: register the app as a Power Platform admin management application: PUT http:\/\/127\.0\.0\.1:\d+\/providers\/Microsoft\.BusinessAppPlatform\/adminApplications\/<client id>\?api-version=2020-10-01 .*New-PowerAppManagementApp/);
    expect(stdout).toContain('Some checks failed');
  });

  it('tells how to give the identity the Power Platform API when it answers 403', async () => {
    const { code, stdout } = await doctorAgainst({ faults: { environmentGroups: { status: 403 } } });
    expect(code).toBe(3);
    expect(stdout).toMatch(/✓ BAP admin environments list: readable/);
    expect(stdout).toMatch(/✗ Power Platform API environment groups: PPMAT_E_HTTP_FORBIDDEN/);
    expect(stdout).toContain('fix: give the app registration the Power Platform Administrator role');
  });

  it('tells how to add the app as a Dataverse application user when Dataverse answers 403', async () => {
    const body = JSON.stringify({ error: { code: '0x80072560', message: 'The user is not a member of the organization.' } });
    const { code, stdout } = await doctorAgainst({ faults: { dataverse: { status: 403, body } } });
    expect(code).toBe(3);
    expect(stdout).toMatch(/✓ BAP admin environments list: readable/);
    expect(stdout).toMatch(/✗ Dataverse of '[^']+' \(token for https:\/\/org[0-9a-f]+\.api\.crm4\.dynamics\.com\/\.default, application user\): PPMAT_E_HTTP_FORBIDDEN/);
    expect(stdout).toMatch(/fix: add the app registration as an application user with a read role in environment '[^']+' \([0-9a-f-]+\)/);
  });
});
