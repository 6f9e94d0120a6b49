/** Alerts shared by the channel tests: a plain one, and one whose every string is hostile. */
import type { Alert } from '../../../src/alerts/channels/alert.js';

export const SCAN_URL = 'https://ppmat.contoso.com/scans/42?tenant=contoso';

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-dlp-coverage-finance',
    idempotencyKey: 'alert-dlp-coverage-finance.raised.1',
    kind: 'raised',
    severity: 'critical',
    tenant: { id: '00000000-0000-0000-0000-00000000c0de', displayName: 'Contoso' },
    title: 'DLP coverage regressed',
    summary: 'One production environment is no longer covered by a DLP policy.',
    changes: [
      {
        label: "DLP policy 'Contoso default' no longer covers environment 'Finance Prod'",
        before: 'covered',
        after: 'not covered',
        evidence: 'security.dlp-covers-production',
      },
    ],
    scanUrl: SCAN_URL,
    occurredAt: '2026-03-02T02:00:00.000Z',
    ...overrides,
  };
}

/** Strings a maker can give a resource, each aimed at one kind of markup. */
export const HOSTILE = {
  script: '<script>alert(1)</script>',
  link: '[x](http://evil)',
  click: '[click](http://evil)',
  bold: '*bold*',
  strong: '**x**',
  entity: '&amp;',
  slackMention: '<!channel> <@U123> @here',
  slackLink: '<http://evil|click>',
  rtl: 'invoice\u202Egnp.exe',
  zwj: 'dev 👩\u200D💻 team',
  zeroWidth: 'Fin\u200Bance\uFEFF',
  newline: 'Finance\r\nBcc: attacker@evil.example',
  long: 'A'.repeat(5000),
} as const;

/** An alert with a hostile string in every field that can carry one. */
export function hostileAlert(): Alert {
  return sampleAlert({
    title: HOSTILE.script,
    summary: `${HOSTILE.click} ${HOSTILE.strong}`,
    tenant: { id: HOSTILE.entity, displayName: HOSTILE.slackMention },
    changes: [
      { label: HOSTILE.link, before: HOSTILE.bold, after: HOSTILE.slackLink, evidence: HOSTILE.rtl },
      { label: HOSTILE.long, before: HOSTILE.zwj, after: HOSTILE.zeroWidth, evidence: HOSTILE.newline },
    ],
  });
}
