/**
 * Owner lookups for orphan detection: does each Entra object id (the owner of an app, flow
 * or agent) still exist, and is its account enabled?
 *
 * Why JSON `$batch`: a large tenant has thousands of distinct owners, and one GET per owner
 * would spend the Graph throttling budget; a batch carries up to 20 lookups in one request
 * (Graph "Combine multiple requests in one HTTP call using JSON batching": at most 20
 * requests per batch). Each batch is one Graph request of the run's client, so it is
 * counted, throttled and retried (429 and 5xx of the whole batch) like every Graph call.
 * Sub-requests are answered one by one inside the batch: a 404 means the object was
 * deleted; a 429 (or 5xx) of one sub-request is retried in a later batch after its own
 * `Retry-After`, a few times, then the id is `unknown`; a 403 makes the id `unknown` with the
 * missing permission named. Nothing here throws except a cancellation: an id that could not
 * be resolved is `unknown` with the reason, so the caller can report "owner unknown"
 * instead of failing the whole inventory.
 */
import { z } from 'zod';
import { parseRetryAfterMs } from '../http/backoff.js';
import type { GraphClient } from '../http/graph-client.js';
import { apiErrorMessage } from '../http/http-errors.js';
import { abortableSleep, type Sleep } from '../http/sleep.js';
import { mapWithConcurrency } from './concurrency.js';
import { CollectionError } from './types.js';

/** What the directory says about one object id. */
export type DirectoryObjectStatus =
  /** `type` is the object's kind without the `#microsoft.graph.` prefix (user, group, servicePrincipal); accountEnabled is null for kinds without accounts. */
  | { status: 'exists'; accountEnabled: boolean | null; type: string | null }
  | { status: 'deleted' }
  | { status: 'unknown'; reason: string };

export interface ResolveDirectoryObjectsOptions {
  /** Batches in flight at once (default {@link DEFAULT_BATCH_CONCURRENCY}). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each batch is settled, with how many distinct ids are answered so far. */
  onBatch?: (done: number) => void;
  /** Waits before re-sending throttled sub-requests; injected by tests (default: a real, abortable sleep). */
  sleep?: Sleep;
  /** Retries of a throttled or failing sub-request before it is `unknown` (default {@link MAX_SUBREQUEST_RETRIES}). */
  maxRetries?: number;
}

/** The JSON batching endpoint, relative to the version root. */
export const BATCH_PATH = '/$batch';
/** Graph's limit of requests in one JSON batch; a batch of 21 is refused with 400. */
export const MAX_BATCH_REQUESTS = 20;
/** A few batches in flight: 80 lookups at once stay well under Graph's directory throttling. */
export const DEFAULT_BATCH_CONCURRENCY = 4;
export const MAX_SUBREQUEST_RETRIES = 3;
/** Longest wait honoured from a sub-request's `Retry-After`. */
export const MAX_SUBREQUEST_WAIT_MS = 60_000;
/** Backoff base when a throttled sub-request gives no `Retry-After`. */
const BASE_RETRY_DELAY_MS = 1_000;
/** Batches failing as a whole (after the client's own retries) before the rest are not even sent. */
const MAX_BATCH_FAILURES = 3;
/**
 * `GET /directoryObjects/{id}`: least privileged application permission Directory.Read.All
 * (Graph "Get directoryObject"); User.Read.All is enough for users only.
 */
export const DIRECTORY_OBJECTS_PERMISSION = 'Directory.Read.All';

/** Why ids were not looked up after a batch whose every lookup was refused with 403. */
const FORBIDDEN_STOP_REASON = `Not looked up: Graph refused every directory lookup of an earlier $batch with 403, so the app lacks the Microsoft Graph application permission ${DIRECTORY_OBJECTS_PERMISSION} (User.Read.All reads users only), or admin consent for it.`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The sub-request of one lookup, relative to the version root like every batch URL. */
export function directoryObjectPath(id: string): string {
  return `/directoryObjects/${id}?$select=id,accountEnabled`;
}

