import { describe, expect, it } from 'vitest';
import { mapAdvisorRecommendation } from '../../src/collectors/advisor-recommendations.map.js';
import { rawAdvisorRecommendationSchema } from '../../src/collectors/advisor-recommendations.raw.js';
import { CollectionError } from '../../src/collectors/types.js';
import { noManagedEnvironmentError } from '../../src/collectors/advisor-recommendations.collector.js';

describe('mapAdvisorRecommendation', () => {
  it.each([
    [{ scenario: 'UnusedApps', details: { resourceCount: 4, lastRefreshedTimestamp: '2025-01-14T04:00:00Z', expectedNextRefreshTimestamp: '2025-01-15T04:00:00Z' } }, { scenario: 'UnusedApps', resourceCount: 4, lastRefreshed: '2025-01-14T04:00:00Z' }],
    [{ scenario: 'UnusedApps', details: { resourceCount: null, lastRefreshedTimestamp: '' } }, { scenario: 'UnusedApps', resourceCount: null, lastRefreshed: null }],
    [{ scenario: 'UnusedApps' }, { scenario: 'UnusedApps', resourceCount: null, lastRefreshed: null }],
  ])('%j → %j', (raw, expected) => {
    expect(mapAdvisorRecommendation(rawAdvisorRecommendationSchema.parse(raw))).toEqual(expected);
  });
});

describe('noManagedEnvironmentError', () => {
  const refused = (status: number, apiSays: string) =>
    new CollectionError('unavailable', 'PPMAT_E_HTTP_FORBIDDEN', `GET https://x/analytics/advisorRecommendations answered ${status}: whatever. The API said: ${apiSays}`, {
      httpStatus: status,
      url: 'https://x/analytics/advisorRecommendations',
    });

  it('recognizes the refusal by its status and the words "managed environment"', () => {
    expect(noManagedEnvironmentError(refused(403, 'Enable Managed Environments for at least one environment.'))).toMatchObject({
      status: 'unavailable',
      code: 'PPMAT_E_PREREQUISITE_MISSING',
    });
  });

  it.each([
    ['another reason', refused(403, 'The caller is not authorized.')],
    ['another status', refused(500, 'No managed environment.')],
    ['no API text', new CollectionError('error', 'PPMAT_E_HTTP_STATUS', 'GET x answered 400.', { httpStatus: 400 })],
    ['not a collection error', new Error('managed environment')],
  ])('leaves %s alone', (_name, error) => {
    expect(noManagedEnvironmentError(error)).toBeNull();
  });
});
