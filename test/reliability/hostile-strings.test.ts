/**
 * Hostile strings from evidence, end to end outside the browser: a tenant whose makers named
 * environments, DLP and Conditional Access policies with markup, script, attribute
 * breakouts, bidi overrides, zero-width characters, emoji, Slack mentions, Markdown links,
 * spreadsheet formulas and a 100 KB name (hostile-tenant.ts), scanned twice through the real
 * pipeline so its names reach check messages, reasons and alerts. Then:
 *
 * - `ppmat report` in each format: the HTML holds no element or attribute but the report's
 *   own and keeps its CSP; the Markdown has no raw HTML, no link and no broken table; the
 *   CSV guards every formula; the JSON keeps the values as collected.
 * - `ppmat alerts deliver` to Teams, Slack and a webhook on a local receiver: the card and the
 *   blocks escape every control of their markup, neutralize mentions, make no link from
 *   evidence, stay within each service's size limits; the e-mail's HTML holds no element
 *   but its own.
 * - The renderers given what the store cannot hold (U+0000, unpaired surrogates) and what a
 *   cap in characters misses ("Zalgo" text: one grapheme of thousands of marks).
 *
 * The browser half (the dashboard) is test/e2e/hostile-strings.e2e.test.ts.
 */
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alerts/channels/alert.js';
import { formatEmail } from '../../src/alerts/channels/email.channel.js';
import { formatSlackMessage, type SlackMessage } from '../../src/alerts/channels/slack.channel.js';
import { formatTeamsMessage, type TeamsMessage } from '../../src/alerts/channels/teams.channel.js';
import { openApp } from '../../src/cli/app.js';
import { CONTENT_SECURITY_POLICY, readHtmlAssets, renderHtml } from '../../src/report/render-html.js';
import { renderCsv } from '../../src/report/render-csv.js';
import { renderMarkdown } from '../../src/report/render-markdown.js';
import type { ReportModel } from '../../src/report/report-model.js';
import { runPpmat } from '../support/cli-harness.js';
import { recordFigures } from '../support/figures.js';
import { createEmptyServerDatabase } from '../support/test-database.js';
import { parseCsv } from '../report/report-fixtures.js';
import { scanHtml, type ScannedHtml } from './html-scan.js';
import { HOSTILE_ATTESTER, HOSTILE_TENANT_NAME, LONG_NAME, PAYLOADS, scanHostileTenant, SCANNED_PAYLOADS } from './hostile-tenant.js';

const TIMEOUT_MS = 180_000;
const PUBLIC_URL = 'https://ppmat.contoso.example';
const HOOK_SECRET = 'hostile-strings-webhook-secret';

/** One grapheme of 3,600 combining marks, thirty times: 30 characters to a grapheme counter, 108,030 code units. */
const ZALGO = ('Z' + '\u0301\u0316\u0337'.repeat(1200)).repeat(30);
/** What the store refuses, and the Zalgo text: given to the renderers directly. */
const UNSTORED = { nul: PAYLOADS.nul, loneSurrogate: PAYLOADS.loneSurrogate, zalgo: ZALGO };

/** Slack's limits (api.slack.com/reference/block-kit): refused above them, except `text`, which is cut. */
const SLACK = { text: 40_000, header: 150, section: 3_000, field: 2_000, context: 3_000, blocks: 50 };
/** Teams refuses a message above about 28 KB. */
const TEAMS_MAX_BYTES = 28 * 1024;

/** Elements a report may hold, and how many `<script>`s (the data, Chart.js, the chart script, the boot script). */
const REPORT_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'p', 'span', 'dl', 'div', 'dt', 'dd', 'main', 'section', 'figure', 'canvas', 'figcaption', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'ol', 'li', 'strong', 'b', 'br', 'code', 'article', 'footer', 'script']);
const REPORT_SCRIPTS = 4;
/** Attributes that load, link or run something. */
const ACTIVE_ATTRIBUTE = /^(on|src$|srcset$|href$|xlink:href$|action$|formaction$|srcdoc$|data$|poster$|background$|style$)/;