const batchResponseSchema = z.looseObject({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.unknown()).nullish(),
      body: z.unknown(),
    }),
  ),
});
type SubResponse = z.infer<typeof batchResponseSchema>['responses'][number];

/**
 * Resolves object ids to their directory status, keyed by the ids as given (every spelling
 * of an id gets the answer of its one lookup). Ids that are not GUIDs are `unknown` without
 * a request. Rejects only when `signal` aborts.
 */
export async function resolveDirectoryObjects(graph: GraphClient, ids: Iterable<string>, options: ResolveDirectoryObjectsOptions = {}): Promise<Map<string, DirectoryObjectStatus>> {
  const results = new Map<string, DirectoryObjectStatus>();
  /** Lower-cased GUID → the ids that spell it. */
  const spellings = new Map<string, string[]>();
  for (const id of ids) {
    if (results.has(id) || spellings.get(id.trim().toLowerCase())?.includes(id)) continue;
    if (!GUID.test(id.trim())) {
      results.set(id, { status: 'unknown', reason: `'${id}' is not a directory object id (a GUID), so it was not looked up.` });
      continue;
    }
    const key = id.trim().toLowerCase();
    spellings.set(key, [...(spellings.get(key) ?? []), id]);
  }

  const sleep = options.sleep ?? abortableSleep;
  const maxRetries = Math.max(0, options.maxRetries ?? MAX_SUBREQUEST_RETRIES);
  let done = 0;
  let batchFailures = 0;
  let stopReason: string | null = null;

  const settle = (key: string, status: DirectoryObjectStatus): void => {
    for (const id of spellings.get(key) ?? []) results.set(id, status);
    done += 1;
  };

  /** Sends one batch, then its retryable leftovers, until every key has an answer. */
  const resolveBatch = async (keys: string[]): Promise<void> => {
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      if (stopReason !== null) {
        for (const key of pending) settle(key, { status: 'unknown', reason: stopReason });
        return;
      }
      const sent = pending;
      let responses: SubResponse[];
      try {
        responses = await sendBatch(graph, sent, options.signal);
        batchFailures = 0;
      } catch (error) {
        if (options.signal?.aborted || (error instanceof CollectionError && error.code === 'PPMAT_E_ABORTED')) throw error;
        const reason = batchFailureReason(error);
        batchFailures += 1;
        const status = error instanceof CollectionError ? error.details.httpStatus : undefined;
        if (status === 401 || status === 403 || batchFailures >= MAX_BATCH_FAILURES) stopReason = reason;
        for (const key of sent) settle(key, { status: 'unknown', reason });
        return;
      }
      const byId = new Map(responses.map((r) => [r.id, r]));
      const retry: string[] = [];
      let waitMs = 0;
      let throttled = 0;
      let answered = 0;
      let forbidden = 0;
      sent.forEach((key, index) => {
        const response = byId.get(String(index + 1));
        if (response === undefined) {
          settle(key, { status: 'unknown', reason: `The Graph $batch answer has no response for ${directoryObjectPath(key)}.` });
        } else if (isRetryable(response.status) && attempt < maxRetries) {
          if (response.status === 429) throttled += 1;
          retry.push(key);
          waitMs = Math.max(waitMs, retryDelayMs(response, attempt));
        } else {
          answered += 1;
          if (response.status === 403) forbidden += 1;
          settle(key, subResponseStatus(key, response, attempt));
        }
      });
      // Every lookup refused: the permission is missing, so the other batches would be refused too.
      if (answered > 0 && forbidden === answered) stopReason ??= FORBIDDEN_STOP_REASON;
      if (retry.length > 0) {
        const wait = Math.min(MAX_SUBREQUEST_WAIT_MS, waitMs);
        graph.stats.throttled += throttled;
        if (throttled > 0) graph.stats.throttledMs += wait;
        graph.stats.retries += 1;
        await sleep(wait, options.signal);
      }
      pending = retry;
    }
  };

  const keys = [...spellings.keys()];
  const batches: string[][] = [];
  for (let start = 0; start < keys.length; start += MAX_BATCH_REQUESTS) batches.push(keys.slice(start, start + MAX_BATCH_REQUESTS));
  await mapWithConcurrency(batches, Math.max(1, options.concurrency ?? DEFAULT_BATCH_CONCURRENCY), async (batch) => {
    await resolveBatch(batch);
    options.onBatch?.(done);
  });
  return results;
}

