import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchRequest, parseBatchResponse, prefetchDataverse } from '../../../src/collectors/inventory/dataverse-batch.js';
import { collectorContext } from '../collector-context.js';

const ORG = 'https://contoso.api.crm4.dynamics.com';
const BOTS = `${ORG}/api/data/v9.2/bots?$select=botid`;
const ORGS = `${ORG}/api/data/v9.2/organizations?$select=isauditenabled`;
const PIPES = `${ORG}/api/data/v9.2/deploymentpipelines?$select=name`;

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

/** A batch answer as the Web API writes it. */
function answer(parts: { status: number; reason: string; body: unknown }[]): string {
  const b = 'batchresponse_1a2b';
  return (
    parts
      .map(
        (p) =>
          `--${b}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 ${p.status} ${p.reason}\r\n` +
          `Content-Type: application/json; odata.metadata=minimal\r\nOData-Version: 4.0\r\n\r\n${JSON.stringify(p.body)}\r\n`,
      )
      .join('') + `--${b}--\r\n`
  );
}

describe('Dataverse $batch', () => {
  it('writes a multipart batch of GETs and reads a multipart answer', () => {
    const request = batchRequest([BOTS, ORGS], 'batch_x');
    expect(request.contentType).toBe('multipart/mixed; boundary=batch_x');
    expect(request.text).toBe(
      `--batch_x\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET ${BOTS} HTTP/1.1\r\nAccept: application/json\r\n\r\n` +
        `--batch_x\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nGET ${ORGS} HTTP/1.1\r\nAccept: application/json\r\n\r\n--batch_x--\r\n`,
    );
    expect(parseBatchResponse(answer([{ status: 200, reason: 'OK', body: { value: [] } }, { status: 404, reason: 'Not Found', body: { error: { code: 'x' } } }]))).toEqual([
      { status: 200, body: '{"value":[]}' },
      { status: 404, body: '{"error":{"code":"x"}}' },
    ]);
    expect(() => parseBatchResponse('{"value":[]}')).toThrow(/multipart boundary/);
  });

  it('answers the sections from the batch: no request for a page read in advance, a real one for a refused part', async () => {
    nock(ORG)
      .post('/api/data/v9.2/$batch', (body: string) => body.includes(`GET ${BOTS} HTTP/1.1`) && body.includes(`GET ${PIPES} HTTP/1.1`))
      .matchHeader('content-type', /^multipart\/mixed; boundary=batch_/)
      .reply(
        200,
        answer([
          { status: 200, reason: 'OK', body: { value: [{ botid: 'b1' }] } },
          { status: 403, reason: 'Forbidden', body: { error: { code: '0x80040220', message: 'no read privilege' } } },
          { status: 404, reason: 'Not Found', body: { error: { code: '0x80060888', message: "Resource not found for the segment 'deploymentpipelines'." } } },
        ]),
        { 'Content-Type': 'multipart/mixed; boundary=batchresponse_1a2b' },
      )
      // The refused part is asked again on its own, and answers this time.
      .get('/api/data/v9.2/organizations')
      .query({ $select: 'isauditenabled' })
      .reply(200, { value: [{ isauditenabled: true }] });
    const { ctx } = collectorContext();
    const answers = await prefetchDataverse(ctx.http, ORG, [BOTS, ORGS, PIPES]);
    expect(answers.size).toBe(3);
    const http = ctx.http.withPrefetched!(answers);
    expect((await http.paginate({ surface: 'dataverse', url: BOTS })).length).toBe(1);
    expect((await http.request({ surface: 'dataverse', url: PIPES, acceptStatus: [404] })).status).toBe(404);
    expect((await http.request<{ value: unknown[] }>({ surface: 'dataverse', url: ORGS })).data.value).toEqual([{ isauditenabled: true }]);
    // The batch and the one refused part: two requests for three pages, counted on the same run.
    expect(ctx.http.stats.requests).toBe(2);
    expect(nock.isDone()).toBe(true);
  });

  it('forgets a batch refused as a whole, so each section asks and explains on its own', async () => {
    nock(ORG).post('/api/data/v9.2/$batch').reply(403, { error: { code: '0x80072560', message: 'The user is not a member of the organization.' } });
    const { ctx } = collectorContext();
    expect((await prefetchDataverse(ctx.http, ORG, [BOTS, ORGS])).size).toBe(0);
  });

  it('does not batch a single page', async () => {
    const { ctx } = collectorContext();
    expect((await prefetchDataverse(ctx.http, ORG, [BOTS])).size).toBe(0);
    expect(ctx.http.stats.requests).toBe(0);
  });
});
