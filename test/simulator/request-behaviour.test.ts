/**
 * How the simulator misbehaves on purpose: a token-bucket throttle per (token, virtual host)
 * with `Retry-After`, latency, seeded random faults (server errors, timeouts, truncated
 * bodies) and families refused with the 403 of their surface; and its request accounting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { createThrottle } from '../../src/simulator/throttle.js';

const running: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
});

async function start(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator(options);
  running.push(sim);
  return sim;
}

const BAP_ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments?api-version=2023-06-01';
const appsOf = (env: string) => `/providers/Microsoft.PowerApps/scopes/admin/environments/${env}/apps?api-version=2016-11-01`;

async function call(sim: RunningSimulator, path: string, token = 'token-a', signal?: AbortSignal): Promise<{ status: number; text: string; retryAfter: string | null }> {
  const res = await fetch(`${sim.url}${path}`, { headers: { Authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
  return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') };
}

describe('throttle', () => {
  it('refuses over the bucket with 429, Retry-After and the real message, then lets through once a token is due', async () => {
    let now = 0;
    const sim = await start({ throttle: { requestsPerSecond: 0.5, burst: 2 }, clock: () => now });
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
    const refused = await call(sim, BAP_ENVIRONMENTS);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('2');
    expect(JSON.parse(refused.text)).toEqual({ error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 2 seconds.' } });
    now = 1_000;
    const later = await call(sim, BAP_ENVIRONMENTS);
    expect(later.status).toBe(429);
    expect(later.retryAfter).toBe('1');
    now = 2_000;
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
    expect(sim.stats()).toEqual({ requests: 5, throttled: 2, byHost: { bap: 3 }, byFamily: { environments: 3 }, byDataverseTable: {} });
  });

  it('keeps one bucket per token and virtual host, Dataverse one per environment', async () => {
    const sim = await start({ throttle: { requestsPerSecond: 1 }, clock: () => 0 });
    const [env, other] = sim.model.environments.filter((e) => e.dataverse);
    const dataverse = (name: string) => `/dataverse/${name}/api/data/v9.2/organizations`;
    const statuses = [];
    for (const [path, token] of [
      [BAP_ENVIRONMENTS, 'token-a'],
      [BAP_ENVIRONMENTS, 'token-a'],
      [BAP_ENVIRONMENTS, 'token-b'],
      [appsOf(env!.name), 'token-a'],
      [dataverse(env!.name), 'token-a'],
      [dataverse(env!.name), 'token-a'],
      [dataverse(other!.name), 'token-a'],
    ] as const) {
      statuses.push((await call(sim, path, token)).status);
    }
    expect(statuses).toEqual([200, 429, 200, 200, 200, 429, 200]);
    expect(sim.stats()).toEqual({
      requests: 7,
      throttled: 2,
      byHost: { bap: 2, powerApps: 1, [`dataverse:${env!.name.toLowerCase()}`]: 1, [`dataverse:${other!.name.toLowerCase()}`]: 1 },
      byFamily: { environments: 2, canvasApps: 1, dataverse: 2 },
      byDataverseTable: { organizations: 2 },
    });
    expect(sim.requests()).toBe(7);
  });

  it('computes Retry-After as the whole seconds until the next token, at least 1', () => {
    let now = 0;
    const throttle = createThrottle({ requestsPerSecond: 4 }, () => now);
    for (let i = 0; i < 4; i += 1) expect(throttle.take('t', 'bap')).toBeNull();
    expect(throttle.take('t', 'bap')?.headers).toEqual({ 'Retry-After': '1' });
    now = 250;
    expect(throttle.take('t', 'bap')).toBeNull();
    expect(() => createThrottle({ requestsPerSecond: 0 }, () => 0)).toThrow(RangeError);
  });
});

describe('latency', () => {
  it('delays answers by the configured milliseconds', async () => {
    const sim = await start({ latencyMs: 60 });
    const started = performance.now();
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });
});

describe('random faults', () => {
  it('answers 500 or 503 with an API error body at rate 1, the same sequence for the same seed', async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const sim = await start({ seed, faultRates: { serverError: 1 } });
      const out: number[] = [];
      for (let i = 0; i < 8; i += 1) {
        const { status, text } = await call(sim, BAP_ENVIRONMENTS);
        expect(JSON.parse(text)).toEqual({ error: { code: expect.stringMatching(/^(ServiceUnavailable|InternalServerError)$/), message: expect.any(String) } });
        out.push(status);
      }
      return out;
    };
    const first = await statuses(5);
    expect(first.every((s) => s === 500 || s === 503)).toBe(true);
    expect(new Set(first).size).toBe(2);
    expect(await statuses(5)).toEqual(first);
  });

  it('answers a truncated 200 body at malformed rate 1', async () => {
    const sim = await start({ faultRates: { malformed: 1 } });
    const { status, text } = await call(sim, appsOf(sim.model.environments[0]!.name));
    expect(status).toBe(200);
    expect(text.startsWith('{"value":[')).toBe(true);
    expect(() => JSON.parse(text) as unknown).toThrow();
  });

  it('never answers at timeout rate 1 until the client gives up, and still closes', async () => {
    const sim = await start({ faultRates: { timeout: 1 } });
    await expect(call(sim, BAP_ENVIRONMENTS, 'token-a', AbortSignal.timeout(150))).rejects.toThrow();
    // A hanging request does not keep the simulator from closing.
    const pending = call(sim, BAP_ENVIRONMENTS).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sim.close();
    running.splice(running.indexOf(sim), 1);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('answers 400 to a malformed path instead of failing', async () => {
    const sim = await start();
    expect((await call(sim, '/providers/PowerPlatform.Governance/v2/policies/%E0%A4%A')).status).toBe(400);
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
  });

  it('leaves requests alone at rate 0 and never faults unrouted paths or a missing token', async () => {
    const sim = await start({ faultRates: { serverError: 0 } });
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
    const faulty = await start({ faultRates: { serverError: 1 } });
    expect((await call(faulty, '/no/such/route')).status).toBe(404);
    expect((await fetch(`${faulty.url}${BAP_ENVIRONMENTS}`)).status).toBe(401);
  });
});

describe('forbidden families', () => {
  it('answers the 403 of each surface', async () => {
    const sim = await start({ forbidden: ['powerPagesSites', 'dataverse', 'canvasApps', 'conditionalAccess', 'capacity'] });
    const env = sim.model.environments.find((e) => e.dataverse)!;
    const body = async (path: string) => {
      const { status, text } = await call(sim, path);
      expect(status).toBe(403);
      return JSON.parse(text) as { error: { code: string; message: string } };
    };
    expect((await body(`/powerpages/environments/${env.name}/websites?api-version=2024-10-01`)).error.message).toMatch(/service principal/i);
    expect(await body(`/dataverse/${env.name}/api/data/v9.2/bots`)).toEqual({ error: { code: '0x80072560', message: 'The user is not a member of the organization.' } });
    expect((await body(appsOf(env.name))).error.message).toMatch(/does not have permission to access the path/);
    expect((await body('/licensing/tenantCapacity?api-version=2022-03-01-preview')).error.message).toMatch(/does not have permission to access the path/);
    expect((await body('/v1.0/identity/conditionalAccess/policies')).error.code).toBe('Authorization_RequestDenied');
    // Every Dataverse table is one family, the organization row included.
    expect((await call(sim, `/dataverse/${env.name}/api/data/v9.2/organizations`)).status).toBe(403);
    expect((await call(sim, BAP_ENVIRONMENTS)).status).toBe(200);
  });

  it('faults the new families through the per-family faults too', async () => {
    const sim = await start({ faults: { cloudFlows: { status: 503, times: 1 } } });
    const path = `/providers/Microsoft.ProcessSimple/scopes/admin/environments/${sim.model.environments[0]!.name}/flows?api-version=2016-11-01`;
    expect((await call(sim, path)).status).toBe(503);
    expect((await call(sim, path)).status).toBe(200);
  });
});
