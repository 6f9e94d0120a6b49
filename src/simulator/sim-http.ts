/**
 * The simulator's request/response vocabulary, shared by the Power Platform routes
 * (`routes.ts`) and the Microsoft Graph routes (`graph-routes.ts`).
 */
import type { EvidenceKey } from '../evidence/schemas.js';
import type { TenantModel } from './tenant-model.js';

/** The simulated endpoint families (one per evidence family); each can be given a fault. */
export type EndpointFamily = EvidenceKey;

export interface SimResponse {
  status: number;
  /** Serialized as JSON unless it is already a string; null sends an empty body. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  model: TenantModel;
  /** The simulator's own origin, for absolute `nextLink` URLs. */
  baseUrl: string;
  pageSize: number;
}

/** One served endpoint. */
export interface SimRoute {
  family: EndpointFamily;
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** BAP calls are refused without an `api-version` query parameter. */
  needsApiVersion: boolean;
  handle: (ctx: RouteContext, url: URL, match: RegExpExecArray) => SimResponse;
}

/** An ARM-style error body (`{ error: { code, message } }`), the shape BAP and Graph both use. */
export function apiError(status: number, code: string, message: string): SimResponse {
  return { status, body: { error: { code, message } } };
}
