/**
 * Reads an outbox message's stored payload back as an {@link Alert}. The payload is JSON
 * written by another part of ppmat (possibly an older version), so it is checked before it is
 * sent: a channel must never format half an alert, and a payload whose idempotency key differs
 * from its row's would defeat the receivers' deduplication.
 */
import { z } from 'zod';
import type { Alert } from './channels/alert.js';

const text = z.string().min(1);

// Loose: a field a newer ppmat added is kept, since generic webhooks receive the payload as stored.
const alertSchema = z.looseObject({
  id: text,
  idempotencyKey: text,
  kind: z.enum(['raised', 'reminder', 'resolved']),
  severity: z.enum(['info', 'warning', 'critical']),
  tenant: z.object({ id: text, displayName: z.string() }),
  title: z.string(),
  summary: z.string(),
  changes: z.array(z.object({ label: z.string(), before: z.string().optional(), after: z.string().optional(), evidence: z.string().optional() })),
  scanUrl: z.string().optional(),
  occurredAt: text,
});

export type PayloadReading = { ok: true; alert: Alert } | { ok: false; error: string };

/** The alert in `payload`, or why it cannot be sent (a sentence naming the first bad fields). */
export function readAlertPayload(payload: unknown, idempotencyKey: string): PayloadReading {
  const parsed = alertSchema.safeParse(payload);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`);
    return { ok: false, error: `The stored payload is not an alert (${problems.join('; ')}); it was not sent.` };
  }
  if (parsed.data.idempotencyKey !== idempotencyKey) {
    return { ok: false, error: `The stored payload's idempotencyKey "${parsed.data.idempotencyKey}" differs from the message's "${idempotencyKey}"; it was not sent.` };
  }
  return { ok: true, alert: parsed.data };
}
