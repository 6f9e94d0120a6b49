/** Lease holder ids: host, pid and a random part; a dead holder is recognized only on this host. */
import { describe, expect, it } from 'vitest';
import { isDeadLocalHolder, leaseHolderId, parseHolder } from '../../src/scheduler/lease-holder.js';

describe('lease holder ids', () => {
  it('names the host and pid, and differs between two processes of one pid', () => {
    expect(leaseHolderId({ hostname: 'host-1', pid: 4242 }, 'ab12cd34')).toBe('host-1:4242:ab12cd34');
    expect(leaseHolderId()).toMatch(/^.+:\d+:[0-9a-f]{8}$/);
    expect(leaseHolderId()).not.toBe(leaseHolderId());
  });

  it.each([
    ['host-1:4242:ab12cd34', { hostname: 'host-1', pid: 4242 }],
    ['ppmat-7d9f:1:00ff00ff', { hostname: 'ppmat-7d9f', pid: 1 }],
    ['not a holder', null],
  ])('reads %s', (holder, expected) => {
    expect(parseHolder(holder)).toEqual(expected);
  });

  it.each([
    ['a gone process of this host', 'here:77:aa', false, true],
    ['a live process of this host', 'here:77:aa', true, false],
    ['a process of another host', 'there:77:aa', false, false],
    ['a holder this code did not make', 'someone', false, false],
  ])('tells whether %s is dead', (_, holder, alive, dead) => {
    expect(isDeadLocalHolder(holder, { hostname: 'here', isAlive: () => alive })).toBe(dead);
  });

  it('knows this process is alive', () => {
    expect(isDeadLocalHolder(leaseHolderId())).toBe(false);
  });
});
