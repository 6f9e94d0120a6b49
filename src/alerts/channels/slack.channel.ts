/**
 * Slack through an incoming webhook, as a Block Kit message with a plain `text` fallback for
 * notifications and screen readers. Slack answers 200 `ok`, or a 4xx with a reason such as
 * `invalid_payload`, `channel_not_found` or `channel_is_archived` (which retrying will not fix).
 */
import type { Alert, AlertChange, AlertSeverity } from './alert.js';
import type { AlertSender } from './channel.js';
import { httpUrl, plainText, slackText } from './escaping.js';
import { createJsonPostSender, type JsonChannelOptions } from './http-post.js';

/** Slack refuses a message of more than 50 blocks; 20 changes leave room for the rest. */
export const SLACK_MAX_CHANGES = 20;
/** Slack's limit for a header block's text, in characters (so in code units too: a grapheme may hold thousands). */
const HEADER_MAX = 150;

/** A `mrkdwn` text object; `verbatim` stops Slack from linking bare URLs and parsing `@channel` in evidence. */
interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: false } }
  | { type: 'section'; text: Mrkdwn }
  | { type: 'section'; fields: Mrkdwn[] }
  | { type: 'divider' }
  | { type: 'context'; elements: Mrkdwn[] };

/** The body of an incoming webhook request. */
export interface SlackMessage {
  /** Shown in notifications and where blocks cannot be; escaped like the blocks. */
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

const SEVERITY_LABEL: Record<AlertSeverity, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };
const KIND_PREFIX: Record<Alert['kind'], string> = { raised: '', reminder: 'Reminder: ', resolved: 'Resolved: ' };

const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text, verbatim: true });

/**
 * The Block Kit message for an alert. Pure. Every string from the alert goes through
 * {@link slackText} (`&`, `<`, `>` as entities) in `mrkdwn`, and through {@link plainText}
 * in the header, which Slack shows as typed.
 */
export function formatSlackMessage(alert: Alert): SlackMessage {
  const prefix = KIND_PREFIX[alert.kind];
  const scanUrl = httpUrl(alert.scanUrl);
  const shown = alert.changes.slice(0, SLACK_MAX_CHANGES);
  const hidden = alert.changes.length - shown.length;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plainText(`${prefix}${alert.title}`, HEADER_MAX, HEADER_MAX), emoji: false } },
    { type: 'section', text: mrkdwn(slackText(alert.summary, 500)) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Tenant*\n${slackText(alert.tenant.displayName)} (${slackText(alert.tenant.id)})`),
        mrkdwn(`*Severity*\n${SEVERITY_LABEL[alert.severity]}`),
        mrkdwn(`*Detected*\n${slackText(alert.occurredAt)}`),
        mrkdwn(`*Alert*\n${slackText(alert.id)}`),
      ],
    },
  ];
  if (shown.length > 0) blocks.push({ type: 'divider' });
  blocks.push(...shown.map((change): SlackBlock => ({ type: 'section', text: mrkdwn(changeText(change)) })));
  const footer = [`ppmat ${alert.kind} alert`];
  if (hidden > 0) footer.push(`${hidden} more ${hidden === 1 ? 'change' : 'changes'} in the scan`);
  if (scanUrl) footer.push(`<${slackLinkUrl(scanUrl)}|Open the scan>`);
  blocks.push({ type: 'context', elements: [mrkdwn(footer.join(' · '))] });
  return {
    text: `${prefix}${slackText(alert.title)} (${slackText(alert.tenant.displayName)}): ${slackText(alert.summary, 500)}`,
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

function changeText(change: AlertChange): string {
  const lines = [`*${slackText(change.label)}*`];
  if (change.before !== undefined) lines.push(`Before: ${slackText(change.before)}`);
  if (change.after !== undefined) lines.push(`After: ${slackText(change.after)}`);
  if (change.evidence !== undefined) lines.push(`Evidence: ${slackText(change.evidence)}`);
  return lines.join('\n');
}

/** Inside `<url|text>`, `|` would end the URL and `&` must be an entity (Slack's escaping rules). */
function slackLinkUrl(url: string): string {
  return url.replace(/&/g, '&amp;').replace(/\|/g, '%7C').replace(/</g, '%3C').replace(/>/g, '%3E');
}

export interface SlackChannelOptions extends JsonChannelOptions {
  /** The incoming webhook URL (`https://hooks.slack.com/services/T…/B…/…`); its path is the secret. */
  url: string;
}

/** A sender posting {@link formatSlackMessage} to an incoming webhook. */
export function createSlackChannel(options: SlackChannelOptions): AlertSender {
  return createJsonPostSender('Slack', formatSlackMessage, options);
}
