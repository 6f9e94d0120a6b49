/**
 * One capability statement in one scan: status and reason, each check with what it judged,
 * the evidence documents, the statement's history, and the attestation (with the form for
 * attesters and admins).
 */
import { api, path } from '../api.js';
import { externalLink, h, prettyJson } from '../dom.js';
import { OUTCOME, STATUS, formatDateTime, levelLabel } from '../format.js';
import { capabilityHref, gridHref } from '../routes.js';
import { attestationForm, attestationSummary } from './attestation.js';
import { scanIdOf, tenantHeader } from './tenant-shell.js';

/** Evidence documents longer than this are cut in the page (and offered as a download). */
const MAX_SHOWN_CHARS = 300_000;

export async function capabilityView(ctx) {
  const { tenantId, capabilityId } = ctx.params;
  const { tenant } = await api.get(path`/api/tenants/${tenantId}`);
  const scanId = scanIdOf(ctx, tenant);
  if (scanId === null) throw Object.assign(new Error(`${tenant.displayName} has no scan with results yet.`), { status: 404 });
  const [detail, inForce] = await Promise.all([
    api.get(path`/api/scans/${scanId}/capabilities/${capabilityId}`),
    api.get(path`/api/tenants/${tenantId}/attestations`),
  ]);
  const { capability, checks, evidence, history } = detail;
  const current = inForce.attestations.find((a) => a.capabilityId === capabilityId) ?? null;
  const canAttest = ['attester', 'admin'].includes(ctx.session.principal?.role);

  const status = STATUS[capability.status] ?? STATUS.unknown;
  const [h1, subnav] = tenantHeader(tenant, 'grid', 'Capability', { within: true });
  h1.replaceChildren(h('span', { class: 'h1__tenant' }, `${tenant.displayName} · ${capability.id}`), h('span', { class: 'h1__page' }, capability.statement));

  const attestationPanel = h('div', { id: 'attestation-current' }, attestationSummary(current, 'No attestation is in force for this statement.'));
  const node = h(
    'section',
    { class: 'view view--capability', dataset: { view: 'capability', capability: capability.id, scan: scanId } },
    h1,
    subnav,
    h('p', { class: 'back' }, h('a', { href: gridHref(tenant.id, scanId) }, '← Back to the maturity grid')),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'status-heading' },
      h('h2', { id: 'status-heading' }, 'Status'),
      h(
        'p',
        { class: 'status-line' },
        h('span', { class: ['badge', `badge--${capability.status}`], dataset: { status: capability.status } }, h('span', { 'aria-hidden': 'true' }, `${status.glyph} `), status.label),
        ' ',
        h('span', { class: 'reason' }, capability.reason),
      ),
      h(
        'dl',
        { class: 'facts' },
        fact('Area', tenant.areas.find((a) => a.area === capability.area)?.name ?? capability.area),
        fact('Level', levelLabel(capability.level)),
        fact('Assessment', capability.assessment),
        fact('Scan', String(scanId)),
        capability.custom ? fact('Source', 'custom statement of this organization') : null,
      ),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'checks-heading' },
      h('h2', { id: 'checks-heading' }, `Checks (${checks.length})`),
      checks.length
        ? h('ol', { class: 'checks' }, checks.map((c) => h('li', {}, checkArticle(c))))
        : h('p', { class: 'hint' }, capability.assessment === 'attested' ? 'No automated check: a person attests this statement.' : 'No check evidences this statement.'),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'evidence-heading' },
      h('h2', { id: 'evidence-heading' }, `Evidence (${evidence.length})`),
      evidence.length
        ? [h('p', { class: 'hint' }, 'The documents the checks read, as collected. Open one to see its JSON.'), h('div', { class: 'evidence' }, evidence.map((e) => evidenceDetails(scanId, e)))]
        : h('p', { class: 'hint' }, 'No evidence document is behind this statement.'),
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'attestation-heading' },
      h('h2', { id: 'attestation-heading' }, 'Attestation'),
      h('h3', {}, 'In force'),
      attestationPanel,
      capability.attestation ? h('p', { class: 'hint' }, `This scan counted the attestation by ${capability.attestation.by ?? capability.attestation.attestedBy ?? 'someone'}.`) : null,
      canAttest
        ? attestationForm({ tenantId: tenant.id, capabilityId: capability.id, onSaved: (saved) => attestationPanel.replaceChildren(attestationSummary(saved)) })
        : h('p', { class: 'hint', dataset: { noAttestForm: '' } }, 'Attesters and admins can record an attestation here.'),
    ),
    h('section', { class: 'panel', 'aria-labelledby': 'history-heading' }, h('h2', { id: 'history-heading' }, 'History across scans'), historyTable(tenant.id, capability.id, history, scanId)),
  );
  return { title: `${capability.id} · ${tenant.displayName}`, node };
}

function fact(term, value) {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value));
}

