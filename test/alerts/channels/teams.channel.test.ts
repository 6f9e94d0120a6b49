import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTeamsChannel, formatTeamsMessage, TEAMS_MAX_BYTES, TEAMS_MAX_CHANGES } from '../../../src/alerts/channels/teams.channel.js';
import { HOSTILE, hostileAlert, SCAN_URL, sampleAlert } from './alert-fixtures.js';

const ORIGIN = 'https://default0c0de.00.environment.api.powerplatform.com';
const PATH = '/powerautomate/automations/direct/workflows/5f1e/triggers/manual/paths/invoke';
const QUERY = 'api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=TeamsSig-s3cr3t';
const URL_ = `${ORIGIN}${PATH}?${QUERY}`;

/** Every string a Teams client renders as Markdown: TextBlock text and Fact titles and values. */
function renderedTexts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(renderedTexts);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  const own = [record.type === 'TextBlock' ? record.text : undefined, record.title, record.value].filter((v): v is string => typeof v === 'string');
  return [...own, ...Object.entries(record).filter(([key]) => key !== 'url').flatMap(([, value]) => renderedTexts(value))];
}

describe('formatTeamsMessage', () => {
  it('builds a Workflows message with one Adaptive Card 1.4 and a link to the scan', () => {
    expect(formatTeamsMessage(sampleAlert())).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'Container',
                style: 'attention',
                bleed: true,
                items: [
                  { type: 'TextBlock', text: 'DLP coverage regressed', size: 'Large', weight: 'Bolder', wrap: true },
                  { type: 'TextBlock', text: 'One production environment is no longer covered by a DLP policy.', wrap: true },
                ],
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Tenant', value: 'Contoso (00000000-0000-0000-0000-00000000c0de)' },
                  { title: 'Severity', value: 'Critical' },
                  { title: 'Detected', value: '2026-03-02T02:00:00.000Z' },
                  { title: 'Alert', value: 'alert-dlp-coverage-finance' },
                ],
              },
              {
                type: 'TextBlock',
                text: "DLP policy 'Contoso default' no longer covers environment 'Finance Prod'",
                weight: 'Bolder',
                wrap: true,
                separator: true,
                spacing: 'Medium',
              },
              {
                type: 'FactSet',
                facts: [
                  { title: 'Before', value: 'covered' },
                  { title: 'After', value: 'not covered' },
                  { title: 'Evidence', value: 'security.dlp-covers-production' },
                ],
              },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open the scan', url: SCAN_URL }],
            msteams: { width: 'Full' },
          },
        },
      ],
    });
  });

  it.each([
    ['warning', 'raised', 'warning', 'DLP coverage regressed'],
    ['info', 'reminder', 'accent', 'Reminder: DLP coverage regressed'],
    ['critical', 'resolved', 'good', 'Resolved: DLP coverage regressed'],
  ] as const)('styles a %s %s alert as %s', (severity, kind, style, title) => {
    const container = formatTeamsMessage(sampleAlert({ severity, kind })).attachments[0]!.content.body[0]!;
    expect(container.style).toBe(style);
    expect((container.items as { text: string }[])[0]!.text).toBe(title);
  });

  it('has no action without a scan URL, nor for a scan URL that is not http(s)', () => {
    expect(formatTeamsMessage(sampleAlert({ scanUrl: undefined })).attachments[0]!.content).not.toHaveProperty('actions');
    expect(formatTeamsMessage(sampleAlert({ scanUrl: 'javascript:alert(1)' })).attachments[0]!.content).not.toHaveProperty('actions');
  });

  it('lists at most ten changes and says how many more there are', () => {
    const changes = Array.from({ length: 13 }, (_, i) => ({ label: `change ${i}` }));
    const body = formatTeamsMessage(sampleAlert({ changes })).attachments[0]!.content.body;
    const labels = body.filter((element) => typeof element.text === 'string' && String(element.text).startsWith('change '));
    expect(labels).toHaveLength(TEAMS_MAX_CHANGES);
    expect(body.at(-1)).toEqual({ type: 'TextBlock', text: 'and 3 more changes, in the scan.', isSubtle: true, wrap: true, spacing: 'Medium' });
  });

  it('leaves out the facts of a change that has none', () => {
    const body = formatTeamsMessage(sampleAlert({ changes: [{ label: 'Tenant isolation was turned off' }] })).attachments[0]!.content.body;
    expect(body).toHaveLength(3);
  });

  describe('hostile evidence', () => {
    const message = formatTeamsMessage(hostileAlert());
    const texts = renderedTexts(message.attachments[0]!.content.body);
    const json = JSON.stringify(message);

    it('renders no link and no formatting from evidence', () => {
      expect(texts).toContain('\\[x\\](http://evil)');
      expect(texts.some((text) => text.includes('\\[click\\](http://evil) \\*\\*x\\*\\*'))).toBe(true);
      expect(texts).toContain('\\*bold\\*');
      for (const text of texts) {
        expect(text).not.toMatch(/(^|[^\\])\[[^\]]*(^|[^\\])\]\(/);
        expect(text).not.toMatch(/(^|[^\\])\*\*/);
      }
    });

    it('escapes HTML and entities, which Teams would otherwise decode', () => {
      expect(texts).toContain('\\<script\\>alert(1)\\</script\\>');
      expect(texts.some((text) => text.includes('(\\&amp;)'))).toBe(true);
      expect(json).not.toContain('<script>');
    });

    it('strips control, bidi and invisible characters but keeps emoji joiners', () => {
      expect(json).not.toMatch(/[\u202E\u200B\uFEFF\r\n]/);
      expect(texts).toContain('invoicegnp.exe');
      expect(texts).toContain(HOSTILE.zwj);
      expect(texts).toContain('Finance Bcc: attacker@evil.example');
    });

    it('caps a 5,000-character name at 200 characters', () => {
      expect(texts).toContain(`${'A'.repeat(199)}…`);
      expect(texts.every((text) => text.length <= 2 * 500)).toBe(true);
    });

    it('stays under the 28 KB Teams accepts when every change is at its longest and fully escaped, and says how many were left out', () => {
      const worst = '[*'.repeat(2500);
      const changes = Array.from({ length: 40 }, () => ({ label: worst, before: worst, after: worst, evidence: worst }));
      const card = formatTeamsMessage(sampleAlert({ title: worst, summary: worst, changes }));
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_MAX_BYTES + 200);
      const shown = card.attachments[0]!.content.body.filter((element) => element.separator === true).length;
      expect(shown).toBeGreaterThan(0);
      expect(card.attachments[0]!.content.body.at(-1)!.text).toBe(`and ${40 - shown} more changes, in the scan.`);
    });
  });
});

describe('createTeamsChannel', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('posts the card as JSON and takes 202 Accepted as delivered', async () => {
    const alert = sampleAlert();
    const scope = nock(ORIGIN)
      .matchHeader('content-type', 'application/json')
      .post(PATH, (body: unknown) => JSON.stringify(body) === JSON.stringify(formatTeamsMessage(alert)))
      .query(true)
      .reply(202);
    await expect(createTeamsChannel({ url: URL_ }).send(alert)).resolves.toEqual({ ok: true, status: 202 });
    expect(scope.isDone()).toBe(true);
  });

  it('reports a refused card without the signed URL', async () => {
    nock(ORIGIN).post(PATH).query(true).reply(400, `{"error":{"code":"TriggerInputSchemaMismatch","message":"invalid input at ${PATH}?${QUERY}"}}`);
    const result = await createTeamsChannel({ url: URL_ }).send(sampleAlert());
    expect(result).toMatchObject({ ok: false, retryable: false, status: 400 });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error).toContain(`Teams webhook ${ORIGIN} answered 400`);
    expect(result.error).toContain('TriggerInputSchemaMismatch');
    expect(result.error).not.toContain('TeamsSig-s3cr3t');
    expect(result.error).not.toContain('/workflows/5f1e');
  });
});
