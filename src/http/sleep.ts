import { CollectionError } from '../collectors/types.js';

/** Waits `ms` milliseconds; injected into the HTTP client so tests need not really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The error thrown whenever a caller's AbortSignal fires: the scan was cancelled, nothing failed. */
export function abortedError(what: string): CollectionError {
  return new CollectionError('error', 'PPMAT_E_ABORTED', `${what} was cancelled.`);
}

/** A real sleep that ends early, rejecting with PPMAT_E_ABORTED, when the signal fires. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError('Waiting before a retry'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError('Waiting before a retry'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