/** POSTs one JSON batch of lookups; its sub-request ids are 1..n in the order of `keys`. */
async function sendBatch(graph: GraphClient, keys: readonly string[], signal: AbortSignal | undefined): Promise<SubResponse[]> {
  const requests = keys.map((key, index) => ({ id: String(index + 1), method: 'GET', url: directoryObjectPath(key) }));
  const answer = await graph.request<unknown>('POST', BATCH_PATH, { body: { requests }, ...(signal ? { signal } : {}) });
  const parsed = batchResponseSchema.safeParse(answer);
  if (!parsed.success) {
    throw new CollectionError('error', 'PPMAT_E_MALFORMED_RESPONSE', `POST ${BATCH_PATH} answered 200 with a body that is not a JSON batch answer (no "responses" list of id and status).`, {
      httpStatus: 200,
      url: BATCH_PATH,
    });
  }
  return parsed.data.responses;
}

/** 429 and 5xx of one sub-request may succeed later (Graph throttles sub-requests one by one). */
function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The sub-request's own `Retry-After` (headers of batch answers are a plain object, any case), else an exponential backoff. */
function retryDelayMs(response: SubResponse, attempt: number): number {
  const header = Object.entries(response.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const fromHeader = parseRetryAfterMs(typeof header === 'string' || typeof header === 'number' ? String(header) : undefined, Date.now());
  return fromHeader ?? BASE_RETRY_DELAY_MS * 2 ** attempt;
}

/** The final answer of one sub-request. */
function subResponseStatus(key: string, response: SubResponse, attempt: number): DirectoryObjectStatus {
  const request = `GET ${directoryObjectPath(key)}`;
  const apiSays = apiErrorMessage(typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? ''));
  const suffix = apiSays ? ` The API said: ${apiSays}` : '';
  const { status } = response;
  if (status >= 200 && status < 300) return existing(response.body);
  if (status === 404) return { status: 'deleted' };
  if (status === 403) {
    return {
      status: 'unknown',
      reason: `${request} answered 403 inside a Graph $batch: the app lacks the Microsoft Graph application permission ${DIRECTORY_OBJECTS_PERMISSION} (User.Read.All reads users only), or admin consent for it.${suffix}`,
    };
  }
  if (status === 429) return { status: 'unknown', reason: `${request} was still throttled (429) inside a Graph $batch after ${attempt} retries.${suffix}` };
  return { status: 'unknown', reason: `${request} answered ${status} inside a Graph $batch.${suffix}` };
}

/** A 2xx lookup: the kind from `@odata.type`, `accountEnabled` when the object has one. */
function existing(body: unknown): DirectoryObjectStatus {
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const odataType = record['@odata.type'];
  const accountEnabled = record['accountEnabled'];
  return {
    status: 'exists',
    accountEnabled: typeof accountEnabled === 'boolean' ? accountEnabled : null,
    type: typeof odataType === 'string' && odataType.trim() !== '' ? odataType.replace(/^#?microsoft\.graph\./i, '') : null,
  };
}

function batchFailureReason(error: unknown): string {
  if (error instanceof CollectionError) return error.message;
  return `POST ${BATCH_PATH} failed: ${error instanceof Error ? error.message : String(error)}`;
}
