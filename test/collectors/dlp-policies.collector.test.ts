import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDlpPoliciesCollector } from '../../src/collectors/dlp-policies.collector.js';
import { dlpPoliciesEvidenceSchema } from '../../src/evidence/schemas.js';
import { BAP, collectionFailure, collectorContext, fixture } from './collector-context.js';

const LIST = '/providers/PowerPlatform.Governance/v2/policies';
const P1 = '00000000-0000-0000-0000-000000000001';
const P2 = '00000000-0000-0000-0000-000000000002';
/** The list request as error messages print it. */
const LIST_URL = `${BAP}${LIST}`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('DLP policies collector', () => {
  it('reads the list, then each policy detail', async () => {
    nock(BAP)
      .get(LIST)
      .reply(200, fixture('dlp-policies.list.json') as nock.Body)
      .get(`${LIST}/${P1}`)
      .reply(200, fixture('dlp-policy.0001.json') as nock.Body)
      .get(`${LIST}/${P2}`)
      .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
    const { ctx, progress } = collectorContext();
    const evidence = await createDlpPoliciesCollector().collect(ctx);

    expect(dlpPoliciesEvidenceSchema.safeParse(evidence).success).toBe(true);
    expect(evidence.policies.map((p) => p.id)).toEqual([P1, P2]);
    expect(evidence.policies[0]).toMatchObject({
      environmentType: 'AllEnvironments',
      connectorGroups: { business: [], nonBusiness: ['/providers/Microsoft.PowerApps/apis/shared_msnweather'], blocked: ['/providers/Microsoft.PowerApps/apis/shared_twitter'] },
      actionRuleConnectors: [],
      endpointRuleConnectors: [],
    });
    expect(evidence.policies[1]).toEqual({
      id: P2,
      displayName: 'a2',
      environmentType: 'ExceptEnvironments',
      environments: ['be0eb809-0000-0000-0000-000000000000'],
      defaultConnectorsClassification: 'General',
      connectorGroups: {
        business: ['/providers/Microsoft.PowerApps/apis/shared_office365users'],
        nonBusiness: ['/providers/Microsoft.PowerApps/apis/shared_powerappsforappmakers'],
        blocked: [],
      },
      actionRuleConnectors: ['/providers/Microsoft.PowerApps/apis/shared_azureblob'],
      endpointRuleConnectors: ['/providers/Microsoft.PowerApps/apis/shared_azureblob'],
      customConnectorPatterns: [
        { order: 1, classification: 'Confidential', pattern: 'http://aaa.com' },
        { order: 2, classification: 'Ignore', pattern: '*' },
      ],
      createdTime: '2023-10-02T07:38:56.6864176Z',
      lastModifiedTime: '2023-10-02T07:56:43.9700369Z',
    });
    expect(progress.map((p) => p.pages)).toEqual([1, 2, 3]);
    expect(ctx.http.stats.requests).toBe(3);
  });

  it('makes no detail request when there are no policies', async () => {
    nock(BAP).get(LIST).reply(200, { value: [] });
    const { ctx } = collectorContext();
    expect(await createDlpPoliciesCollector().collect(ctx)).toEqual({ policies: [] });
    expect(ctx.http.stats.requests).toBe(1);
  });

  it('keeps at most `detailConcurrency` detail requests in flight', async () => {
    const names = Array.from({ length: 6 }, (_, i) => `p${i}`);
    let inFlight = 0;
    let peak = 0;
    nock(BAP)
      .get(LIST)
      .reply(200, { value: names.map((name) => ({ policyDefinition: { name } })) });
    for (const name of names) {
      nock(BAP)
        .get(`${LIST}/${name}`)
        .reply(async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 15));
          inFlight -= 1;
          return [200, { policyDefinition: { name, environmentType: 'AllEnvironments' } }];
        });
    }
    const { ctx } = collectorContext();
    const evidence = await createDlpPoliciesCollector({ detailConcurrency: 2 }).collect(ctx);
    expect(evidence.policies.map((p) => p.id)).toEqual(names);
    expect(peak).toBe(2);
  });

  it('reports a detail of the wrong shape with its URL and path', async () => {
    nock(BAP)
      .get(LIST)
      .reply(200, fixture('dlp-policies.list.json') as nock.Body)
      .get(`${LIST}/${P1}`)
      .reply(200, { policyDefinition: { name: P1, environmentType: 'SomeEnvironments' } })
      .get(`${LIST}/${P2}`)
      .optionally()
      .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
    const { ctx } = collectorContext();
    const error = await collectionFailure(createDlpPoliciesCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain(`${LIST}/${P1}`);
    expect(error.message).toContain('policyDefinition.environmentType');
  });

  it('403 on the list makes the evidence unavailable', async () => {
    nock(BAP).get(LIST).reply(403, { error: { code: 'Forbidden', message: 'nope' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createDlpPoliciesCollector().collect(ctx));
    expect(error.status).toBe('unavailable');
    expect(error.code).toBe('PPMAT_E_HTTP_FORBIDDEN');
    expect(error.message).toContain('not registered as a Power Platform admin management application');
    expect(error.message).toContain('nope');
  });

  it('reads every page of the list before the details', async () => {
    const [first, second] = (fixture('dlp-policies.list.json')['value'] as unknown[]) ?? [];
    nock(BAP)
      .get(LIST)
      .reply(200, { value: [first], nextLink: `${BAP}${LIST}?$skiptoken=p2` })
      .get(LIST)
      .query({ $skiptoken: 'p2' })
      .reply(200, { value: [second], nextLink: null })
      .get(`${LIST}/${P1}`)
      .reply(200, fixture('dlp-policy.0001.json') as nock.Body)
      .get(`${LIST}/${P2}`)
      .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
    const { ctx, progress } = collectorContext();
    const evidence = await createDlpPoliciesCollector().collect(ctx);
    expect(evidence.policies.map((p) => p.id)).toEqual([P1, P2]);
    expect(progress.map((p) => p.pages)).toEqual([1, 2, 3, 4]);
    expect(ctx.http.stats).toMatchObject({ requests: 4, pages: 2 });
    expect(nock.isDone()).toBe(true);
  });

  it('rides out a 429 with Retry-After on the list and on a detail', async () => {
    const throttled = { error: { code: 'TooManyRequests', message: 'Rate limit is exceeded. Try again in 2 seconds.' } };
    nock(BAP)
      .get(LIST)
      .reply(429, throttled, { 'Retry-After': '2' })
      .get(LIST)
      .reply(200, { value: [{ policyDefinition: { name: P2 } }] })
      .get(`${LIST}/${P2}`)
      .reply(429, throttled, { 'Retry-After': '3' })
      .get(`${LIST}/${P2}`)
      .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
    const { ctx, sleeps } = collectorContext();
    const evidence = await createDlpPoliciesCollector().collect(ctx);
    expect(evidence.policies.map((p) => p.id)).toEqual([P2]);
    expect(sleeps).toEqual([2000, 3000]);
    expect(ctx.http.stats).toMatchObject({ requests: 4, retries: 2, throttled: 2, throttledMs: 5000 });
  });

  it('retries a 5xx on a detail, then succeeds', async () => {
    nock(BAP)
      .get(LIST)
      .reply(200, { value: [{ policyDefinition: { name: P1 } }] })
      .get(`${LIST}/${P1}`)
      .reply(504, 'Gateway Timeout')
      .get(`${LIST}/${P1}`)
      .reply(200, fixture('dlp-policy.0001.json') as nock.Body);
    const { ctx } = collectorContext();
    const evidence = await createDlpPoliciesCollector().collect(ctx);
    expect(evidence.policies.map((p) => p.id)).toEqual([P1]);
    expect(ctx.http.stats).toMatchObject({ requests: 3, retries: 1, throttled: 0 });
  });

  it('reports a list body that is not JSON as malformed', async () => {
    nock(BAP).get(LIST).reply(200, '{"value": [', { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createDlpPoliciesCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_MALFORMED_RESPONSE');
    expect(error.status).toBe('error');
    expect(error.message).toContain(LIST);
  });

  it.each([
    ['a list without value', JSON.stringify({ policies: [] }), `GET ${LIST_URL} answered 200`, /no array "value"/],
    ['an item without policyDefinition.name', JSON.stringify({ value: [{ policyDefinition: { name: P1 } }, { policyDefinition: {} }] }), `from ${LIST}`, /value\[1\]\.policyDefinition\.name/],
  ])('malformed body: %s on the list is an error naming the URL, with no detail request', async (_name, body, url, why) => {
    nock(BAP).get(LIST).reply(200, body, { 'Content-Type': 'application/json' });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createDlpPoliciesCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_MALFORMED_RESPONSE' });
    expect(error.message).toContain(url);
    expect(error.message).toMatch(why);
    expect(ctx.http.stats.requests).toBe(1);
  });

  // 404 does not mean "no policies" (only tenant isolation reads 404 as "none"): a detail that vanished stays an error.
  it('404 on a detail is an error, never a policy silently dropped', async () => {
    nock(BAP)
      .get(LIST)
      .reply(200, { value: [{ policyDefinition: { name: P1 } }] })
      .get(`${LIST}/${P1}`)
      .reply(404, { error: { code: 'PolicyNotFound', message: 'The policy was not found' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createDlpPoliciesCollector().collect(ctx));
    expect(error.code).toBe('PPMAT_E_HTTP_NOT_FOUND');
    expect(error.message).toContain(`${LIST}/${P1}`);
  });

  it('404 on the list is a clear error naming the URL, never read as no policies', async () => {
    nock(BAP).get(LIST).reply(404, { error: { code: 'NotFound', message: 'Resource not found' } });
    const { ctx } = collectorContext();
    const error = await collectionFailure(createDlpPoliciesCollector().collect(ctx));
    expect(error).toMatchObject({ status: 'error', code: 'PPMAT_E_HTTP_NOT_FOUND', details: { httpStatus: 404, url: LIST_URL } });
    expect(error.message).toBe(`GET ${LIST_URL} answered 404 where a resource was expected. The API said: NotFound: Resource not found`);
  });
});