function checkArticle(check) {
  const outcome = OUTCOME[check.outcome] ?? { label: check.outcome, glyph: '', tone: 'neutral' };
  const id = `check-${check.checkId}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return h(
    'article',
    { class: 'check', dataset: { check: check.checkId, outcome: check.outcome }, 'aria-labelledby': id },
    h('h3', { id }, check.title ?? check.checkId),
    h(
      'p',
      { class: 'check__meta' },
      h('span', { class: ['badge', `badge--${outcome.tone}`] }, h('span', { 'aria-hidden': 'true' }, `${outcome.glyph} `), outcome.label),
      ' ',
      h('code', {}, check.checkId),
      check.severity ? h('span', { class: 'tag' }, `severity ${check.severity}`) : null,
    ),
    h('p', { class: 'check__message' }, check.message ?? ''),
    check.actual !== undefined && check.actual !== null ? h('div', {}, h('h4', {}, 'Actual values'), actualValues(check.actual)) : null,
    check.remediation ? h('div', {}, h('h4', {}, 'Remediation'), h('p', {}, check.remediation)) : null,
    check.references?.length ? h('div', {}, h('h4', {}, 'References'), h('ul', { class: 'plain-list' }, check.references.map((r) => h('li', {}, externalLink(r))))) : null,
    check.evidence?.length ? h('p', { class: 'hint' }, 'Reads: ', check.evidence.map((e, i) => [i ? ', ' : '', h('code', {}, e.key)])) : null,
  );
}

function actualValues(actual) {
  if (typeof actual !== 'object') return h('p', {}, h('code', {}, String(actual)));
  const entries = Array.isArray(actual) ? null : Object.entries(actual);
  if (entries && entries.length && entries.every(([, v]) => v === null || typeof v !== 'object')) {
    return h('dl', { class: 'actual' }, entries.map(([k, v]) => h('div', {}, h('dt', {}, h('code', {}, k)), h('dd', {}, h('code', {}, v === null ? 'null' : String(v))))));
  }
  return h('pre', { class: 'json json--small', tabindex: '0' }, prettyJson(actual));
}

/** One evidence document, folded; its JSON is fetched when first opened unless the answer carried it. */
function evidenceDetails(scanId, ev) {
  const pre = h('pre', { class: 'json', tabindex: '0', 'aria-label': `JSON of ${ev.key}`, dataset: { evidenceJson: ev.key } });
  const body = h('div', { class: 'evidence__body' });
  const details = h(
    'details',
    { class: 'evidence__doc', dataset: { evidence: ev.key, status: ev.status } },
    h(
      'summary',
      {},
      h('code', {}, ev.key),
      ' ',
      h('span', { class: ['badge', ev.status === 'ok' ? 'badge--neutral' : 'badge--unknown'] }, ev.status),
      ` collected ${formatDateTime(ev.collectedAt)}`,
    ),
    body,
  );
  if (ev.status !== 'ok') body.append(h('p', { class: 'message message--warning' }, ev.reason ?? 'Not collected.', ev.errorCode ? ` (${ev.errorCode})` : ''));
  if (ev.hash) body.append(h('p', { class: 'hint' }, 'SHA-256 ', h('code', { class: 'hash' }, ev.hash)));
  body.append(pre);

  let loaded = false;
  const show = (content) => {
    const text = prettyJson(content);
    pre.textContent = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}\n…` : text;
    if (text.length > MAX_SHOWN_CHARS) body.append(downloadButton(ev.key, text));
    pre.removeAttribute('aria-busy');
  };
  if (ev.content !== undefined) {
    loaded = true;
    show(ev.content);
  }
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    pre.setAttribute('aria-busy', 'true');
    pre.textContent = 'Loading…';
    try {
      const full = await api.get(path`/api/scans/${scanId}/evidence/${ev.key}`);
      show(full.content ?? null);
    } catch (error) {
      loaded = false;
      pre.removeAttribute('aria-busy');
      pre.textContent = '';
      body.append(h('p', { class: 'message message--error', role: 'alert' }, `The evidence could not be loaded: ${error.message}`));
    }
  });
  return details;
}

function downloadButton(key, text) {
  return h(
    'p',
    {},
    `The document is long; the page shows its first ${MAX_SHOWN_CHARS.toLocaleString()} characters. `,
    h(
      'button',
      {
        type: 'button',
        class: 'button',
        on: {
          click: () => {
            const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
            const a = h('a', { href: url, download: `${key}.json` });
            document.body.append(a);
            a.click();
            a.remove();
            setTimeout(() => URL.revokeObjectURL(url), 1000);
          },
        },
      },
      `Download ${key}.json`,
    ),
  );
}

function historyTable(tenantId, capabilityId, history, shownScanId) {
  if (!history.length) return h('p', { class: 'hint' }, 'No earlier scan judged this statement.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'history' },
      h('caption', { class: 'visually-hidden' }, 'Status of this statement in each scan'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Scan'), h('th', { scope: 'col' }, 'Finished'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Reason'))),
      h(
        'tbody',
        {},
        [...history].sort((a, b) => b.scanId - a.scanId).map((row) => {
          const s = STATUS[row.status] ?? STATUS.unknown;
          return h(
            'tr',
            { class: row.scanId === shownScanId ? 'is-current' : null },
            h(
              'th',
              { scope: 'row' },
              row.scanId === shownScanId
                ? h('span', { 'aria-current': 'page' }, `${row.scanId} (shown)`)
                : h('a', { href: capabilityHref(tenantId, capabilityId, row.scanId) }, String(row.scanId)),
            ),
            h('td', {}, formatDateTime(row.finishedAt)),
            h('td', {}, h('span', { class: ['badge', `badge--${row.status}`] }, h('span', { 'aria-hidden': 'true' }, `${s.glyph} `), s.label)),
            h('td', {}, row.reason ?? ''),
          );
        }),
      ),
    ),
  );
}
