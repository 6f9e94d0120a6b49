import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackChannel, formatSlackMessage, SLACK_MAX_CHANGES } from '../../../src/alerts/channels/slack.channel.js';
import { HOSTILE, hostileAlert, sampleAlert } from './alert-fixtures.js';

const ORIGIN = 'https://hooks.slack.com';
const PATH = '/services/T0000/B0000/SlackPathSecret123';

describe('formatSlackMessage', () => {
  it('builds Block Kit blocks: header, summary, fields, changes and context, with a text fallback', () => {
    expect(formatSlackMessage(sampleAlert())).toEqual({
      text: 'DLP coverage regressed (Contoso): One production environment is no longer covered by a DLP policy.',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'DLP coverage regressed', emoji: false } },
        { type: 'section', text: { type: 'mrkdwn', text: 'One production environment is no longer covered by a DLP policy.', verbatim: true } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Tenant*\nContoso (00000000-0000-0000-0000-00000000c0de)', verbatim: true },
            { type: 'mrkdwn', text: '*Severity*\nCritical', verbatim: true },
            { type: 'mrkdwn', text: '*Detected*\n2026-03-02T02:00:00.000Z', verbatim: true },
            { type: 'mrkdwn', text: '*Alert*\nalert-dlp-coverage-finance', verbatim: true },
          ],
        },
        { type: 'divider' },
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: "*DLP policy 'Contoso default' no longer covers environment 'Finance Prod'*\nBefore: covered\nAfter: not covered\nEvidence: security.dlp-covers-production",
            verbatim: true,
          },
        },
        {
          type: 'context',
          elements: [{ type: 'mrkdwn', text: 'ppmat raised alert · <https://ppmat.contoso.com/scans/42?tenant=contoso|Open the scan>', verbatim: true }],
        },
      ],
      unfurl_links: false,
      unfurl_media: false,
    });
  });

  it('prefixes reminders and resolutions', () => {
    expect(formatSlackMessage(sampleAlert({ kind: 'resolved' })).blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Resolved: DLP coverage regressed', emoji: false } });
  });

  it('escapes & in the scan link and leaves out a link that is not http(s)', () => {
    const context = (scanUrl: string) => JSON.stringify(formatSlackMessage(sampleAlert({ scanUrl })).blocks.at(-1));
    expect(context('https://ppmat.contoso.com/scans?a=1&b=2|x')).toContain('<https://ppmat.contoso.com/scans?a=1&amp;b=2%7Cx|Open the scan>');
    expect(context('javascript:alert(1)')).not.toContain('Open the scan');
  });

  it('lists at most 20 changes, leaving the block count under Slack’s 50', () => {
    const changes = Array.from({ length: 30 }, (_, i) => ({ label: `change ${i}` }));
    const message = formatSlackMessage(sampleAlert({ changes }));
    expect(message.blocks.filter((block) => block.type === 'section' && 'text' in block && block.text.text.startsWith('*change '))).toHaveLength(SLACK_MAX_CHANGES);
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks.at(-1))).toContain('10 more changes in the scan');
  });

  describe('hostile evidence', () => {
    const message = formatSlackMessage(hostileAlert());
    const json = JSON.stringify(message);
    const mrkdwnTexts = [message.text, ...message.blocks.flatMap((block) => ('text' in block && block.text.type === 'mrkdwn' ? [block.text.text] : 'fields' in block ? block.fields.map((f) => f.text) : 'elements' in block ? block.elements.map((e) => e.text) : []))];

    it('escapes &, < and > in every mrkdwn text, so no mention or link can form', () => {
      for (const text of mrkdwnTexts) {
        const withoutOwnLink = text.replace(/<https:\/\/ppmat\.contoso\.com[^>]*\|Open the scan>/, '');
        expect(withoutOwnLink).not.toMatch(/[<>]/);
        expect(withoutOwnLink).not.toMatch(/&(?!amp;|lt;|gt;)/);
      }
      expect(json).toContain('&lt;!channel&gt; &lt;@U123&gt; @here');
      expect(json).toContain('After: &lt;http://evil|click&gt;');
      expect(json).toContain('&amp;amp;');
      expect(json).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it('marks every mrkdwn object verbatim, so bare URLs and @here are not parsed', () => {
      const objects = json.match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*","verbatim":true/g) ?? [];
      expect(objects.length).toBe((json.match(/"type":"mrkdwn"/g) ?? []).length);
    });

    it('shows the header as typed (plain_text), cleaned and within Slack’s 150 characters', () => {
      expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: HOSTILE.script, emoji: false } });
      const long = formatSlackMessage(sampleAlert({ title: HOSTILE.long })).blocks[0] as { text: { text: string } };
      expect(long.text.text).toBe(`${'A'.repeat(149)}…`);
    });

    it('strips control, bidi and invisible characters, keeps emoji joiners, caps long names', () => {
      expect(json).not.toMatch(/[\u202E\u200B\uFEFF\r]/);
      expect(json).toContain('invoicegnp.exe');
      expect(json).toContain(HOSTILE.zwj);
      expect(json).toContain(`*${'A'.repeat(199)}…*`);
      expect(json).not.toContain('A'.repeat(200));
    });
  });
});

describe('createSlackChannel', () => {
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => nock.enableNetConnect());

  it('posts the blocks and takes 200 ok as delivered', async () => {
    const alert = sampleAlert();
    const scope = nock(ORIGIN)
      .matchHeader('content-type', 'application/json')
      .post(PATH, (body: unknown) => JSON.stringify(body) === JSON.stringify(formatSlackMessage(alert)))
      .reply(200, 'ok');
    await expect(createSlackChannel({ url: `${ORIGIN}${PATH}` }).send(alert)).resolves.toEqual({ ok: true, status: 200 });
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    [404, 'no_service'],
    [410, 'channel_is_archived'],
    [403, 'action_prohibited'],
  ])('reports %i %s as not retryable, naming only the host', async (status, reason) => {
    nock(ORIGIN).post(PATH).reply(status, reason);
    const result = await createSlackChannel({ url: `${ORIGIN}${PATH}` }).send(sampleAlert());
    expect(result).toEqual({ ok: false, retryable: false, status, error: `Slack webhook ${ORIGIN} answered ${status}: "${reason}".` });
  });
});
