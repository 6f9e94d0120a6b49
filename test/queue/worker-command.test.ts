/** `ppmat worker` refuses to run where there is no queue: the embedded database, or local mode. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../support/cli-harness.js';

const sandbox = useCliSandbox('ppmat-worker-');

describe('ppmat worker', () => {
  it('refuses without scans.mode: queue, saying what to set', async () => {
    const result = await sandbox.cli('worker');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('scans.mode: queue');
  });

  it('refuses queue mode on the embedded database, naming the setting', async () => {
    await writeFile(path.join(sandbox.dir, 'ppmat.yaml'), 'scans: { mode: queue }\n');
    const env = { ...sandbox.env };
    delete env.DATABASE_URL;
    const { runPpmat } = await import('../support/cli-harness.js');
    const result = await runPpmat(['worker'], { env, cwd: sandbox.dir });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/scans\.mode: .*needs a PostgreSQL server/);
  });

  it('refuses a concurrency that is not one', async () => {
    const result = await sandbox.cli('worker', '--concurrency', 'lots');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('--concurrency');
  });
});
