import path from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTenantSettingsCollector } from '../../src/collectors/tenant-settings.collector.js';
import type { EvidenceSnapshot } from '../../src/evidence/snapshot.js';
import { deriveFacts } from '../../src/facts/index.js';
import { evaluateCheck } from '../../src/rules/evaluate.js';
import { loadRuleSet } from '../../src/rules/load-rules.js';
import { BAP, TENANT_ID, collectionFailure, collectorContext, fixture } from './collector-context.js';

const PATH = '/providers/Microsoft.BusinessAppPlatform/listTenantSettings';
/** The request as error messages print it. */
const URL = `${BAP}${PATH}?api-version=2023-06-01`;
const RULES_DIR = path.resolve(import.meta.dirname, '../../rules');

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('tenant settings collector', () => {
  it('POSTs {} and keeps the settings as sent', async () => {
    const body = fixture('tenant-settings.json');
    nock(BAP).post(PATH, {}).query({ 'api-version': '2023-06-01' }).reply(200, body as nock.Body);
    const { ctx, progress } = collectorContext();
    const evidence = await createTenantSettingsCollector().collect(ctx);
    expect(evidence).toEqual(body);
    expect(evidence['disableEnvironmentCreationByNonAdminUsers']).toBe(true);
    expect(progress).toEqual([{ collector: 'tenantSettings', pages: 1, requests: 1 }]);
  });

  it.each([
    ['an array', [1, 2]],
    ['null', null],
    ['a string', 'settings'],
  ])('rejects %s as malformed', async (_name, body) => {
    nock(BAP).post(PATH).query(true).reply(200, JSON.stringify(body));
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantSettingsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain('tenantSettings collector');
    expect(error.message).toContain('listTenantSettings');
    expect(error.message).toContain('at (root)');
  });

  it('reports a body that is not JSON as malformed', async () => {
    nock(BAP).post(PATH).query(true).reply(200, '<html>Sign in</html>', { 'Content-Type': 'text/html' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantSettingsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain(`POST ${URL} answered 200`);
    expect(error.message).toContain('<html>Sign in');
  });

  // Several pages: does not apply. listTenantSettings answers one settings object, never a
  // `{ value: [...], nextLink }` list, so there is no page to follow; the "empty list" case
  // becomes an empty settings object (below).

  it('accepts an empty settings object as ok and empty', async () => {
    nock(BAP).post(PATH, {}).query(true).reply(200, {});
    const { ctx } = collectorContext();
    expect(await createTenantSettingsCollector().collect(ctx)).toEqual({});
  });

  // The "empty list" case for a single object: an empty settings object is collected as `ok`,
  // and every check that reads a setting says the setting is unknown; none passes or fails.
  // A new tenant-settings check without a `known:` guard fails here (a CEL error, not its message).
  // Checks that weigh tenant settings against other evidence (the CoE Starter Kit in the inventory)
  // need that evidence too; their own cases cover an absent setting.
  it('empty list (an empty settings object): ok, and every tenant-settings rule reads as unknown', async () => {
    nock(BAP).post(PATH, {}).query(true).reply(200, {});
    const { ctx } = collectorContext();
    const data = await createTenantSettingsCollector().collect(ctx);
    const at = '2025-01-15T02:00:00Z';
    const snapshot: EvidenceSnapshot = { tenantId: TENANT_ID, collectedAt: at, evidence: { tenantSettings: { key: 'tenantSettings', status: 'ok', data, collectedAt: at } } };
    const checks = (await loadRuleSet(RULES_DIR)).checks.filter((check) => check.evidenceKeys.length === 1 && check.evidenceKeys[0] === 'tenantSettings');
    expect(checks.length).toBeGreaterThanOrEqual(4);
    const results = checks.map((check) => evaluateCheck(check, snapshot, deriveFacts(snapshot)));
    for (const result of results) {
      expect(result.outcome, result.checkId).toBe('unknown');
      // The check's own "the setting is absent" message, not a failed collection or a CEL error.
      expect(result.message, result.checkId).toMatch(/^Unknown: tenant settings do not include /);
    }
  });

  it('403 makes the evidence unavailable and names the missing permission', async () => {
    nock(BAP)
      .post(PATH)
      .query(true)
      .reply(403, { error: { code: 'Forbidden', message: 'The caller is not a tenant admin' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantSettingsCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(error.message).toContain('not registered as a Power Platform admin management application');
    expect(error.message).toContain('The caller is not a tenant admin');
  });

  it('rides out a 429 with Retry-After and POSTs the body again', async () => {
    nock(BAP)
      .post(PATH, {})
      .query(true)
      .reply(429, { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 3 seconds.' } }, { 'Retry-After': '3' })
      .post(PATH, {})
      .query(true)
      .reply(200, { walkMeOptOut: false });
    const { ctx, sleeps } = collectorContext();
    expect(await createTenantSettingsCollector().collect(ctx)).toEqual({ walkMeOptOut: false });
    expect(sleeps).toEqual([3000]);
    expect(ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 1, throttledMs: 3000 });
  });

  it('retries a 5xx, then succeeds', async () => {
    nock(BAP).post(PATH, {}).query(true).reply(502, 'Bad gateway').post(PATH, {}).query(true).reply(200, { walkMeOptOut: true });
    const { ctx } = collectorContext();
    expect(await createTenantSettingsCollector().collect(ctx)).toEqual({ walkMeOptOut: true });
    expect(ctx.http.stats).toMatchObject({ requests: 2, retries: 1, throttled: 0 });
  });

  // 404 does not mean "no settings" (only tenant isolation reads 404 as "none"): it stays an error.
  it('404 is an error, never read as empty settings', async () => {
    nock(BAP).post(PATH).query(true).reply(404, { error: { code: 'NotFound' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createTenantSettingsCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
    expect(error.status).toBe('error');
    expect(error.details).toEqual({ httpStatus: 404, url: URL });
    expect(error.message).toBe(`POST ${URL} answered 404 where a resource was expected. The API said: NotFound`);
  });
});
