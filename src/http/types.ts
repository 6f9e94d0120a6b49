/**
 * The HTTP client every collector uses: one place for tokens, timeouts, retries,
 * `Retry-After`, pagination and per-run accounting.
 */

/** The API surfaces and the token audience each needs. */
export type ApiSurface = 'bap' | 'powerApps' | 'flow' | 'powerPlatform' | 'graph';

/**
 * Where a request goes: one of the tenant-wide surfaces, or `dataverse`, an environment's
 * own Dataverse host (`linkedEnvironmentMetadata.instanceApiUrl`). A Dataverse request
 * carries its absolute URL, and its token is issued for that host (`{origin}/.default`).
 */
export type RequestSurface = ApiSurface | 'dataverse';

export interface HttpStats {
  requests: number;
  retries: number;
  /** Requests answered 429. */
  throttled: number;
  /** Milliseconds spent waiting because of 429 / Retry-After. */
  throttledMs: number;
  bytes: number;
  pages: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

export interface RequestOptions {
  surface: RequestSurface;
  method?: 'GET' | 'POST';
  /** Path and query relative to the surface's base URL, or an absolute URL (a `nextLink`). */
  url: string;
  body?: unknown;
  /** A body sent as is (e.g. a Dataverse `$batch`, `multipart/mixed`), instead of `body` as JSON. */
  rawBody?: { contentType: string; text: string };
  /** `text` gives the body as a string (a multipart answer); JSON by default. */
  responseType?: 'json' | 'text';
  /** Statuses that are answers, not errors (e.g. 404 for an unconfigured tenant isolation policy). */
  acceptStatus?: number[];
  signal?: AbortSignal;
}

export interface HttpClient {
  request<T = unknown>(options: RequestOptions): Promise<HttpResponse<T>>;
  /** GETs a `{ value: [...] }` list and follows `nextLink` / `@odata.nextLink` until the end. */
  paginate<T = unknown>(options: RequestOptions, onPage?: (items: T[], page: number) => void): Promise<T[]>;
  readonly stats: HttpStats;
  /**
   * A view of this client (same stats) that answers a GET of one of these absolute URLs from
   * the given response once, without a request: the answers of a batch read in advance.
   * Each answer is treated as the network's would be (accepted statuses, errors).
   */
  withPrefetched?(responses: ReadonlyMap<string, PrefetchedResponse>): HttpClient;
}

/** One answer read in advance (a part of a batch). */
export interface PrefetchedResponse {
  status: number;
  /** The raw body text. */
  body: string;
}
