import { describe, expect, it } from 'vitest';
import { CLOUD_NAMES, CLOUDS, resolveEndpoints } from '../../src/auth/clouds.js';

const SURFACES = ['bap', 'powerApps', 'flow', 'powerPlatform', 'graph'] as const;

describe('cloud profiles', () => {
  it.each(CLOUD_NAMES)('%s has an https base URL and a .default scope for every surface', (name) => {
    const cloud = CLOUDS[name];
    expect(cloud.name).toBe(name);
    for (const surface of SURFACES) {
      expect(cloud.baseUrls[surface]).toMatch(/^https:\/\/[^/]+$/);
      expect(cloud.scopes[surface]).toMatch(/^https:\/\/[^/]+\/\.default$/);
    }
    expect(cloud.authorityHost).toMatch(/^https:\/\/login\./);
  });

  it('has the public cloud values of the reference', () => {
    expect(CLOUDS.public.baseUrls).toEqual({
      bap: 'https://api.bap.microsoft.com',
      powerApps: 'https://api.powerapps.com',
      flow: 'https://api.flow.microsoft.com',
      powerPlatform: 'https://api.powerplatform.com',
      graph: 'https://graph.microsoft.com',
    });
    expect(CLOUDS.public.scopes).toEqual({
      bap: 'https://service.powerapps.com/.default',
      powerApps: 'https://service.powerapps.com/.default',
      flow: 'https://service.flow.microsoft.com/.default',
      powerPlatform: 'https://api.powerplatform.com/.default',
      graph: 'https://graph.microsoft.com/.default',
    });
  });
});

describe('resolveEndpoints', () => {
  it('returns the profile when nothing is overridden', () => {
    expect(resolveEndpoints('gcchigh')).toEqual(CLOUDS.gcchigh);
  });

  it('overrides single base URLs, scopes and the authority', () => {
    const resolved = resolveEndpoints('gcc', {
      baseUrls: { bap: 'http://127.0.0.1:8080/' },
      scopes: { bap: 'https://service.powerapps.us/.default' },
      authorityHost: 'https://login.example',
    });
    expect(resolved.baseUrls.bap).toBe('http://127.0.0.1:8080');
    expect(resolved.baseUrls.flow).toBe(CLOUDS.gcc.baseUrls.flow);
    expect(resolved.scopes.bap).toBe('https://service.powerapps.us/.default');
    expect(resolved.authorityHost).toBe('https://login.example');
  });

  it('does not change the shared profile', () => {
    resolveEndpoints('public', { baseUrls: { bap: 'http://localhost:1' } });
    expect(CLOUDS.public.baseUrls.bap).toBe('https://api.bap.microsoft.com');
  });
});
