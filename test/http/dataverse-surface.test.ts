import nock from 'nock';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { CLOUDS } from '../../src/auth/clouds.js';
import { createHttpClient } from '../../src/http/http-client.js';

const ORG = 'https://contoso.api.crm4.dynamics.com';
const OTHER_ORG = 'https://fabrikam.api.crm.dynamics.com';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** A credential that issues a token naming its scope, and records the scopes asked for. */
function scopedCredential(): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
      const s = Array.isArray(scope) ? scope.join(' ') : scope;
      scopes.push(s);
      return { token: `token-for ${s}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

function client(credential: TokenCredential) {
  return createHttpClient({ baseUrls: CLOUDS.public.baseUrls, scopes: CLOUDS.public.scopes, credential, log: pino({ level: 'silent' }), maxRetries: 1, sleep: async () => undefined, random: () => 0.5 });
}

describe('Dataverse requests', () => {
  it('get a token per environment host ({origin}/.default), cached per host', async () => {
    nock(ORG, { reqheaders: { authorization: `Bearer token-for ${ORG}/.default` } })
      .get('/api/data/v9.2/bots')
      .times(2)
      .reply(200, { value: [] });
    nock(OTHER_ORG, { reqheaders: { authorization: `Bearer token-for ${OTHER_ORG}/.default` } })
      .get('/api/data/v9.2/bots')
      .reply(200, { value: [] });
    const credential = scopedCredential();
    const http = client(credential);
    await http.request({ surface: 'dataverse', url: `${ORG}/api/data/v9.2/bots` });
    await http.request({ surface: 'dataverse', url: `${ORG}/api/data/v9.2/bots` });
    await http.request({ surface: 'dataverse', url: `${OTHER_ORG}/api/data/v9.2/bots` });
    expect(credential.scopes).toEqual([`${ORG}/.default`, `${OTHER_ORG}/.default`]);
  });

  it('follow @odata.nextLink pages on the same host', async () => {
    nock(ORG)
      .get('/api/data/v9.2/appmodules')
      .reply(200, { value: [{ id: 1 }], '@odata.nextLink': `${ORG}/api/data/v9.2/appmodules?$skiptoken=abc` })
      .get('/api/data/v9.2/appmodules')
      .query({ $skiptoken: 'abc' })
      .reply(200, { value: [{ id: 2 }] });
    const items = await client(scopedCredential()).paginate({ surface: 'dataverse', url: `${ORG}/api/data/v9.2/appmodules` });
    expect(items).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('refuse a URL that is not on a Dataverse host, so no token is sent there', async () => {
    const credential = scopedCredential();
    await expect(client(credential).request({ surface: 'dataverse', url: 'https://evil.example.com/api/data/v9.2/bots' })).rejects.toThrow(/not on a Dataverse host/);
    await expect(client(credential).request({ surface: 'dataverse', url: 'http://contoso.crm.dynamics.com/api/data/v9.2/bots' })).rejects.toThrow(/not on a Dataverse host/);
    await expect(client(credential).request({ surface: 'dataverse', url: '/api/data/v9.2/bots' })).rejects.toThrow(/not absolute/);
    expect(credential.scopes).toEqual([]);
  });

  it('name the fix in a 403: the app is no application user of the environment', async () => {
    nock(ORG).get('/api/data/v9.2/organizations').reply(403, { error: { code: '0x80072560', message: 'The user is not a member of the organization.' } });
    await expect(client(scopedCredential()).request({ surface: 'dataverse', url: `${ORG}/api/data/v9.2/organizations` })).rejects.toMatchObject({
      status: 'unavailable',
      message: expect.stringMatching(/not an application user of this environment.*The API said: 0x80072560/),
    });
  });
});

describe('skip paging (Power Pages)', () => {
  it('follows an @odata.nextLink that carries skip=', async () => {
    const base = CLOUDS.public.baseUrls.powerPlatform;
    nock(base)
      .get('/powerpages/environments/env/websites')
      .query({ 'api-version': '2024-10-01' })
      .reply(200, { value: [{ id: 'a' }], '@odata.nextLink': `${base}/powerpages/environments/env/websites?api-version=2024-10-01&skip=1` })
      .get('/powerpages/environments/env/websites')
      .query({ 'api-version': '2024-10-01', skip: '1' })
      .reply(200, { value: [{ id: 'b' }] });
    const items = await client(scopedCredential()).paginate({ surface: 'powerPlatform', url: '/powerpages/environments/env/websites?api-version=2024-10-01' });
    expect(items).toEqual([{ id: 'a' }, { id: 'b' }]);
  });
});
