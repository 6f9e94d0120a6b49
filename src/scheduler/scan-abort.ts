/**
 * Why a running scan was stopped, as the abort reason of its signal: `runScan` stores the
 * message as the aborted scan's error, so a stored scan tells "the service stopped" from
 * "another process took the tenant" from a plain Ctrl-C.
 */
import { PpmatError } from '../errors/catalogue.js';

export class ScanAbort extends PpmatError {
  constructor(message: string) {
    super('PPMAT_E_ABORTED', message);
    this.name = 'ScanAbort';
  }
}

/** What an aborted scan records: the ScanAbort's message, or the generic reason for any other abort. */
export function abortReason(signal: AbortSignal | undefined): string {
  return signal?.reason instanceof ScanAbort ? signal.reason.message : 'interrupted before the scan finished';
}

/**
 * The error a scan stopped by a ScanAbort ends with: the ScanAbort itself, rather than
 * whatever a collector threw when its request was cancelled.
 */
export function explainAbort(error: unknown, signal: AbortSignal): unknown {
  return signal.aborted && signal.reason instanceof ScanAbort ? signal.reason : error;
}
