/**
 * The dashboard end to end: the real server over two demo scans, driven in headless Chromium
 * under its strict CSP. Signs in with a `#token=` link, checks the radar and the levels table
 * against the API, walks the maturity grid by keyboard, opens a capability and its evidence,
 * then records an attestation as an attester and reads it back through the API.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiRig } from '../support/api-rig.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ARTIFACTS = path.resolve('test/artifacts');
const TIMEOUT_MS = 60_000;
const STATUSES = ['met', 'indicated', 'not_met', 'unknown'];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI) console.warn(`dashboard e2e skipped: ${CHROMIUM} is missing (install chromium to run it)`);

type Rig = Awaited<ReturnType<typeof startApiRig>>;
interface ModelCapability { id: string; floor: boolean }
interface AreaView { area: string; name: string; level: number; maxLevel: number }
interface EvidenceView { key: string; status: string; bytes: number | null; content?: unknown }
interface AttestationRecord { capabilityId: string; outcome: string; statement: string; evidenceUrl: string | null; attestedBy: string; expiresAt: string }

/**
 * What runs in the page is written as source text: this project compiles without the DOM
 * library, and the page's globals are not Node's.
 */
const IN_PAGE = {
  recordCsp: `window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ': ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`,
  cspViolations: 'window.__csp',
  storedToken: "sessionStorage.getItem('ppmat.token')",
  radarLabels: "(() => { const c = document.querySelector('canvas#radar'); const chart = c && Chart.getChart(c); return chart ? chart.data.labels.length : 0; })()",
  radarAnimation: "Chart.getChart(document.getElementById('radar')).options.animation",
  chartOn: (id: string) => `Boolean(Chart.getChart(document.getElementById(${JSON.stringify(id)})))`,
  focusedCapability: "(document.activeElement?.getAttribute('data-capability') ?? null)",
  focusedTag: 'document.activeElement?.tagName',
  focusedOutline: 'getComputedStyle(document.activeElement).outlineStyle',
  focusedMatches: (selector: string) => `Boolean(document.activeElement?.matches(${JSON.stringify(selector)}))`,
  jsonShown: (selector: string) =>
    `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return Boolean(el && !el.hasAttribute('aria-busy') && el.textContent.trim().length > 1 && el.textContent !== 'Loading…'); })()`,
};

describe.runIf(!haveChromium && process.env.CI)('dashboard e2e prerequisites', () => {
  it('has Chromium', () => {
    throw new Error(`install chromium: ${CHROMIUM} is missing, and CI must run the dashboard end-to-end test`);
  });
});

