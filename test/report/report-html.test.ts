/**
 * The standalone HTML report, built from real stored scans (the demo tenant capable, then
 * initial) with a hostile tenant name and reason in the store: nothing external, a strict CSP,
 * every name escaped, the embedded model intact, the levels table equal to the stored scores;
 * then opened offline in headless Chromium, where the charts must draw with no request leaving.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReportInputs } from '../../src/report/load-report.js';
import { CHARTS_SCRIPT, chartJsFile } from '../../src/dashboard/assets.js';
import {
  CONTENT_SECURITY_POLICY,
  embeddedJson,
  embeddedReportData,
  readHtmlAssets,
  renderHtml,
  type HtmlAssets,
} from '../../src/report/render-html.js';
import { buildReport, type ReportModel } from '../../src/report/report-model.js';
import { createScanReader, type StoredScan } from '../../src/store/scan-reader.js';
import { scanSimulator, shippedRuleSet } from '../support/scan-rig.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';
import { HOSTILE_NAME, HOSTILE_REASON } from './report-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = path.resolve('test/artifacts');
const haveChromium = existsSync(CHROMIUM);

let db: TestDatabase;
let stored: StoredScan;
let model: ReportModel;
let assets: HtmlAssets;
let html: string;
let hostileCapability: string;

beforeAll(async () => {
  db = await openTestDatabase();
  await scanSimulator(db, { profile: 'capable' });
  const last = (await scanSimulator(db, { profile: 'initial' })).outcome;
  await db.prisma.tenant.update({ where: { id: last.tenantId }, data: { displayName: HOSTILE_NAME } });
  const row = await db.prisma.capabilityResult.findFirstOrThrow({ where: { scanId: last.scanId, status: 'not_met' }, orderBy: { id: 'asc' } });
  hostileCapability = row.capabilityId;
  await db.prisma.capabilityResult.update({ where: { id: row.id }, data: { reason: HOSTILE_REASON } });
  const reader = createScanReader(db.prisma);
  stored = (await reader.loadScan(last.scanId))!;
  const inputs = await loadReportInputs(
    { reader, db, ruleSet: await shippedRuleSet() },
    { tenantId: last.tenantId, scanId: null, period: null, now: new Date(), judging: () => ({ targets: [{ area: 'governance', level: 500, by: '2031-12-31' }], threshold: 1 }) },
  );
  model = buildReport(inputs);
  assets = await readHtmlAssets();
  html = renderHtml(model, assets);
}, 180_000);
afterAll(async () => {
  await db?.dispose();
});

/** Fails with the place and a little context when `needle` occurs in the page (not the whole 400 kB page). */
function expectAbsent(needle: string | RegExp): void {
  const at = typeof needle === 'string' ? html.indexOf(needle) : html.search(needle);
  expect(at < 0 ? null : { at, context: html.slice(Math.max(0, at - 80), at + 80) }, String(needle)).toBeNull();
}

/** Fails with the start of the page's body, not all of it, when `needle` is not in the page. */
function expectPresent(needle: string | RegExp): void {
  const found = typeof needle === 'string' ? html.includes(needle) : needle.test(html);
  expect(found ? true : html.slice(html.indexOf('<body>'), html.indexOf('<body>') + 600), String(needle)).toBe(true);
}

/** The text of the embedded model's script element. */
function embedded(page: string): string {
  const match = /<script type="application\/json" id="ppmat-report-data">([\s\S]*?)<\/script>/.exec(page);
  if (!match) throw new Error('no #ppmat-report-data');
  return match[1]!;
}

