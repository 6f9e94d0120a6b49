/** Incremental DLP collection: a policy whose lastModifiedTime did not change keeps the last scan's detail. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDlpPoliciesCollector } from '../../src/collectors/dlp-policies.collector.js';
import type { PartitionStore } from '../../src/collectors/types.js';
import type { DlpPoliciesEvidence } from '../../src/evidence/schemas.js';
import { BAP, collectorContext, fixture } from './collector-context.js';

const LIST = '/providers/PowerPlatform.Governance/v2/policies';
const P1 = '00000000-0000-0000-0000-000000000001';
const P2 = '00000000-0000-0000-0000-000000000002';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

function lastScan(evidence: DlpPoliciesEvidence | null): PartitionStore {
  return {
    previous: async (keys) => new Map(evidence && keys.includes('dlpPolicies') ? [['dlpPolicies', evidence]] : []),
    put: async () => 'unused',
  };
}

async function firstScan(): Promise<DlpPoliciesEvidence> {
  nock(BAP)
    .get(LIST)
    .reply(200, fixture('dlp-policies.list.json') as nock.Body)
    .get(`${LIST}/${P1}`)
    .reply(200, fixture('dlp-policy.0001.json') as nock.Body)
    .get(`${LIST}/${P2}`)
    .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
  return createDlpPoliciesCollector().collect(collectorContext().ctx);
}

describe('DLP policies collector, rescan', () => {
  it('asks no detail of an unchanged policy and gives the same evidence', async () => {
    const first = await firstScan();
    nock(BAP).get(LIST).reply(200, fixture('dlp-policies.list.json') as nock.Body);
    const { ctx } = collectorContext();
    const second = await createDlpPoliciesCollector().collect({ ...ctx, partitions: lastScan(first) });
    expect(second).toEqual(first);
    expect(ctx.http.stats.requests).toBe(1);
  });

  it('reads the detail again of a policy whose lastModifiedTime changed', async () => {
    const first = await firstScan();
    const list = fixture('dlp-policies.list.json') as { value: { policyDefinition: { name: string; lastModifiedTime: string } }[] };
    const changed = { value: list.value.map((p) => (p.policyDefinition.name === P2 ? { policyDefinition: { ...p.policyDefinition, lastModifiedTime: '2026-11-26T00:00:00Z' } } : p)) };
    nock(BAP)
      .get(LIST)
      .reply(200, changed)
      .get(`${LIST}/${P2}`)
      .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
    const { ctx } = collectorContext();
    const second = await createDlpPoliciesCollector().collect({ ...ctx, partitions: lastScan(first) });
    expect(second.policies.map((p) => p.id)).toEqual([P1, P2]);
    expect(ctx.http.stats.requests).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('reads every detail on a first scan (no last scan)', async () => {
    nock(BAP)
      .get(LIST)
      .reply(200, fixture('dlp-policies.list.json') as nock.Body)
      .get(`${LIST}/${P1}`)
      .reply(200, fixture('dlp-policy.0001.json') as nock.Body)
      .get(`${LIST}/${P2}`)
      .reply(200, fixture('dlp-policy.0002.json') as nock.Body);
    const { ctx } = collectorContext();
    await createDlpPoliciesCollector().collect({ ...ctx, partitions: lastScan(null) });
    expect(ctx.http.stats.requests).toBe(3);
  });
});
