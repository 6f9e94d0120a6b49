import { describe, expect, it } from 'vitest';
import { mapPrincipal } from '../../src/collectors/principal.map.js';

describe('mapPrincipal', () => {
  it.each([
    ['#microsoft.graph.user', 'user', 'meg@contoso.com'],
    ['#microsoft.graph.group', 'group', null],
    ['#microsoft.graph.servicePrincipal', 'servicePrincipal', null],
    ['#microsoft.graph.device', 'unknown', null],
  ] as const)('%s is a %s', (odataType, type, upn) => {
    expect(mapPrincipal('p1', { '@odata.type': odataType, id: 'p1', displayName: 'X', userPrincipalName: 'meg@contoso.com' })).toEqual({
      id: 'p1',
      type,
      displayName: 'X',
      userPrincipalName: upn,
    });
  });

  it('a principal Graph did not expand keeps the principalId and is unknown', () => {
    expect(mapPrincipal('p2', undefined)).toEqual({ id: 'p2', type: 'unknown', displayName: null, userPrincipalName: null });
    expect(mapPrincipal('p3', null)).toEqual({ id: 'p3', type: 'unknown', displayName: null, userPrincipalName: null });
  });

  it('matches @odata.type without case', () => {
    expect(mapPrincipal('p', { '@odata.type': '#Microsoft.Graph.ServicePrincipal' }).type).toBe('servicePrincipal');
  });
});
