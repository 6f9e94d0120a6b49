/** `ppmat rules test`: proves a rules folder, and says exactly what is wrong where. */
import { cp, mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPpmat } from '../support/cli-harness.js';
import { RULES_DIR } from '../../src/store/paths.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-rules-'));
  await cp(RULES_DIR, dir, { recursive: true });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rulesTest() {
  const { code, stdout, stderr } = await runPpmat(['rules', 'test', '--dir', dir], { env: {}, cwd: dir });
  return { code, text: stdout + stderr };
}

async function edit(file: string, from: string, to: string) {
  const full = path.join(dir, 'checks', file);
  const text = await readFile(full, 'utf8');
  expect(text).toContain(from);
  await writeFile(full, text.replace(from, to));
}

describe('ppmat rules test', () => {
  it('passes the shipped rules', async () => {
    const { code, text } = await rulesTest();
    expect(code).toBe(0);
    expect(text).toMatch(/^Rule set [0-9a-f]{12}: \d+ checks, 165 capability statements\. (\d+) of \1 cases passed\.$/m);
  });

  it('names the case, its line and the difference when a message changed, and exits 4', async () => {
    await edit('security.dlp-all-environments.cases.yaml', '"DLP policies cover all 5 environments."', '"DLP policies cover all 6 environments."');
    const { code, text } = await rulesTest();
    expect(code).toBe(4);
    expect(text).toContain('FAIL security.dlp-all-environments: an all-environments policy covers every environment (');
    expect(text).toMatch(/security\.dlp-all-environments\.cases\.yaml:\d+\)\n {5}message is "DLP policies cover all 5 environments\.", expected "DLP policies cover all 6 environments\."/);
  });

  it('fails a check that has no cases', async () => {
    await unlink(path.join(dir, 'checks', 'security.vnet-production.cases.yaml'));
    const { code, text } = await rulesTest();
    expect(code).toBe(4);
    expect(text).toContain('FAIL security.vnet-production: has no cases file');
    expect(text).toMatch(/cases passed; 1 check has no cases\./);
  });

  it('refuses an invalid rule file with its line, before running anything', async () => {
    await edit('security.tenant-isolation-enabled.yaml', 'severity: high', 'severity: urgent');
    const { code, text } = await rulesTest();
    expect(code).toBe(4);
    expect(text).toMatch(/PPMAT_E_RULE_INVALID: .*security\.tenant-isolation-enabled\.yaml:\d+: severity/);
  });
});

describe('ppmat rules lint', () => {
  const lint = async () => {
    const { code, stdout, stderr } = await runPpmat(['rules', 'lint', '--dir', dir], { env: {}, cwd: dir });
    return { code, text: stdout + stderr };
  };

  it('finds no problem in the shipped rules', async () => {
    const { code, text } = await lint();
    expect(code).toBe(0);
    expect(text).toMatch(/^Rule set [0-9a-f]{12}: \d+ checks, 165 capability statements, 10 SCuBA policies: no problem found\.$/m);
  });

  it('names a CEL expression that does not compile, with its file and line', async () => {
    await edit('security.tenant-isolation-enabled.yaml', 'expr: tenantIsolation.configured', 'expr: tenantIsolation.configured &&& ');
    const { code, text } = await lint();
    expect(code).toBe(4);
    expect(text).toMatch(/PPMAT_E_CEL_INVALID: .*security\.tenant-isolation-enabled\.yaml:\d+/);
  });

  it('names a crosswalk policy that points at a check that does not exist, and a check without cases', async () => {
    const scuba = path.join(dir, 'frameworks', 'scuba-powerplatform.yaml');
    await writeFile(scuba, (await readFile(scuba, 'utf8')).replace('checks: [security.dlp-default-environment]', 'checks: [security.dlp-default-environmnet]'));
    await unlink(path.join(dir, 'checks', 'security.vnet-production.cases.yaml'));
    const { code, text } = await lint();
    expect(code).toBe(4);
    expect(text).toMatch(/FAIL .*scuba-powerplatform\.yaml: MS\.POWERPLATFORM\.2\.1v1 names the check security\.dlp-default-environmnet, which does not exist/);
    expect(text).toMatch(/FAIL .*security\.vnet-production\.yaml: security\.vnet-production has no cases file/);
    expect(text).toContain('2 problems.');
  });
});
