/** The attestation in force (who, what, until when) and the form that records a new one. */
import { api, path } from '../api.js';
import { externalLink, h } from '../dom.js';
import { formatDateTime, formatDay } from '../format.js';

const OUTCOMES = { met: 'Met: the statement is in place', not_met: 'Not met: the statement is not in place' };

/** An AttestationRecord as a description list, or `none` as a hint. */
export function attestationSummary(record, none = 'No attestation.') {
  if (!record) return h('p', { class: 'hint' }, none);
  return h(
    'dl',
    { class: 'facts facts--stacked', dataset: { attestation: record.id ?? '', attestedBy: record.attestedBy ?? '' } },
    item('Outcome', record.outcome === 'not_met' ? 'Not met' : 'Met'),
    item('Statement', record.statement),
    item('Attested by', `${record.attestedBy} on ${formatDateTime(record.attestedAt)}`),
    item('Valid until', record.expiresAt ? formatDay(record.expiresAt) : 'no expiry date'),
    record.evidenceUrl ? item('Evidence', externalLink(record.evidenceUrl)) : null,
  );
}

function item(term, value) {
  return h('div', { class: 'fact' }, h('dt', {}, term), h('dd', {}, value));
}

function tomorrow() {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * The form for attesters and admins: POST /api/tenants/:id/attestations as JSON. The
 * server's validation message is shown on 400 (next to the field it names when it can).
 */
export function attestationForm({ tenantId, capabilityId, onSaved }) {
  const error = h('p', { id: 'attest-error', class: 'message message--error', role: 'alert', hidden: true });
  const done = h('p', { id: 'attest-done', class: 'message message--ok', role: 'status', tabindex: '-1', hidden: true });
  const fields = {
    statement: h('textarea', { id: 'attest-statement', name: 'statement', rows: '3', required: true, maxlength: '2000', 'aria-describedby': 'attest-statement-hint attest-error' }),
    evidenceUrl: h('input', { id: 'attest-url', name: 'evidenceUrl', type: 'url', placeholder: 'https://', 'aria-describedby': 'attest-url-hint attest-error' }),
    expiresAt: h('input', { id: 'attest-expires', name: 'expiresAt', type: 'date', min: tomorrow(), 'aria-describedby': 'attest-expires-hint attest-error' }),
  };
  const radio = (value, checked) =>
    h('label', { class: 'radio' }, h('input', { type: 'radio', name: 'outcome', value, checked, required: true }), ` ${OUTCOMES[value]}`);
  const submit = h('button', { type: 'submit', class: 'button button--primary' }, 'Record attestation');

  const form = h(
    'form',
    { class: 'form form--attest', dataset: { form: 'attestation' }, 'aria-labelledby': 'attest-form-heading' },
    h('h3', { id: 'attest-form-heading' }, 'Record an attestation'),
    h('p', { class: 'hint' }, 'Your name is recorded with it. It counts from the next scan.'),
    h('fieldset', {}, h('legend', {}, 'Outcome'), radio('met', true), radio('not_met', false)),
    h('label', { for: 'attest-statement' }, 'Statement'),
    h('p', { id: 'attest-statement-hint', class: 'hint' }, 'What is in place (or not), and how you know.'),
    fields.statement,
    h('label', { for: 'attest-url' }, 'Evidence URL (optional)'),
    h('p', { id: 'attest-url-hint', class: 'hint' }, 'Where the evidence is: a document, a ticket.'),
    fields.evidenceUrl,
    h('label', { for: 'attest-expires' }, 'Valid until (optional)'),
    h('p', { id: 'attest-expires-hint', class: 'hint' }, 'After this date the statement needs attesting again; left empty, 12 months from today.'),
    fields.expiresAt,
    error,
    h('div', { class: 'form__actions' }, submit),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    done.hidden = true;
    for (const field of Object.values(fields)) field.removeAttribute('aria-invalid');
    const data = new FormData(form);
    const body = { capabilityId, outcome: data.get('outcome'), statement: String(data.get('statement') ?? '').trim() };
    const url = String(data.get('evidenceUrl') ?? '').trim();
    const expires = String(data.get('expiresAt') ?? '');
    if (url) body.evidenceUrl = url;
    if (expires) body.expiresAt = expires;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const { attestation } = await api.post(path`/api/tenants/${tenantId}/attestations`, body);
      form.reset();
      done.replaceChildren(
        h('strong', {}, 'Attestation saved. '),
        `${attestation.outcome === 'not_met' ? 'Not met' : 'Met'}, attested by ${attestation.attestedBy}, valid until ${attestation.expiresAt ? formatDay(attestation.expiresAt) : 'further notice'}. `,
        'It counts from the next scan; the status above is the last scan’s.',
      );
      done.hidden = false;
      done.focus();
      onSaved(attestation);
    } catch (e) {
      error.textContent = e.status === 400 || e.status === 403 ? e.message : `The attestation was not saved: ${e.message}`;
      error.hidden = false;
      const field = Object.entries(fields).find(([name]) => e.where?.endsWith(name))?.[1];
      if (field) {
        field.setAttribute('aria-invalid', 'true');
        field.focus();
      }
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
  return h('div', { class: 'attest' }, done, form);
}
