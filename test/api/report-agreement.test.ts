/**
 * The offline HTML report and the API tell the same levels: for each stored scan, the
 * report's levels table (visible without JavaScript) and its embedded data equal what
 * `GET /api/scans/:id` answers.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tenantJudging } from '../../src/cli/tenant-targets.js';
import { loadReportInputs } from '../../src/report/load-report.js';
import { readHtmlAssets, renderHtml } from '../../src/report/render-html.js';
import { buildReport } from '../../src/report/report-model.js';
import { openApiRig, type ApiRig } from '../support/api-rig.js';

let rig: ApiRig;
beforeAll(async () => {
  rig = await openApiRig();
}, 180_000);
afterAll(async () => rig?.close());

function tableLevels(html: string): Record<string, number> {
  const rows = [...html.matchAll(/<tr data-area="([^"]+)">.*?<td class="level">(\d{3})<\/td>/g)];
  return Object.fromEntries(rows.map(([, area, level]) => [area!, Number(level)]));
}

it.each([0, 1])('scan %i: the HTML report shows the levels the API answers', async (index) => {
  const scanId = rig.scanIds[index]!;
  const api = await rig.server.inject({ url: `/api/scans/${scanId}`, headers: rig.auth('viewer') });
  const apiLevels = Object.fromEntries(api.json().areas.map((a: { area: string; level: number }) => [a.area, a.level]));
  expect(Object.keys(apiLevels)).toHaveLength(9);

  const inputs = await loadReportInputs(rig.app, {
    tenantId: rig.tenantId,
    scanId,
    period: null,
    now: new Date(),
    judging: () => ({ targets: rig.app.config.demo.targets, threshold: tenantJudging(rig.app.config, null).scoring.threshold ?? 1 }),
  });
  const html = renderHtml(buildReport(inputs), await readHtmlAssets());
  expect(tableLevels(html)).toEqual(apiLevels);
  const embedded = JSON.parse(html.match(/<script type="application\/json" id="ppmat-report-data">([\s\S]*?)<\/script>/)![1]!);
  expect(Object.fromEntries(embedded.areas.map((a: { area: string; level: number }) => [a.area, a.level]))).toEqual(apiLevels);
});