describe('HTML report', () => {
  it('loads nothing from outside the file and declares a strict CSP', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expectPresent(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:");
    expectAbsent(/\b(?:src|href|action|formaction|poster|srcset|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expectAbsent(/@import/i);
    expectAbsent(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expectAbsent(/<(?:link|iframe|object|embed|base|img)\b/i);
    expectAbsent(/<script[^>]*\bsrc\s*=/i);
    expectAbsent('sourceMappingURL');
    // Chart.js and the dashboard's chart script are inlined.
    expectPresent('Chart.js v4');
    expectPresent('window.ppmatCharts =');
  });

  it('escapes every hostile string: it appears only as text', () => {
    expectAbsent('<script>alert(1)</script>');
    expectAbsent('"onmouseover=');
    expectAbsent("x='");
    expectAbsent('<img');
    expectAbsent('<!--');
    expectPresent('Contoso, &#34;EMEA&#34; &#60;script&#62;alert(1)&#60;/script&#62;');
    expectPresent('&#60;img src=x onerror=alert(4)&#62;');
    expectPresent(`<title>Power Platform adoption maturity: Contoso, &#34;EMEA&#34; &#60;script&#62;alert(1)&#60;/script&#62;\n&#34;onmouseover=alert(2) x=&#39;</title>`);
    // Only four script elements: the data, Chart.js, the chart script and the boot script.
    expect(html.match(/<script\b/g)).toHaveLength(4);
    expect(html.match(/<\/script>/g)).toHaveLength(4);
  });

  it('embeds the model as JSON that parses back, with nothing that could end its element', () => {
    const text = embedded(html);
    expect(text).not.toMatch(/[<>&'\u2028\u2029]/);
    expect(text).not.toContain('\\"');
    const data = JSON.parse(text) as ReportModel;
    expect(data).toEqual(JSON.parse(JSON.stringify(embeddedReportData(model))));
    const { scans, ...rest } = model;
    expect(data).toMatchObject(JSON.parse(JSON.stringify(rest)) as object);
    expect(data.scans.map((s) => s.id)).toEqual(scans.map((s) => s.id));
    expect(data.tenant.name).toBe(HOSTILE_NAME);
    expect(data.capabilities.find((c) => c.id === hostileCapability)!.reason).toBe(HOSTILE_REASON);
  });

  it.each([['a\\', '"'], ['\\"', 'x\\\\"y'], ['</script><!--', '\u2028\u2029&\'']])('keeps %j and %j intact through embeddedJson', (a, b) => {
    expect(JSON.parse(embeddedJson({ a, b, nested: [a, { b }] }))).toEqual({ a, b, nested: [a, { b }] });
  });

  it('has a levels table equal to the stored area scores, the statements per area and the roadmap, without JavaScript', () => {
    const rows = [...html.matchAll(/<tr data-area="([^"]+)"><th scope="row">([^<]*)<\/th><td class="level">(\d+)<\/td><td class="range">([^<]*)<\/td>/g)];
    expect(rows.map((r) => [r[1], Number(r[3])])).toEqual(stored.areaScores.map((a) => [a.area, a.level]));
    expect(rows.map((r) => r[4])).toEqual(stored.areaScores.map((a) => (a.maxLevel > a.level ? `${a.level}–${a.maxLevel}` : String(a.level))));
    expectPresent(/<tr data-area="governance">.*<td class="target"><span class="ahead">target 500 by 2031-12-31: \d levels? to go, \d+ days left<\/span><\/td><\/tr>/);
    for (const c of stored.capabilityResults) expectPresent(`<tr data-capability="${c.capabilityId}" class="${c.status}">`);
    expectPresent('<section id="roadmap">');
    for (const step of model.roadmap.filter((s) => s.nextLevel !== null)) expectPresent(`${step.currentLevel} → ${step.nextLevel}</h3>`);
    expectPresent('@media print');
  });

  it('fails, naming the file, when the chart script is missing', async () => {
    const missing = path.join(os.tmpdir(), 'ppmat-no-such-dir', 'charts.js');
    await expect(readHtmlAssets({ chartsScript: missing })).rejects.toMatchObject({
      code: 'PPMAT_E_REPORT_INVALID',
      message: `${missing}: --format html inlines ${missing}, and it does not exist; the other formats (md, json, csv) do not need it.`,
    });
    expect(chartJsFile()).toMatch(/chart\.js[\\/]dist[\\/]chart\.umd\.min\.js$/);
    expect(existsSync(chartJsFile())).toBe(true);
    expect(CHARTS_SCRIPT).toMatch(/src[\\/]dashboard[\\/]public[\\/]charts\.js$/);
  });
});

describe.runIf(!haveChromium && process.env.CI)('HTML report in a browser: prerequisites', () => {
  it('has Chromium', () => {
    throw new Error(`install chromium: ${CHROMIUM} is missing, and CI must open the HTML report in a browser`);
  });
});

describe.skipIf(!haveChromium)('HTML report in headless Chromium, offline', () => {
  it('draws the radar and the trends with no request leaving the file and no console error', { timeout: 60_000 }, async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-report-html-'));
    const file = path.join(dir, 'report.html');
    await writeFile(file, html, 'utf8');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
      const attempted: string[] = [];
      const requested: string[] = [];
      const errors: string[] = [];
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        if (/^(?:file|data|about):/.test(url)) await route.continue();
        else {
          attempted.push(url);
          await route.abort();
        }
      });
      const page = await context.newPage();
      page.on('request', (request) => requested.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.waitForFunction("typeof Chart !== 'undefined' && !!Chart.getChart(document.getElementById('chart-radar'))", undefined, { timeout: 15_000 });

      const radar = (await page.evaluate(`(() => {
        const chart = Chart.getChart(document.getElementById('chart-radar'));
        return { type: chart.config.type, labels: chart.data.labels, levels: chart.data.datasets[0].data, width: chart.width, height: chart.height };
      })()`)) as { type: string; labels: string[]; levels: number[]; width: number; height: number };
      expect(radar.type).toBe('radar');
      expect(radar.labels).toEqual(model.areas.map((a) => a.name));
      expect(radar.levels).toEqual(stored.areaScores.map((a) => a.level));
      expect(radar.width).toBeGreaterThan(100);
      expect(radar.height).toBeGreaterThan(100);
      expect(await page.evaluate("!!Chart.getChart(document.getElementById('chart-levels')) && !!Chart.getChart(document.getElementById('chart-adoption'))")).toBe(true);
      // The hostile name is text on the page, and no script of it ran.
      expect(await page.evaluate("document.querySelector('.tenant-name').textContent")).toBe(HOSTILE_NAME);
      expect(await page.evaluate("document.querySelectorAll('script').length")).toBe(4);
      const levels = (await page.evaluate("[...document.querySelectorAll('table.levels tr[data-area]')].map((tr) => [tr.dataset.area, Number(tr.querySelector('td.level').textContent)])")) as [string, number][];
      expect(levels).toEqual(stored.areaScores.map((a) => [a.area, a.level]));

      await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });
      expect(attempted).toEqual([]);
      expect(requested.filter((url) => !/^(?:file|data|about):/.test(url))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
