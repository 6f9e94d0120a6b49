/** Alerts read back with their messages' delivery state, filtered by status and tenant, most recent first. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertReader } from '../../src/store/alert-reader.js';
import { insertAlert, insertMessage, TENANT } from '../support/alert-rows.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

describe('alert reader', () => {
  it('lists alerts by status and tenant, newest first, each with its messages oldest first', async () => {
    const fabrikam = { id: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' };
    const older = await insertAlert(db.prisma, { openedAt: new Date('2026-03-01T02:00:00Z') });
    const newer = await insertAlert(db.prisma, { openedAt: new Date('2026-03-05T02:00:00Z'), severity: 'warning' });
    const resolved = await insertAlert(db.prisma, { tenant: fabrikam, status: 'resolved' });
    const first = await insertMessage(db.prisma, newer, { channel: 'teams' });
    const second = await insertMessage(db.prisma, newer, { channel: 'mail', kind: 'reminder' });
    await db.prisma.alertMessage.update({ where: { id: second.id }, data: { status: 'failed', attempts: 2, lastError: 'answered 400.' } });

    const reader = createAlertReader(db.prisma);
    const open = await reader.list({ status: 'open' });
    expect(open.map((a) => a.id)).toEqual([newer, older]);
    expect(open[0]).toMatchObject({ tenantId: TENANT.id, tenantName: 'Contoso', severity: 'warning', status: 'open', resolvedAt: null });
    expect(open[0]!.messages).toEqual([
      expect.objectContaining({ id: first.id, channel: 'teams', kind: 'raised', status: 'pending', attempts: 0, lastError: null }),
      expect.objectContaining({ id: second.id, channel: 'mail', kind: 'reminder', status: 'failed', attempts: 2, lastError: 'answered 400.' }),
    ]);
    expect(open[0]!.messages[0]).not.toHaveProperty('payload');
    expect((await reader.list({ status: 'resolved' })).map((a) => [a.id, a.tenantName, a.resolvedScanId])).toEqual([[resolved, 'Fabrikam', 43]]);
    expect((await reader.list({ status: 'all', tenantId: fabrikam.id })).map((a) => a.id)).toEqual([resolved]);
    expect((await reader.list({ status: 'all', limit: 1 })).map((a) => a.id)).toEqual([newer]);
  });
});
