/**
 * Microsoft Teams through a Workflows (Power Automate) webhook: the "Send webhook alerts to a
 * channel" flow template posts every Adaptive Card attachment of the message it receives.
 * Office 365 connector webhooks (MessageCard) were retired; this is their replacement.
 */
import type { Alert, AlertChange, AlertSeverity } from './alert.js';
import type { AlertSender } from './channel.js';
import { httpUrl, markdownText } from './escaping.js';
import { createJsonPostSender, type JsonChannelOptions } from './http-post.js';

/** Adaptive Card schema version: 1.4 is the highest every Teams client (desktop, web, mobile) renders. */
export const ADAPTIVE_CARD_VERSION = '1.4';

/** Changes listed on one card at most; the scan shows the rest. */
export const TEAMS_MAX_CHANGES = 10;

/**
 * Teams refuses a message over about 28 KB. Changes are added while the message stays
 * under this budget, which leaves room for the closing line and for the Workflows envelope.
 */
export const TEAMS_MAX_BYTES = 24 * 1024;

type CardElement = Record<string, unknown>;

/** The body a Workflows webhook expects: a message with one Adaptive Card attachment. */
export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      type: 'AdaptiveCard';
      version: typeof ADAPTIVE_CARD_VERSION;
      body: CardElement[];
      actions?: CardElement[];
      msteams: { width: 'Full' };
    };
  }[];
}

const CONTAINER_STYLE: Record<AlertSeverity, string> = { info: 'accent', warning: 'warning', critical: 'attention' };
const SEVERITY_LABEL: Record<AlertSeverity, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };
const KIND_PREFIX: Record<Alert['kind'], string> = { raised: '', reminder: 'Reminder: ', resolved: 'Resolved: ' };

/**
 * The Workflows message for an alert. Pure. Every string from the alert goes through
 * {@link markdownText}, because TextBlocks and Facts render Markdown and the names in an
 * alert are chosen by the tenant's makers.
 */
export function formatTeamsMessage(alert: Alert): TeamsMessage {
  const scanUrl = httpUrl(alert.scanUrl);
  const body: CardElement[] = [
    {
      type: 'Container',
      style: alert.kind === 'resolved' ? 'good' : CONTAINER_STYLE[alert.severity],
      bleed: true,
      items: [
        { type: 'TextBlock', text: `${KIND_PREFIX[alert.kind]}${markdownText(alert.title)}`, size: 'Large', weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: markdownText(alert.summary, 500), wrap: true },
      ],
    },
    {
      type: 'FactSet',
      facts: [
        { title: 'Tenant', value: `${markdownText(alert.tenant.displayName)} (${markdownText(alert.tenant.id)})` },
        { title: 'Severity', value: SEVERITY_LABEL[alert.severity] },
        { title: 'Detected', value: markdownText(alert.occurredAt) },
        { title: 'Alert', value: markdownText(alert.id) },
      ],
    },
  ];
  let bytes = Buffer.byteLength(JSON.stringify(body));
  let shown = 0;
  for (const change of alert.changes.slice(0, TEAMS_MAX_CHANGES)) {
    const elements = changeElements(change);
    bytes += Buffer.byteLength(JSON.stringify(elements));
    if (bytes > TEAMS_MAX_BYTES) break;
    body.push(...elements);
    shown += 1;
  }
  const hidden = alert.changes.length - shown;
  if (hidden > 0) {
    body.push({ type: 'TextBlock', text: `and ${hidden} more ${hidden === 1 ? 'change' : 'changes'}${scanUrl ? ', in the scan' : ''}.`, isSubtle: true, wrap: true, spacing: 'Medium' });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          body,
          ...(scanUrl ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the scan', url: scanUrl }] } : {}),
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

function changeElements(change: AlertChange): CardElement[] {
  const facts = [
    ['Before', change.before],
    ['After', change.after],
    ['Evidence', change.evidence],
  ]
    .filter((fact): fact is [string, string] => fact[1] !== undefined)
    .map(([title, value]) => ({ title, value: markdownText(value) }));
  return [
    { type: 'TextBlock', text: markdownText(change.label), weight: 'Bolder', wrap: true, separator: true, spacing: 'Medium' },
    ...(facts.length > 0 ? [{ type: 'FactSet', facts }] : []),
  ];
}

export interface TeamsChannelOptions extends JsonChannelOptions {
  /** The Workflows trigger URL; it carries a signature (`sig=`), so it is a secret. */
  url: string;
}

/** A sender posting {@link formatTeamsMessage} to a Workflows webhook, which answers 202 Accepted as soon as the run is queued. */
export function createTeamsChannel(options: TeamsChannelOptions): AlertSender {
  return createJsonPostSender('Teams', formatTeamsMessage, options);
}
