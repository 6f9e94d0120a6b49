/** The sentence that refuses a manual scan of a tenant another process is scanning. */
import { describe, expect, it } from 'vitest';
import { formatTime, tenantBusyError } from '../../src/cli/scan-lease.js';
import { EXIT } from '../../src/errors/catalogue.js';

describe('tenantBusyError', () => {
  const busy = { status: 'busy' as const, holder: 'host-1:4242:ab12cd34', since: new Date('2026-11-27T02:00:13Z'), expiresAt: new Date('2026-11-27T02:02:13Z') };

  it('names the tenant, the holder and since when, in the tenant’s time zone', () => {
    const error = tenantBusyError({ id: 'contoso.onmicrosoft.com', displayName: 'Contoso', timezone: 'UTC' }, busy, new Date('2026-11-27T02:01:00Z'));
    expect(error.code).toBe('PPMAT_E_TENANT_BUSY');
    expect(error.exitCode).toBe(EXIT.busy);
    expect(error.message).toBe(
      'Contoso (contoso.onmicrosoft.com) is being scanned by host-1:4242:ab12cd34 since 02:00:13 UTC; try again when it ends (if that process is gone, its lease runs out at 02:02:13 UTC).',
    );
  });

  it('gives the id once when it is the name', () => {
    const error = tenantBusyError({ id: 'contoso.onmicrosoft.com', displayName: 'contoso.onmicrosoft.com', timezone: 'Europe/Berlin' }, busy, new Date('2026-11-27T02:01:00Z'));
    expect(error.message).toMatch(/^contoso\.onmicrosoft\.com is being scanned by host-1:4242:ab12cd34 since 03:00:13 Europe\/Berlin;/);
  });
});

describe('formatTime', () => {
  it.each([
    ['2026-11-27T02:00:13Z', '2026-11-27T09:00:00Z', 'UTC', '02:00:13 UTC'],
    ['2026-11-26T23:30:00Z', '2026-11-27T09:00:00Z', 'UTC', '2026-11-26 23:30:00 UTC'],
    ['2026-11-26T23:30:00Z', '2026-11-27T09:00:00Z', 'Europe/Berlin', '00:30:00 Europe/Berlin'],
    ['2026-11-27T00:00:00Z', '2026-11-27T09:00:00Z', 'America/New_York', '2026-11-26 19:00:00 America/New_York'],
  ])('%s seen at %s in %s: %s', (date, now, zone, expected) => {
    expect(formatTime(new Date(date), new Date(now), zone)).toBe(expected);
  });
});
