/**
 * Small readings of axios answers and failures shared by the admin API client and the alert
 * channels: one place for how headers are flattened and how a network failure reads.
 */
import axios from 'axios';

/** Response headers as lower-case name -> one string (multi-valued headers joined with ", "). */
export function flattenHeaders(headers: unknown): Record<string, string> {
  const flat: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return flat;
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    if (value === undefined || value === null) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

/** A network failure in one line: the axios code (ECONNRESET, ECONNABORTED, ...) and message. */
export function networkMessage(error: unknown): string {
  if (axios.isAxiosError(error)) return error.code ? `${error.code} ${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}
