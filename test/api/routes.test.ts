/**
 * What the routes answer, over two real demo scans (a `defined` then a `capable` posture):
 * the same levels as the stored scans, capabilities with the checks, actual values and
 * evidence behind them, trends, diff and roadmap; attestations, acknowledgements, targets and
 * tokens each leave an audit event naming the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiRig, RIG_TOKEN_NAMES, type ApiRig, type RigRole } from '../support/api-rig.js';

let rig: ApiRig;
let triggered: string[];
let busy = false;
beforeAll(async () => {
  triggered = [];
  rig = await openApiRig({
    config: 'demo:\n  targets:\n    - { area: security, level: 500, by: 2027-12-31 }\n',
    deps: (deps) => ({
      ...deps,
      triggerScan: async (tenantId) => {
        if (busy) return { accepted: false, holder: 'worker-2 (pid 42)', until: new Date('2026-11-27T12:00:00Z') };
        triggered.push(tenantId);
        return { accepted: true };
      },
    }),
  });
}, 180_000);
afterAll(async () => rig?.close());

async function get(url: string, role: RigRole = 'viewer') {
  const response = await rig.server.inject({ url, headers: rig.auth(role) });
  expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
  return response.json();
}
async function send(method: 'POST' | 'PUT' | 'DELETE', url: string, role: RigRole, body?: unknown) {
  return rig.server.inject({ method, url, headers: { ...rig.auth(role), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}

describe('tenants and scans', () => {
  it('lists the demo tenant with the levels of its last scan and the demo targets', async () => {
    const { tenants } = await get('/api/tenants');
    expect(tenants).toHaveLength(1);
    const [tenant] = tenants;
    const stored = await rig.app.db.prisma.areaScore.findMany({ where: { scanId: rig.scanIds[1] } });
    expect(tenant).toMatchObject({ id: rig.tenantId, lastResultScanId: rig.scanIds[1], lastScan: { id: rig.scanIds[1], status: expect.stringMatching(/succeeded|partial/) }, targetsSource: 'config' });
    expect(tenant.areas.map((a: { area: string; level: number }) => [a.area, a.level]).sort()).toEqual(stored.map((a) => [a.area, a.level]).sort());
    expect(tenant.areas.find((a: { area: string }) => a.area === 'security').target).toBe(500);
  });

  it('answers 404 with the catalogue code for a tenant it does not know', async () => {
    const response = await rig.server.inject({ url: '/api/tenants/contoso.example', headers: rig.auth('viewer') });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('PPMAT_E_TENANT_UNKNOWN');
  });

  it('shows a scan with its collectors and every area with its range and target progress', async () => {
    const { scan, areas } = await get(`/api/scans/${rig.scanIds[1]}`);
    expect(scan).toMatchObject({ id: rig.scanIds[1], tenantId: rig.tenantId, checksTotal: expect.any(Number), requests: expect.any(Number) });
    expect(scan.collectors.length).toBeGreaterThan(5);
    expect(areas).toHaveLength(9);
    expect(areas.find((a: { area: string }) => a.area === 'security')).toMatchObject({ name: 'Security', target: { level: 500, by: '2027-12-31', summary: expect.stringContaining('target 500 by 2027-12-31') } });
    expect((await rig.server.inject({ url: '/api/scans/999999', headers: rig.auth('viewer') })).json().error.code).toBe('PPMAT_E_SCAN_UNKNOWN');
  });

  it('lists scans newest first, a page at a time', async () => {
    const { scans } = await get(`/api/tenants/${rig.tenantId}/scans?limit=1`);
    expect(scans.map((s: { id: number }) => s.id)).toEqual([rig.scanIds[1]]);
    const next = await get(`/api/tenants/${rig.tenantId}/scans?limit=1&before=${scans[0].id}`);
    expect(next.scans.map((s: { id: number }) => s.id)).toEqual([rig.scanIds[0]]);
  });

  it('starts a scan for an admin (202), and says who holds the tenant when it is being scanned (409)', async () => {
    const accepted = await send('POST', `/api/tenants/${rig.tenantId}/scans`, 'admin');
    expect(accepted.statusCode).toBe(202);
    expect(triggered).toContain(rig.tenantId);
    busy = true;
    const refused = await send('POST', `/api/tenants/${rig.tenantId}/scans`, 'admin');
    busy = false;
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatchObject({ code: 'PPMAT_E_TENANT_BUSY', message: expect.stringContaining('worker-2 (pid 42)') });
  });
});

describe('capabilities and evidence', () => {
  it('gives the grid: every scored statement with its status, filterable by area and status', async () => {
    const { capabilities } = await get(`/api/scans/${rig.scanIds[1]}/capabilities`);
    const stored = await rig.app.db.prisma.capabilityResult.count({ where: { scanId: rig.scanIds[1] } });
    expect(capabilities).toHaveLength(stored);
    expect([...new Set(capabilities.map((c: { status: string }) => c.status))]).toEqual(expect.arrayContaining(['met', 'unknown']));
    const area = capabilities.find((c: { status: string }) => c.status === 'unknown').area;
    const filtered = await get(`/api/scans/${rig.scanIds[1]}/capabilities?area=${area}&status=unknown`);
    expect(filtered.capabilities.length).toBeGreaterThan(0);
    expect(filtered.capabilities.every((c: { area: string; status: string }) => c.area === area && c.status === 'unknown')).toBe(true);
  });

  it('drills into one statement: checks with message, actual values and remediation, the evidence they read, and its history', async () => {
    const detail = await get(`/api/scans/${rig.scanIds[1]}/capabilities/security.200.tenant-isolation`);
    expect(detail.capability).toMatchObject({ id: 'security.200.tenant-isolation', area: 'security', level: 200, statement: expect.any(String) });
    const check = detail.checks.find((c: { checkId: string }) => c.checkId === 'security.tenant-isolation-enabled');
    expect(check).toMatchObject({ outcome: expect.any(String), message: expect.stringContaining('Tenant isolation'), remediation: expect.any(String), references: expect.any(Array) });
    expect(check.evidence).toEqual([{ key: 'tenantIsolation', hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const evidence = detail.evidence.find((e: { key: string }) => e.key === 'tenantIsolation');
    expect(evidence).toMatchObject({ status: 'ok', hash: check.evidence[0].hash, content: expect.objectContaining({ enabled: expect.any(Boolean) }) });
    expect(detail.history.map((h: { scanId: number }) => h.scanId)).toEqual(rig.scanIds);
  });

  it('serves one evidence document, and 404 for a key the scan does not hold', async () => {
    const document = await get(`/api/scans/${rig.scanIds[0]}/evidence/dlpPolicies`);
    expect(document).toMatchObject({ key: 'dlpPolicies', status: 'ok', content: expect.any(Object) });
    const missing = await rig.server.inject({ url: `/api/scans/${rig.scanIds[0]}/evidence/nothing-here`, headers: rig.auth('viewer') });
    expect(missing.statusCode).toBe(404);
  });

  it('serves one environment\'s inventory document, which the scan links through a partition manifest', async () => {
    const index = await get(`/api/scans/${rig.scanIds[1]}/evidence/inventory`);
    const [environment] = index.content.environments as { id: string; hash: string }[];
    const key = `inventory:${environment!.id}`;
    const document = await get(`/api/scans/${rig.scanIds[1]}/evidence/${encodeURIComponent(key)}`);
    expect(document).toMatchObject({ key, status: 'ok', hash: environment!.hash, bytes: expect.any(Number), collectedAt: expect.any(String), content: { environmentId: environment!.id } });
    const links = await rig.app.db.prisma.scanEvidence.count({ where: { scanId: rig.scanIds[1], key } });
    expect(links).toBe(0);
  });

  it('refuses a statement the model does not have, naming it', async () => {
    const response = await rig.server.inject({ url: `/api/scans/${rig.scanIds[1]}/capabilities/security.999.nope`, headers: rig.auth('viewer') });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 'PPMAT_E_CAPABILITY_UNKNOWN', message: expect.stringContaining('security.999.nope') });
  });
});

describe('history', () => {
  it('gives level and adoption trends per scan', async () => {
    const trends = await get(`/api/tenants/${rig.tenantId}/trends`);
    expect(trends.levels).toHaveLength(9);
    expect(trends.levels[0].points.map((p: { scanId: number }) => p.scanId)).toEqual(rig.scanIds);
    expect(trends.adoption.map((p: { scanId: number }) => p.scanId)).toEqual(rig.scanIds);
    expect(trends.adoption[1].adoption).toMatchObject({ environments: { total: expect.any(Number) }, makers: expect.any(Number) });
    const empty = await get(`/api/tenants/${rig.tenantId}/trends?from=2020-01-01&to=2020-12-31`);
    expect(empty.adoption).toEqual([]);
  });

  it('explains what changed between the two scans, one sentence each', async () => {
    const { diff, sentences } = await get(`/api/diff?from=${rig.scanIds[0]}&to=${rig.scanIds[1]}`);
    expect(diff.before.id).toBe(rig.scanIds[0]);
    expect(diff.levels.length + diff.capabilities.length).toBeGreaterThan(0);
    expect(sentences.length).toBeGreaterThan(0);
    expect(sentences.join('\n')).toContain(diff.levels[0]?.label ?? diff.capabilities[0].label);
  });

  it('gives the roadmap of the last scan, with actions and target progress', async () => {
    const { scanId, steps } = await get(`/api/tenants/${rig.tenantId}/roadmap`);
    expect(scanId).toBe(rig.scanIds[1]);
    expect(steps).toHaveLength(9);
    const withWork = steps.find((s: { missing: unknown[] }) => s.missing.length > 0);
    expect(withWork.missing[0].actions.length).toBeGreaterThan(0);
    expect(steps.find((s: { area: string }) => s.area === 'security').target).toMatchObject({ level: 500 });
  });
});

describe('changes, each in the audit log', () => {
  it('records an attestation by the signed-in attester, lists it in force and in the history', async () => {
    const response = await send('POST', `/api/tenants/${rig.tenantId}/attestations`, 'attester', {
      capabilityId: 'responsible-ai.200.foundational-policies',
      outcome: 'met',
      statement: 'Our AI principles were approved by the board in March.',
      evidenceUrl: 'https://contoso.sharepoint.com/ai-principles.pdf',
      expiresAt: '2027-06-30',
    });
    expect(response.statusCode, response.body).toBe(201);
    const { attestation } = response.json();
    expect(attestation).toMatchObject({ capabilityId: 'responsible-ai.200.foundational-policies', attestedBy: RIG_TOKEN_NAMES.attester, expiresAt: '2027-06-30T00:00:00.000Z' });
    const inForce = await get(`/api/tenants/${rig.tenantId}/attestations`);
    expect(inForce.attestations.map((a: { id: number }) => a.id)).toContain(attestation.id);
    const history = await get(`/api/tenants/${rig.tenantId}/attestations/history?capabilityId=responsible-ai.200.foundational-policies`);
    expect(history.attestations[0].id).toBe(attestation.id);
    const { events } = await get('/api/audit', 'admin');
    expect(events[0]).toMatchObject({ action: 'attestation.create', actor: RIG_TOKEN_NAMES.attester, actorKind: 'token', tenantId: rig.tenantId });
  });

  it('acknowledges an alert once, by the signed-in attester', async () => {
    const { alerts } = await get('/api/alerts?status=all');
    expect(alerts.length).toBeGreaterThan(0);
    const first = await send('POST', `/api/alerts/${alerts[0].id}/acknowledge`, 'attester');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().alert).toMatchObject({ id: alerts[0].id, acknowledgedBy: RIG_TOKEN_NAMES.attester, acknowledgedAt: expect.any(String) });
    const again = await send('POST', `/api/alerts/${alerts[0].id}/acknowledge`, 'admin');
    expect(again.json().alert.acknowledgedBy).toBe(RIG_TOKEN_NAMES.attester);
    const { events } = await get('/api/audit', 'admin');
    expect(events.filter((e: { action: string }) => e.action === 'alert.acknowledge')).toHaveLength(1);
    const unknown = await send('POST', '/api/alerts/987654/acknowledge', 'attester');
    expect(unknown.json().error.code).toBe('PPMAT_E_ALERT_UNKNOWN');
  });

  it('sets targets over the configured ones, and drops them again', async () => {
    const set = await send('PUT', `/api/tenants/${rig.tenantId}/targets`, 'admin', { targets: [{ area: 'governance', level: 400, by: '2027-03-31' }] });
    expect(set.json()).toEqual({ targets: [{ area: 'governance', level: 400, by: '2027-03-31' }], source: 'api' });
    expect((await get(`/api/tenants/${rig.tenantId}`)).tenant.targetsSource).toBe('api');
    const reset = await send('DELETE', `/api/tenants/${rig.tenantId}/targets`, 'admin');
    expect(reset.json()).toEqual({ targets: [{ area: 'security', level: 500, by: '2027-12-31' }], source: 'config' });
    const { events } = await get('/api/audit', 'admin');
    expect(events.slice(0, 2).map((e: { action: string }) => e.action)).toEqual(['tenant.targets.reset', 'tenant.targets.set']);
  });

  it('creates a token whose secret is shown once and never listed', async () => {
    const created = await send('POST', '/api/tokens', 'admin', { name: 'Power BI refresh', role: 'viewer', tenants: [rig.tenantId], expiresDays: 30 });
    expect(created.statusCode).toBe(201);
    const { token, record } = created.json();
    expect(token).toMatch(/^ppmat_[0-9a-f]{12}_/);
    // The secret is base64url and may itself contain '_': take everything after the id.
    const secret = token.slice('ppmat_'.length + 12 + 1);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const list = await rig.server.inject({ url: '/api/tokens', headers: rig.auth('admin') });
    expect(list.body).not.toContain(secret);
    expect(list.json().tokens.find((t: { id: string }) => t.id === record.id)).toMatchObject({ name: 'Power BI refresh', role: 'viewer', tenants: [rig.tenantId], createdBy: RIG_TOKEN_NAMES.admin });
    const { events } = await get('/api/audit', 'admin');
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});

describe('health and metrics', () => {
  it('publishes levels, open alerts and its own requests to Prometheus', async () => {
    const response = await rig.server.inject({ url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toContain(`ppmat_area_level{tenant="${rig.tenantId}",area="security"}`);
    expect(response.body).toMatch(/ppmat_alerts_open\{tenant="[^"]+",severity="\w+"\} \d/);
    expect(response.body).toMatch(/ppmat_http_requests_total\{method="GET",route="\/api\/tenants",status="200"\} \d/);
  });

  it('is not ready while the database does not answer', async () => {
    const broken = { ...rig.deps.prisma, $queryRaw: () => Promise.reject(new Error('connection refused')) } as unknown as typeof rig.deps.prisma;
    const { buildServer } = await import('../../src/api/server.js');
    const server = await buildServer({ ...rig.deps, prisma: broken });
    const response = await server.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not ready', database: 'connection refused' });
    await server.close();
  });

  it('serves the dashboard and its files without credentials, under a strict CSP, and nothing beside them', async () => {
    const page = await rig.server.inject({ url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    for (const asset of ['/assets/app.js', '/assets/charts.js', '/assets/styles.css', '/assets/vendor/chart.umd.min.js']) {
      const response = await rig.server.inject({ url: asset });
      expect(response.statusCode, asset).toBe(200);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await rig.server.inject({ url: '/assets/vendor/chart.js' })).statusCode).toBe(404);
    expect((await rig.server.inject({ url: '/assets/../../package.json' })).statusCode).toBe(404);
  });

  it('publishes the OpenAPI document and a browsable page', async () => {
    const document = await rig.server.inject({ url: '/openapi.json' });
    expect(document.json()).toMatchObject({ openapi: expect.stringMatching(/^3\./), info: { title: 'ppmat API' } });
    const page = await rig.server.inject({ url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
  });
});
