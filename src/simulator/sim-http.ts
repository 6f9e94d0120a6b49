/**
 * The simulator's request/response vocabulary, shared by the Power Platform routes
 * (`routes.ts`, `inventory-routes.ts`, `dataverse-routes.ts`) and the Microsoft Graph routes
 * (`graph-routes.ts`).
 */
import type { EvidenceKey } from '../evidence/schemas.js';
import type { TenantModel } from './tenant-model.js';

/**
 * The simulated endpoint families; each can be given a fault or be forbidden. The evidence
 * families, plus the per-environment inventory endpoints, and the Graph families of the
 * identity-governance and directory-object lookups.
 */
export type EndpointFamily =
  | EvidenceKey
  | 'canvasApps'
  | 'appPermissions'
  | 'cloudFlows'
  | 'flowPermissions'
  | 'customConnectors'
  | 'dataverse'
  | 'powerPagesSites'
  | 'capacity'
  | 'organization'
  | 'identityGovernance'
  | 'directoryObjects';

/**
 * The API surface a route belongs to (one host in the real cloud). Dataverse is one host per
 * environment (`{org}.crm.dynamics.com`), so its virtual host is `dataverse:{environment}`.
 */
export type SimSurface = 'bap' | 'powerApps' | 'flow' | 'powerPlatform' | 'graph' | 'dataverse';

export interface SimResponse {
  status: number;
  /** Serialized as JSON unless it is already a string; null sends an empty body. */
  body: unknown;
  headers?: Record<string, string>;
  /** Not answered at all: `hang` until the client gives up, or `reset` (the connection destroyed). */
  abort?: 'hang' | 'reset';
}

export interface RouteContext {
  model: TenantModel;
  /** The simulator's own origin, for absolute `nextLink` URLs. */
  baseUrl: string;
  /** Page size of the environment list and the other tenant-wide lists. */
  pageSize: number;
  /** Page size of the per-environment lists (apps, flows, connectors, Dataverse rows, sites). */
  inventoryPageSize: number;
  /** The raw body of a POST (text), for routes that read it (Graph `$batch`). */
  requestBody?: unknown;
  /**
   * Answers one table's part of a Dataverse `$batch` (`table`: its entity set, lower case)
   * through the server's per-table faults and accounting; `answer` gives the real part.
   */
  batchPart?: (table: string, answer: () => SimResponse) => SimResponse;
}

/** What a handler may read of the request besides its URL. */
export interface SimRequest {
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
}

/** One served endpoint. */
export interface SimRoute {
  family: EndpointFamily;
  /** The host it is served on in the real cloud; `graph` when omitted (the Graph routes). */
  surface?: SimSurface;
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** BAP calls are refused without an `api-version` query parameter. */
  needsApiVersion: boolean;
  handle: (ctx: RouteContext, url: URL, match: RegExpExecArray, request?: SimRequest) => SimResponse;
}

/** An ARM-style error body (`{ error: { code, message } }`), the shape BAP and Graph both use. */
export function apiError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { code, message } } };
}
