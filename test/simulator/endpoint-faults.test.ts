/**
 * The per-endpoint fault kinds of the simulator (src/simulator/endpoint-faults.ts): each kind
 * on a family or on one Dataverse table, alone and inside a Dataverse `$batch`, and the
 * accounting that lets a test derive which tables a collector reads.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { withFields, withoutFields } from '../../src/simulator/endpoint-faults.js';
import { startSimulator, UNKNOWN_FIELDS, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  running.push(sim);
  return sim;
}

const HEADERS = { Authorization: 'Bearer token' };
const BAP_ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01';

async function call(sim: RunningSimulator, path: string, init: RequestInit = {}): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const res = await fetch(`${sim.url}${path}`, { ...init, headers: { ...HEADERS, ...(init.headers as Record<string, string> | undefined) } });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

/** The Dataverse path of a table of the first environment with a database. */
function tablePath(sim: RunningSimulator, table: string): string {
  const env = sim.model.environments.find((e) => e.dataverse)!;
  return `/dataverse/${env.name}/api/data/v9.2/${table}`;
}

describe('status faults', () => {
  it('answers 403 in the surface’s own words, and 429 with Retry-After', async () => {
    const sim = await start({ faults: { conditionalAccess: { status: 403 }, environments: { status: 429, retryAfterSeconds: 1 } } });
    const refused = await call(sim, '/v1.0/identity/conditionalAccess/policies');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text).error.code).toBe('Authorization_RequestDenied');
    const throttled = await call(sim, BAP_ENVIRONMENTS);
    expect([throttled.status, throttled.retryAfter]).toEqual([429, '1']);
  });
});

describe('connection faults', () => {
  it('resets the connection without an answer', async () => {
    const sim = await start({ faults: { environments: { kind: 'reset' } } });
    await expect(fetch(`${sim.url}${BAP_ENVIRONMENTS}`, { headers: HEADERS })).rejects.toThrow();
    expect((await call(sim, '/v1.0/organization')).status).toBe(200);
  });

  it('never answers a timeout; the client gives up', async () => {
    const sim = await start({ faults: { environments: { kind: 'timeout' } } });
    await expect(fetch(`${sim.url}${BAP_ENVIRONMENTS}`, { headers: HEADERS, signal: AbortSignal.timeout(200) })).rejects.toThrow();
  });
});

describe('body faults', () => {
  it('cuts a successful body in half (invalid JSON), but leaves an error answer alone', async () => {
    const sim = await start({ faults: { environments: { kind: 'malformed' }, dlpPolicies: { kind: 'malformed' } } });
    const cut = await call(sim, BAP_ENVIRONMENTS);
    expect(cut.status).toBe(200);
    expect(() => JSON.parse(cut.text)).toThrow();
    expect((await call(sim, '/providers/PowerPlatform.Governance/v2/policies/no-such-policy')).status).toBe(404);
  });

  it('adds unknown properties to every object, keeping the real ones', async () => {
    const sim = await start({ faults: { environments: { kind: 'unknownFields' } } });
    const body = JSON.parse((await call(sim, BAP_ENVIRONMENTS)).text) as { value: Record<string, Record<string, unknown>>[] };
    expect(body).toMatchObject(UNKNOWN_FIELDS);
    expect(body.value[0]).toMatchObject({ ...UNKNOWN_FIELDS, name: expect.any(String) });
    expect(body.value[0]!['properties']).toMatchObject({ ...UNKNOWN_FIELDS, displayName: expect.any(String) });
  });

  it('removes the named properties wherever they are', async () => {
    const sim = await start({ faults: { environments: { kind: 'missingFields', fields: ['name', 'displayName'] } } });
    const body = JSON.parse((await call(sim, BAP_ENVIRONMENTS)).text) as { value: Record<string, Record<string, unknown>>[] };
    expect(body.value.length).toBeGreaterThan(0);
    for (const item of body.value) {
      expect(item).not.toHaveProperty('name');
      expect(item['properties']).not.toHaveProperty('displayName');
      expect(item).toHaveProperty('id');
    }
  });

  it('rewrites plain values through arrays and nested objects', () => {
    expect(withFields([{ a: { b: [{}] } }, 1, 'x'], { z: 0 })).toEqual([{ a: { b: [{ z: 0 }], z: 0 }, z: 0 }, 1, 'x']);
    expect(withFields({ z: 1 }, { z: 0 })).toEqual({ z: 1 });
    expect(withoutFields({ a: 1, b: [{ a: 2, c: 3 }] }, new Set(['a']))).toEqual({ b: [{ c: 3 }] });
  });
});

describe('Dataverse table faults', () => {
  it('faults one table and counts the reads per table', async () => {
    const sim = await start({ faults: { 'dataverse:bots': { status: 500 } } });
    expect((await call(sim, tablePath(sim, 'bots'))).status).toBe(500);
    expect((await call(sim, tablePath(sim, 'appmodules'))).status).toBe(200);
    expect(sim.stats().byDataverseTable).toEqual({ bots: 1, appmodules: 1 });
  });

  it('faults the table’s part of a $batch, and holds the whole batch for a timeout or reset', async () => {
    const sim = await start({ faults: { 'dataverse:bots': { kind: 'missingFields', fields: ['botid'] } } });
    const env = sim.model.environments.find((e) => e.dataverse)!;
    const batch = (tables: string[]): RequestInit => ({
      method: 'POST',
      headers: { 'Content-Type': 'multipart/mixed; boundary=b1' },
      body: `${tables.map((t) => `--b1\r\nContent-Type: application/http\r\n\r\nGET /api/data/v9.2/${t} HTTP/1.1\r\n\r\n`).join('')}--b1--\r\n`,
    });
    const answer = await call(sim, `/dataverse/${env.name}/api/data/v9.2/$batch`, batch(['bots', 'appmodules']));
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('"botid"');
    expect(answer.text).toContain('"appmoduleid"');
    expect(sim.stats().byDataverseTable).toEqual({ bots: 1, appmodules: 1 });

    const hung = await start({ faults: { 'dataverse:bots': { kind: 'reset' } } });
    const hungEnv = hung.model.environments.find((e) => e.dataverse)!;
    await expect(fetch(`${hung.url}/dataverse/${hungEnv.name}/api/data/v9.2/$batch`, { ...batch(['bots', 'appmodules']), headers: { ...HEADERS, 'Content-Type': 'multipart/mixed; boundary=b1' } })).rejects.toThrow();
  });

  it('gives the family’s body faults to every part of a batch, its status faults to the batch itself', async () => {
    const sim = await start({ faults: { dataverse: { kind: 'unknownFields' } } });
    const env = sim.model.environments.find((e) => e.dataverse)!;
    const body = `--b1\r\nContent-Type: application/http\r\n\r\nGET /api/data/v9.2/bots HTTP/1.1\r\n\r\n--b1--\r\n`;
    const answer = await call(sim, `/dataverse/${env.name}/api/data/v9.2/$batch`, { method: 'POST', headers: { 'Content-Type': 'multipart/mixed; boundary=b1' }, body });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('ppmatSimulatorAddedText');

    const failing = await start({ faults: { dataverse: { status: 503, times: 1 } } });
    const failingEnv = failing.model.environments.find((e) => e.dataverse)!;
    expect((await call(failing, `/dataverse/${failingEnv.name}/api/data/v9.2/$batch`, { method: 'POST', headers: { 'Content-Type': 'multipart/mixed; boundary=b1' }, body })).status).toBe(503);
  });
});
