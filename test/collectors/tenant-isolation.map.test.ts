import { describe, expect, it } from 'vitest';
import { mapTenantIsolation } from '../../src/collectors/tenant-isolation.map.js';
import { rawTenantIsolationSchema } from '../../src/collectors/tenant-isolation.raw.js';

const NOT_CONFIGURED = { configured: false, enabled: false, allowedTenants: [] };

describe('mapTenantIsolation', () => {
  it.each<[string, unknown, unknown]>([
    ['null', null, NOT_CONFIGURED],
    ['an empty object', {}, NOT_CONFIGURED],
    ['empty properties', { properties: {} }, NOT_CONFIGURED],
    ['wrapped, enabled', { properties: { isDisabled: false, allowedTenants: [] } }, { configured: true, enabled: true, allowedTenants: [] }],
    ['wrapped, disabled', { properties: { isDisabled: true, allowedTenants: [] } }, { configured: true, enabled: false, allowedTenants: [] }],
    ['unwrapped', { isDisabled: false, allowedTenants: [] }, { configured: true, enabled: true, allowedTenants: [] }],
    ['allowed tenants without isDisabled', { properties: { allowedTenants: [] } }, { configured: true, enabled: false, allowedTenants: [] }],
    [
      'directions',
      { properties: { isDisabled: false, allowedTenants: [{ tenantId: 'a', direction: { inbound: true, outbound: false } }, { tenantId: 'b' }] } },
      {
        configured: true,
        enabled: true,
        allowedTenants: [
          { tenantId: 'a', inbound: true, outbound: false },
          { tenantId: 'b', inbound: false, outbound: false },
        ],
      },
    ],
  ])('%s', (_name, body, expected) => {
    expect(mapTenantIsolation(rawTenantIsolationSchema.parse(body))).toEqual(expected);
  });
});