describe.skipIf(!haveChromium)('dashboard end to end', () => {
  let rig: Rig;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let scanId: number;
  let chosen: { id: string; evidenceKey: string };
  const pageErrors: string[] = [];
  /** Answers of 400 and above, to say why a page did not appear. */
  const failedRequests: string[] = [];
  /** Each step needs the ones before it: after a failure the rest are skipped, not timed out one by one. */
  let broken = false;
  const step = (name: string, body: () => Promise<void>) =>
    it(name, async (ctx) => {
      if (broken) ctx.skip();
      try {
        await body();
      } catch (error) {
        broken = true;
        throw error;
      }
    }, TIMEOUT_MS);

  /** The API's answer, typed by the caller (the rig returns unknown). */
  const get = <T>(pathAndQuery: string, token = rig.tokens.viewer) => rig.apiGet(pathAndQuery, token) as Promise<T>;
  const screenshot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: false });
  const view = (name: string) =>
    page.waitForSelector(`main [data-view="${name}"]`, { timeout: 20_000 }).catch((error: Error) => {
      throw new Error(`the ${name} view did not appear (${error.message.split('\n')[0]}); failed requests: ${failedRequests.join(', ') || 'none'}; page errors: ${pageErrors.join(', ') || 'none'}`);
    });
  /** Presses Tab until `predicate` holds for the focused element, or gives up after `max` presses. */
  async function tabUntil(predicate: string, max: number): Promise<boolean> {
    for (let i = 0; i < max; i += 1) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(predicate)) return true;
    }
    return false;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rig = await startApiRig();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, reducedMotion: 'reduce' });
    page = await context.newPage();
    // CSP violations are not page errors: record them (an init script runs outside the page's CSP).
    await page.addInitScript(IN_PAGE.recordCsp);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) failedRequests.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`);
    });

    const { tenants } = await get<{ tenants: { id: string; lastResultScanId: number }[] }>('/api/tenants');
    tenantId = tenants[0]!.id;
    scanId = tenants[0]!.lastResultScanId;
  }, TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  step('signs in from a #token= link, draws the radar and shows the levels of the last scan', async () => {
    await page.goto(`${rig.url}/#token=${encodeURIComponent(rig.tokens.viewer)}`);
    await view('overview');
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(IN_PAGE.storedToken)).toBe(rig.tokens.viewer);

    const me = await get<{ principal: { name: string } }>('/api/me');
    await expect.poll(() => page.textContent('#user')).toContain(me.principal.name);
    expect(await page.textContent('#user')).toContain('viewer');

    await page.waitForFunction(`${IN_PAGE.radarLabels} === 9`);
    for (const id of ['level-trends', 'adoption-trends']) expect(await page.evaluate(IN_PAGE.chartOn(id))).toBe(true);
    // The context asks for reduced motion: nothing animates.
    expect(await page.evaluate(IN_PAGE.radarAnimation)).toBe(false);

    const { areas } = await get<{ areas: AreaView[] }>(`/api/scans/${scanId}`);
    const rows = await page.$$eval('#levels-table tbody tr[data-area]', (trs) =>
      trs.map((tr) => ({
        area: tr.getAttribute('data-area'),
        name: tr.querySelector('th')?.textContent,
        level: Number(tr.querySelector('[data-cell="level"]')?.textContent),
        maxLevel: Number(tr.querySelector('[data-cell="maxLevel"]')?.textContent),
      })),
    );
    expect(rows).toEqual(areas.map((a) => ({ area: a.area, name: a.name, level: a.level, maxLevel: a.maxLevel })));
    expect(rows).toHaveLength(9);
    await screenshot('dashboard-overview.png');
  });

  step('shows every scored statement of the model in the grid with its status, each reachable by Tab', async () => {
    await page.click('nav.subnav a:text("Maturity grid")');
    await view('grid');
    const model = await get<{ capabilities: ModelCapability[] }>('/api/model');
    const { capabilities } = await get<{ capabilities: { id: string; status: string }[] }>(`/api/scans/${scanId}/capabilities`);
    const status = new Map(capabilities.map((c) => [c.id, c.status]));
    const scored = model.capabilities.filter((c) => !c.floor);

    const cells = await page.$$eval('#maturity-grid a[data-capability]', (links) =>
      links.map((a) => ({ id: a.getAttribute('data-capability'), status: a.getAttribute('data-status'), text: a.textContent ?? '', tabIndex: Number(a.getAttribute('tabindex') ?? 0) })),
    );
    expect(cells.map((c) => c.id).sort()).toEqual(scored.map((c) => c.id).sort());
    for (const cell of cells) {
      expect(STATUSES).toContain(cell.status);
      expect(cell.status).toBe(status.get(cell.id!) ?? 'unknown');
      expect(cell.text).toMatch(/Met|Indicated|Not met|Unknown/);
      expect(cell.tabIndex).toBeGreaterThanOrEqual(0);
    }
    await screenshot('dashboard-grid.png');

    // Keyboard only: from the page's heading, Tab reaches every statement of the grid.
    await page.focus('main h1');
    const reached = new Set<string>();
    for (let i = 0; i < cells.length + 60 && reached.size < cells.length; i += 1) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate<string | null>(IN_PAGE.focusedCapability);
      if (id) reached.add(id);
    }
    expect([...reached].sort()).toEqual(cells.map((c) => c.id).sort());
    // And focus can be seen.
    const outline = await page.evaluate<string>(IN_PAGE.focusedOutline);
    expect(outline).not.toBe('none');

    // A statement whose evidence was collected, for the next step.
    for (const cell of cells) {
      const detail = await get<{ evidence: EvidenceView[] }>(`/api/scans/${scanId}/capabilities/${encodeURIComponent(cell.id!)}`);
      const evidence = detail.evidence.find((e) => e.status === 'ok' && (e.bytes ?? 0) < 100_000);
      if (evidence) {
        chosen = { id: cell.id!, evidenceKey: evidence.key };
        break;
      }
    }
    expect(chosen).toBeDefined();
  });

  step('opens a statement by keyboard and shows its evidence JSON; a viewer gets no attestation form', async () => {
    await page.focus('main h1');
    const found = await tabUntil(`${IN_PAGE.focusedCapability} === ${JSON.stringify(chosen.id)}`, 400);
    expect(found).toBe(true);
    await page.keyboard.press('Enter');
    await view('capability');
    expect(await page.getAttribute('main [data-view="capability"]', 'data-capability')).toBe(chosen.id);
    expect(await page.evaluate(IN_PAGE.focusedTag)).toBe('H1');

    const summary = `details[data-evidence="${chosen.evidenceKey}"] > summary`;
    const onSummary = await tabUntil(IN_PAGE.focusedMatches(summary), 200);
    expect(onSummary).toBe(true);
    await page.keyboard.press('Enter');
    const pre = `pre[data-evidence-json="${chosen.evidenceKey}"]`;
    await page.waitForFunction(IN_PAGE.jsonShown(pre));
    const shown: unknown = JSON.parse((await page.textContent(pre))!);
    const stored = await get<EvidenceView>(`/api/scans/${scanId}/evidence/${encodeURIComponent(chosen.evidenceKey)}`);
    expect(shown).toEqual(stored.content);

    expect(await page.locator('form[data-form="attestation"]').count()).toBe(0);
    expect(await page.locator('[data-no-attest-form]').isVisible()).toBe(true);
    await screenshot('dashboard-capability.png');
  });

  step('lets an attester record an attestation, shows the server validation message, and records who attested', async () => {
    await page.click('#sign-out');
    await view('signin');
    await page.fill('#token-input', rig.tokens.attester);
    await page.press('#token-input', 'Enter');
    await view('capability');
    const attester = (await get<{ principal: { name: string } }>('/api/me', rig.tokens.attester)).principal;
    await expect.poll(() => page.textContent('#user')).toContain(attester.name);
    expect(await page.getAttribute('main [data-view="capability"]', 'data-capability')).toBe(chosen.id);

    // Only blanks: the browser lets it through, the server refuses it and says why.
    await page.fill('#attest-statement', '   ');
    await page.click('form[data-form="attestation"] button[type="submit"]');
    await page.waitForSelector('#attest-error:not([hidden])');
    expect((await page.textContent('#attest-error'))!.length).toBeGreaterThan(5);
    expect(await page.getAttribute('#attest-statement', 'aria-invalid')).toBe('true');

    // Markup and a right-to-left override in what people type stay text (the override is shown as <U+202E>).
    const statement = 'The CoE reviewed this on the quarterly board <b>2025-Q4</b>; minutes: \u202Excod.setunim';
    const evidenceUrl = 'https://contoso.sharepoint.com/sites/coe/minutes-2025-q4.docx';
    const expires = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
    await page.check('input[name="outcome"][value="met"]');
    await page.fill('#attest-statement', statement);
    await page.fill('#attest-url', evidenceUrl);
    await page.fill('#attest-expires', expires);
    await page.click('form[data-form="attestation"] button[type="submit"]');
    await page.waitForSelector('#attest-done:not([hidden])');
    const done = (await page.textContent('#attest-done'))!;
    expect(done).toContain('Attestation saved');
    expect(done).toContain('next scan');
    expect(done).toContain(attester.name);
    const current = (await page.textContent('#attestation-current'))!;
    expect(current).toContain(attester.name);
    expect(current).toContain('<b>2025-Q4</b>; minutes: <U+202E>xcod.setunim');
    expect(await page.locator('#attestation-current b').count()).toBe(0);
    await screenshot('dashboard-attested.png');

    const { attestations } = await get<{ attestations: AttestationRecord[] }>(
      `/api/tenants/${encodeURIComponent(tenantId)}/attestations/history?capabilityId=${encodeURIComponent(chosen.id)}`,
      rig.tokens.admin,
    );
    expect(attestations[0]).toMatchObject({ capabilityId: chosen.id, outcome: 'met', statement, evidenceUrl, attestedBy: attester.name });
    expect(attestations[0]!.expiresAt.slice(0, 10)).toBe(expires);
  });

  it('ran without a script error or a CSP violation', async () => {
    expect(pageErrors).toEqual([]);
    expect(await page.evaluate(IN_PAGE.cspViolations)).toEqual([]);
  });
});