/** The broken expectations of the running test (it fails at its end, listing them all), and of the file. */
let problems: string[] = [];
const allProblems: string[] = [];
let outputsChecked = 0;
function check(ok: boolean, what: string): void {
  if (ok) return;
  problems.push(what);
  allProblems.push(what);
}
beforeEach(() => {
  problems = [];
});

describe('hostile strings from evidence', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let dropDatabase: (() => Promise<void>) | undefined;
  let receiver: Server;
  const received: { path: string; body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const reports: Record<'html' | 'md' | 'csv' | 'json', string> = { html: '', md: '', csv: '', json: '' };

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: request.headers });
        response.writeHead(request.url === '/teams' ? 202 : 200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const port = (receiver.address() as AddressInfo).port;

    dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-hostile-'));
    const database = await createEmptyServerDatabase();
    dropDatabase = database?.drop;
    env = { PPMAT_DATA_DIR: path.join(dir, 'data'), PPMAT_LOG_LEVEL: 'silent', PPMAT_TEST_HOOK_SECRET: HOOK_SECRET, ...(database ? { DATABASE_URL: database.url } : {}) };
    await writeFile(
      path.join(dir, 'ppmat.yaml'),
      [
        'alerts:',
        `  publicUrl: ${PUBLIC_URL}`,
        '  channels:',
        `    - { name: teams, type: teams, url: "http://127.0.0.1:${port}/teams", minSeverity: info }`,
        `    - { name: slack, type: slack, url: "http://127.0.0.1:${port}/slack", minSeverity: info }`,
        `    - { name: hook, type: webhook, url: "http://127.0.0.1:${port}/hook", secret: "env:PPMAT_TEST_HOOK_SECRET", minSeverity: info }`,
      ].join('\n'),
    );
    const app = await openApp({ cwd: dir, env, logToTerminal: false, defaultLogLevel: 'silent' });
    try {
      const { outcomes } = await scanHostileTenant(app);
      expect(outcomes.map((o) => o.status)).toEqual(['succeeded', 'succeeded']);
    } finally {
      await app.close();
    }

    const delivered = await runPpmat(['alerts', 'deliver'], { env, cwd: dir });
    expect(delivered.code, delivered.stderr).toBe(0);
    for (const format of ['html', 'md', 'csv', 'json'] as const) {
      const file = path.join(dir, `report.${format}`);
      const result = await runPpmat(['report', '--demo', '--format', format, '--output', file], { env, cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      reports[format] = await readFile(file, 'utf8');
    }
  }, TIMEOUT_MS);

  afterAll(async () => {
    receiver?.close();
    await dropDatabase?.();
    if (dir) await rm(dir, { recursive: true, force: true });
    await recordFigures('hostile-strings', {
      title: 'Hostile strings from evidence: reports and alert messages (the dashboard: hostile-strings.e2e)',
      figures: { payloads: Object.keys(PAYLOADS).length + 2, 'outputs checked': outputsChecked, unescaped: allProblems.length },
      lines: allProblems.slice(0, 20),
    });
  });

  describe('ppmat report', () => {
    it('HTML: no element or attribute but the report’s own, the CSP first in <head>, every payload shown as text', () => {
      const html = reports.html;
      const scanned = scanHtml(html);
      outputsChecked += 1;
      checkReportHtml(scanned, 'the HTML report');
      // The payloads that reached the report show literally (the long name and the tenant's, at least).
      for (const payload of [HOSTILE_TENANT_NAME.replace('\u202E', '<U+202E>'), PAYLOADS.script, PAYLOADS.attributeBreakout]) {
        check(scanned.text.includes(payload), `the HTML report does not show ${JSON.stringify(payload.slice(0, 60))} as text`);
      }
      if (reports.json.includes(LONG_NAME)) check(scanned.text.includes(LONG_NAME), 'the HTML report does not show the 100 KB name whole');
      check(!/[\u202A-\u202E\u2066-\u2069]/.test(scanned.text), 'the HTML report shows a raw bidi control (the text would read reordered)');
      // The embedded model parses back with the names as stored.
      const data = JSON.parse(scanned.rawText.find((r) => r.element === 'script')!.content) as ReportModel;
      check(data.tenant.name === HOSTILE_TENANT_NAME, 'the embedded model does not hold the tenant name as stored');
      expect(problems).toEqual([]);
    });

    it('Markdown: no raw HTML, no link or image from evidence, tables keep their columns, no line broken by a name', () => {
      outputsChecked += 1;
      checkMarkdown(reports.md, 'the Markdown report');
      check(reports.md.includes('\\[Reset your password\\](javascript:alert(1))'), 'the Markdown link payload is not shown escaped');
      check(reports.md.includes('&lt;script&gt;'), 'the script payload is not shown escaped');
      expect(problems).toEqual([]);
    });

    it('CSV: no cell a spreadsheet would run as a formula; the names kept, behind an apostrophe', () => {
      outputsChecked += 1;
      const rows = parseCsv(reports.csv.replace(/^\uFEFF/, ''));
      const header = rows[0]!;
      checkCsvCells(rows, 'the CSV report');
      const tenantNames = new Set(rows.slice(1).map((r) => r[header.indexOf('tenant_name')]));
      check(tenantNames.size === 1 && tenantNames.has(`'${HOSTILE_TENANT_NAME}`), `the tenant name is not kept behind an apostrophe: ${[...tenantNames].join(' | ').slice(0, 120)}`);
      const attesters = new Set(rows.slice(1).map((r) => r[header.indexOf('attested_by')]).filter(Boolean));
      check(attesters.has(`'${HOSTILE_ATTESTER}`), 'the hostile attester is not kept behind an apostrophe');
      expect(problems).toEqual([]);
    });

    it('JSON: the values as collected (escaping is the reader’s job), valid JSON', () => {
      outputsChecked += 1;
      const model = JSON.parse(reports.json) as ReportModel;
      expect(model.tenant.name).toBe(HOSTILE_TENANT_NAME);
      expect(reports.json).toContain(JSON.stringify(PAYLOADS.script).slice(1, -1));
    });

    it('HTML and Markdown rendered with what the store refuses and with Zalgo text: still no markup, no NUL', async () => {
      const model = JSON.parse(reports.json) as ReportModel;
      const assets = await readHtmlAssets();
      for (const [name, value] of Object.entries(UNSTORED)) {
        const hostile: ReportModel = { ...model, tenant: { ...model.tenant, name: `${value} ${PAYLOADS.script}` }, notes: [...model.notes, `${value} ${PAYLOADS.attributeBreakout}`] };
        const html = renderHtml(hostile, assets);
        outputsChecked += 3;
        checkReportHtml(scanHtml(html), `the HTML report with ${name}`);
        checkMarkdown(renderMarkdown(hostile), `the Markdown report with ${name}`);
        checkCsvCells(parseCsv(renderCsv(hostile).replace(/^\uFEFF/, '')), `the CSV report with ${name}`);
      }
      expect(problems).toEqual([]);
    });
  });

  describe('ppmat alerts deliver', () => {
    const bodiesOf = (channel: string) => received.filter((r) => r.path === `/${channel}`).map((r) => r.body);

    it('delivered each alert to Teams, Slack and the webhook, and the alerts carry the hostile names', () => {
      for (const channel of ['teams', 'slack', 'hook']) expect(bodiesOf(channel).length, channel).toBeGreaterThan(0);
      const alerts = bodiesOf('hook').map((body) => JSON.parse(body) as Alert);
      const everything = JSON.stringify(alerts);
      // The webhook sends the alert as data: the names as collected.
      expect(alerts.some((a) => a.tenant.displayName === HOSTILE_TENANT_NAME)).toBe(true);
      for (const payload of [PAYLOADS.script, PAYLOADS.attributeBreakout, PAYLOADS.markdown]) expect(everything).toContain(JSON.stringify(payload).slice(1, -1));
      for (const r of received.filter((x) => x.path === '/hook')) expect(r.headers['x-ppmat-signature']).toBeDefined();
    });

    it('Teams: every Markdown control escaped, no link but the scan’s, no HTML, no bidi or invisible character, under 28 KB', () => {
      for (const body of bodiesOf('teams')) {
        outputsChecked += 1;
        checkTeams(JSON.parse(body) as TeamsMessage, Buffer.byteLength(body), 'the delivered Teams card');
      }
      const texts = bodiesOf('teams').join('\n');
      check(texts.includes('\\\\<script\\\\>'), 'the Teams card does not show the script payload escaped');
      expect(problems).toEqual([]);
    });

    it('Slack: &, < and > as entities, mentions neutralized, verbatim text, within every Block Kit limit', () => {
      for (const body of bodiesOf('slack')) {
        outputsChecked += 1;
        checkSlack(JSON.parse(body) as SlackMessage, 'the delivered Slack message');
      }
      const texts = bodiesOf('slack').join('\n');
      check(texts.includes('&lt;!channel&gt;'), 'the Slack message does not show <!channel> as text');
      expect(problems).toEqual([]);
    });

    it('e-mail: the HTML part holds no element but its own, the subject no line break', () => {
      for (const body of bodiesOf('hook')) {
        outputsChecked += 1;
        checkEmail(formatEmail(JSON.parse(body) as Alert, { from: 'ppmat@contoso.example', to: ['coe@contoso.example'] }), 'the e-mail');
      }
      expect(problems).toEqual([]);
    });

    it('every channel, given what the store refuses and Zalgo text in every field: escaped, and within its limits', () => {
      const base = JSON.parse(bodiesOf('hook')[0]!) as Alert;
      for (const [name, value] of Object.entries(UNSTORED)) {
        const hostile = `${value} ${SCANNED_PAYLOADS.join(' ')} ${LONG_NAME}`;
        const alert: Alert = {
          ...base,
          id: hostile,
          title: hostile,
          summary: hostile,
          occurredAt: hostile,
          tenant: { id: hostile, displayName: hostile },
          changes: Array.from({ length: 25 }, () => ({ label: hostile, before: hostile, after: hostile, evidence: hostile })),
        };
        const teams = formatTeamsMessage(alert);
        const slack = formatSlackMessage(alert);
        outputsChecked += 3;
        checkTeams(teams, Buffer.byteLength(JSON.stringify(teams)), `the Teams card with ${name}`);
        checkSlack(slack, `the Slack message with ${name}`);
        checkEmail(formatEmail(alert, { from: 'ppmat@contoso.example', to: ['coe@contoso.example'] }), `the e-mail with ${name}`);
        for (const text of [JSON.stringify(teams), JSON.stringify(slack)]) {
          check(!text.includes('\\u0000') && !/\\ud[89a-f][0-9a-f]{2}/i.test(text), `a message with ${name} carries U+0000 or an unpaired surrogate`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
});

/** The report's HTML: its own elements only, four scripts, the CSP first, no active attribute. */
function checkReportHtml(scanned: ScannedHtml, where: string): void {
  const names = scanned.elements.map((e) => e.name);
  for (const name of new Set(names)) check(REPORT_ELEMENTS.has(name), `${where} holds a <${name}> element`);
  check(names.filter((n) => n === 'script').length === REPORT_SCRIPTS, `${where} holds ${names.filter((n) => n === 'script').length} scripts, not ${REPORT_SCRIPTS}`);
  for (const element of scanned.elements) {
    for (const [attribute, value] of element.attributes) {
      check(!ACTIVE_ATTRIBUTE.test(attribute), `${where}: <${element.name}> has the attribute ${attribute}`);
      check(!/javascript:|__ppmatPwned/i.test(value), `${where}: <${element.name} ${attribute}> holds ${value.slice(0, 80)}`);
    }
  }
  const metas = scanned.elements.filter((e) => e.name === 'meta');
  const csp = metas.filter((m) => m.attributes.some(([a, v]) => a === 'http-equiv' && v.toLowerCase() === 'content-security-policy'));
  check(csp.length === 1 && csp[0]!.attributes.find(([a]) => a === 'content')?.[1] === CONTENT_SECURITY_POLICY, `${where} lost its CSP meta`);
  check(csp.length > 0 && scanned.elements.indexOf(csp[0]!) < names.indexOf('style') && names.indexOf('style') < names.indexOf('script'), `${where}: the CSP is not before the style and the scripts`);
  // The embedded model: no `<` that could end its element.
  const data = scanned.rawText.find((r) => r.element === 'script');
  check(data !== undefined && !data.content.includes('<'), `${where}: a < in the embedded model`);
}

/** Markdown: no HTML but autolinks, no link or image syntax unescaped, tables with a constant column count, no NUL. */
function checkMarkdown(md: string, where: string): void {
  check(!/<(?!https?:\/\/[^\s<>]+>)/.test(md), `${where} holds raw HTML: ${/<(?!https?:\/\/[^\s<>]+>).{0,40}/.exec(md)?.[0]}`);
  check(!/(^|[^\\])\]\(/.test(md), `${where} holds a link or image: ${/(^|[^\\])\]\(.{0,40}/.exec(md)?.[0]}`);
  check(!md.includes('\u0000') && !/[\u202A-\u202E\u2066-\u2069]/.test(md), `${where} holds U+0000 or a raw bidi control`);
  check(!md.includes('javascript:alert(1))') || md.includes('\\](javascript:alert(1))'), `${where}: the javascript: link is not escaped`);
  // Tables: every row of a table has as many unescaped pipes as its header.
  let columns: number | null = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      columns = null;
      continue;
    }
    const pipes = (line.match(/(^|[^\\])\|/g) ?? []).length;
    if (columns === null) columns = pipes;
    else check(pipes === columns, `${where}: a table row has ${pipes} columns, not ${columns}: ${line.slice(0, 120)}`);
  }
  // A name's line break never splits a line: the payload's two halves stay on one line.
  for (const line of md.split('\n').filter((l) => l.includes('First line'))) check(line.includes('Second'), `${where}: a name broke a line`);
}

function checkCsvCells(rows: string[][], where: string): void {
  for (const row of rows) {
    for (const cell of row) check(!/^[=+\-@\t\r]/.test(cell), `${where}: the cell ${JSON.stringify(cell.slice(0, 60))} would run as a formula`);
  }
}

/** Every text of an Adaptive Card: TextBlocks and Facts. */
function cardTexts(elements: unknown[]): string[] {
  const out: string[] = [];
  for (const element of elements as Record<string, unknown>[]) {
    if (typeof element.text === 'string') out.push(element.text);
    for (const fact of (element.facts as { title: string; value: string }[] | undefined) ?? []) out.push(fact.title, fact.value);
    if (Array.isArray(element.items)) out.push(...cardTexts(element.items));
  }
  return out;
}

/** Whether every `char` in `text` is escaped by an odd number of backslashes. */
function allEscaped(text: string, char: string): boolean {
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) {
    let slashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j -= 1) slashes += 1;
    if (slashes % 2 === 0) return false;
  }
  return true;
}

function checkTeams(message: TeamsMessage, bytes: number, where: string): void {
  check(bytes <= TEAMS_MAX_BYTES, `${where} weighs ${bytes} bytes, above Teams' ${TEAMS_MAX_BYTES}`);
  const card = message.attachments[0]!.content;
  for (const text of cardTexts(card.body)) {
    for (const char of ['[', ']', '*', '_', '<', '>', '`', '~']) check(allEscaped(text, char), `${where}: an unescaped ${char} in ${JSON.stringify(text.slice(0, 80))}`);
    check(!/[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/u.test(text), `${where}: a control, bidi or invisible character in ${JSON.stringify(text.slice(0, 60))}`);
    check(!/&(#\d+|#x[0-9a-f]+|[a-z]+);/i.test(text.replace(/\\&/g, '')), `${where}: an entity Teams would decode in ${JSON.stringify(text.slice(0, 60))}`);
  }
  // The only link is the scan's, as an action: none is made from evidence.
  for (const action of card.actions ?? []) check(action.type === 'Action.OpenUrl' && String(action.url).startsWith(`${PUBLIC_URL}/`), `${where}: an action to ${String(action.url).slice(0, 80)}`);
  check(!JSON.stringify(card.body).includes('"url"') && !JSON.stringify(card.body).includes('selectAction'), `${where}: a link in the card's body`);
}

function checkSlack(message: SlackMessage, where: string): void {
  check(message.text.length <= SLACK.text, `${where}: text of ${message.text.length} characters`);
  check(message.blocks.length <= SLACK.blocks, `${where}: ${message.blocks.length} blocks`);
  const mrkdwn: string[] = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'header') {
      check(block.text.text.length <= SLACK.header, `${where}: a header of ${block.text.text.length} characters`);
      check(block.text.type === 'plain_text', `${where}: a header that is not plain text`);
    } else if (block.type === 'section' && 'text' in block) {
      check(block.text.text.length <= SLACK.section, `${where}: a section of ${block.text.text.length} characters`);
      check(block.text.verbatim === true, `${where}: a section that is not verbatim`);
      mrkdwn.push(block.text.text);
    } else if (block.type === 'section') {
      for (const field of block.fields) {
        check(field.text.length <= SLACK.field, `${where}: a field of ${field.text.length} characters`);
        check(field.verbatim === true, `${where}: a field that is not verbatim`);
        mrkdwn.push(field.text);
      }
    } else if (block.type === 'context') {
      for (const element of block.elements) {
        check(element.text.length <= SLACK.context, `${where}: a context of ${element.text.length} characters`);
        mrkdwn.push(element.text);
      }
    }
  }
  check(message.unfurl_links === false && message.unfurl_media === false, `${where} unfurls links`);
  for (const text of mrkdwn) {
    const withoutOwnLink = text.replace(new RegExp(`<${PUBLIC_URL.replace(/\./g, '\\.')}/[^|>]*\\|Open the scan>`), '');
    check(!/[<>]/.test(withoutOwnLink), `${where}: a raw < or > (a mention or link) in ${JSON.stringify(withoutOwnLink.slice(0, 80))}`);
    check(!/&(?!amp;|lt;|gt;)/.test(withoutOwnLink), `${where}: a raw & in ${JSON.stringify(withoutOwnLink.slice(0, 80))}`);
    // Line feeds are the message's own (between a change's lines); any other control is not.
    check(!/(?!\n)[\p{Cc}\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/u.test(text), `${where}: a control, bidi or invisible character`);
  }
}

function checkEmail(email: ReturnType<typeof formatEmail>, where: string): void {
  check(!/[\r\n]/.test(email.subject), `${where}: a line break in the subject`);
  check(email.subject.length <= 1_000, `${where}: a subject of ${email.subject.length} characters`);
  const scanned = scanHtml(email.html);
  const allowed = new Set(['html', 'body', 'h2', 'h3', 'p', 'table', 'tr', 'th', 'td', 'ul', 'li', 'strong', 'br', 'span', 'a']);
  for (const element of scanned.elements) {
    check(allowed.has(element.name), `${where}: a <${element.name}> element`);
    for (const [attribute, value] of element.attributes) {
      check(!/^on/.test(attribute), `${where}: <${element.name}> has ${attribute}`);
      if (attribute === 'href') check(value.startsWith(`${PUBLIC_URL}/`), `${where}: a link to ${value.slice(0, 80)}`);
    }
  }
  check(scanned.elements.filter((e) => e.name === 'a').length <= 1, `${where}: more links than the scan's`);
}
