/**
 * The Dataverse Web API of each environment with a database, under
 * `/dataverse/{environment}/api/data/v9.x/` on the simulator's origin (the `instanceApiUrl`
 * the environment list gives). Answered like Dataverse: `@odata.context`, `value`,
 * `@odata.nextLink` when a table has more rows than the page size (or `Prefer:
 * odata.maxpagesize`), `$filter` (comparisons joined by and/or), `$top`, `$count=true`,
 * `$expand` of lookups (with a nested `$select`), and the owner's annotations under `Prefer:
 * odata.include-annotations`; `$select` is accepted and every column returned. Lookups are
 * columns `_{lookup}_value`, as in the Web API. Environments without a database and tables an
 * environment does not have answer 404 with Dataverse's error code; only the pipelines host
 * has the `deployment*` tables.
 */
import type { DataverseRow, DataverseTable } from './dataverse-model.js';
import { compileFilter, ODataFilterError, type RowPredicate } from './odata-filter.js';
import { offsetOf, pageUrl } from './paging.js';
import { apiError, type RouteContext, type SimRequest, type SimResponse, type SimRoute } from './sim-http.js';
import type { TenantModel } from './tenant-model.js';

/** Dataverse's error code for a missing resource (an unknown entity set, record or organization). */
export const DATAVERSE_NOT_FOUND = '0x80060888';
/** Dataverse's paging cursor; real ones are opaque paging cookies, clients only follow `@odata.nextLink`. */
const SKIP_TOKEN = '$skiptoken';
/** The setting that names the tenant's custom pipelines host (capability-signals 3.2). */
const PIPELINES_HOST_SETTING = 'DefaultCustomPipelinesHostEnvForTenant';

const dataversePath = (entitySet: string): RegExp => new RegExp(`^/dataverse/([^/]+)/api/data/v9\\.\\d+/(${entitySet})(?:\\(([^)]*)\\))?/?$`, 'i');

/** `POST {org}/api/data/v9.x/$batch` (multipart/mixed): the Web API's batch of GETs. */
const BATCH_PATH = /^\/dataverse\/([^/]+)\/api\/data\/v9\.\d+\/\$batch\/?$/i;
const ENTITY_PATH = dataversePath('[A-Za-z_][A-Za-z0-9_]*');

/** The table (entity set, lower case) a Dataverse request reads, or null for a `$batch` and other paths. */
export function dataverseTableOf(pathname: string): string | null {
  return ENTITY_PATH.exec(pathname)?.[2]?.toLowerCase() ?? null;
}

export const DATAVERSE_ROUTES: SimRoute[] = [
  { family: 'dataverse', surface: 'dataverse', method: 'POST', pattern: BATCH_PATH, needsApiVersion: false, handle: batch },
  { family: 'dataverse', surface: 'dataverse', method: 'GET', pattern: ENTITY_PATH, needsApiVersion: false, handle: answer },
];

/** The owner lookup's annotations (name and table), sent under `Prefer: odata.include-annotations`. */
const OWNER_NAME_ANNOTATION = '_ownerid_value@OData.Community.Display.V1.FormattedValue';
const OWNER_TABLE_ANNOTATION = '_ownerid_value@Microsoft.Dynamics.CRM.lookuplogicalname';

function answer(ctx: RouteContext, url: URL, match: RegExpExecArray, request?: SimRequest): SimResponse {
  const envName = decodeURIComponent(match[1] ?? '');
  const entitySet = match[2] ?? '';
  const env = ctx.model.environmentIndex(envName);
  if (env < 0 || !ctx.model.environments[env]?.dataverse) {
    return apiError(404, DATAVERSE_NOT_FOUND, `No Dataverse organization exists for the environment '${envName}'.`);
  }
  const call = match[3];
  if (call !== undefined) {
    if (entitySet.toLowerCase() === 'retrievesetting') return retrieveSetting(ctx, match, call);
    return notFound(entitySet);
  }
  const table = ctx.model.dataverse.table(env, entitySet);
  if (!table) return notFound(entitySet);

  let predicate: RowPredicate | null = null;
  const filter = url.searchParams.get('$filter');
  if (filter !== null) {
    try {
      predicate = compileFilter(filter, table.count > 0 ? new Set(Object.keys(table.row(0))) : null, table.entity);
    } catch (error) {
      if (error instanceof ODataFilterError) return apiError(400, DATAVERSE_NOT_FOUND, error.message);
      throw error;
    }
  }
  let expand: Expansion[];
  try {
    expand = parseExpand(url.searchParams.get('$expand'), table);
  } catch (error) {
    if (error instanceof ODataFilterError) return apiError(400, DATAVERSE_NOT_FOUND, error.message);
    throw error;
  }
  const prefer = preferences(request);
  // Without a filter a page is rendered from its indexes only; a filter scans the table (small per environment).
  const indexes: number[] | null = predicate ? matching(table.count, table.row, predicate) : null;
  const total = indexes ? indexes.length : table.count;
  const top = Number.parseInt(url.searchParams.get('$top') ?? '', 10);
  const limit = Number.isInteger(top) && top >= 0 ? Math.min(top, total) : total;
  const offset = offsetOf(url, SKIP_TOKEN);
  const end = Math.min(limit, offset + (prefer.maxPageSize ?? ctx.inventoryPageSize));
  const value: Record<string, unknown>[] = [];
  for (let i = offset; i < end; i += 1) value.push(render(table.row(indexes ? (indexes[i] as number) : i), expand, prefer.annotations ? ctx.model : null));

  const select = url.searchParams.get('$select');
  const origin = publicOrigin(ctx, envName);
  const body: Record<string, unknown> = {
    '@odata.context': `${origin}/api/data/v9.2/$metadata#${entitySet}${select ? `(${select})` : ''}`,
  };
  if ((url.searchParams.get('$count') ?? '').toLowerCase() === 'true') body['@odata.count'] = total;
  body['value'] = value;
  if (end < limit) body['@odata.nextLink'] = envName.includes('.') ? pageUrl(origin, withoutPrefix(url), SKIP_TOKEN, end) : pageUrl(ctx.baseUrl, url, SKIP_TOKEN, end);
  return { status: 200, body };
}

const REASONS: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' };

/**
 * A `$batch` of GETs: each part (`GET {absolute or relative URL} HTTP/1.1`) is answered as
 * its own request would be, and the answers come back as one `multipart/mixed` body in the
 * same order, like the Web API's.
 */
function batch(ctx: RouteContext, _url: URL, match: RegExpExecArray, request?: SimRequest): SimResponse {
  const segment = decodeURIComponent(match[1] ?? '');
  const text = typeof ctx.requestBody === 'string' ? ctx.requestBody : '';
  const boundary = /boundary=("?)([^";]+)\1/i.exec(String(request?.headers['content-type'] ?? ''))?.[2];
  if (!boundary) return apiError(400, DATAVERSE_NOT_FOUND, 'The $batch request has no multipart boundary in its Content-Type.');
  const answers: SimResponse[] = [];
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith('--')) break;
    const line = /^(GET|POST|PATCH|DELETE) (\S+) HTTP\/1\.1/im.exec(part);
    if (!line) return apiError(400, DATAVERSE_NOT_FOUND, 'A $batch part has no request line.');
    if (line[1] !== 'GET') {
      answers.push(apiError(400, DATAVERSE_NOT_FOUND, 'The simulator answers only GET requests inside a $batch.'));
      continue;
    }
    const target = line[2] ?? '';
    const absolute = /^https:\/\/([^/]+)(\/.*)$/i.exec(target);
    const path = absolute ? `/dataverse/${absolute[1]}${absolute[2]}` : `/dataverse/${segment}${target.startsWith('/') ? '' : '/'}${target}`;
    const url = new URL(path, ctx.baseUrl);
    const entity = ENTITY_PATH.exec(url.pathname);
    if (!entity) {
      answers.push(apiError(404, DATAVERSE_NOT_FOUND, `Resource not found for the segment '${url.pathname}'.`));
      continue;
    }
    const real = (): SimResponse => answer(ctx, url, entity, request);
    const partAnswer = ctx.batchPart ? ctx.batchPart((entity[2] ?? '').toLowerCase(), real) : real();
    // A part that is never answered (a faulted table's timeout or reset) leaves the whole batch unanswered.
    if (partAnswer.abort) return partAnswer;
    answers.push(partAnswer);
  }
  const reply = `batchresponse_${segment.length}${answers.length}`;
  const parts = answers.map((a) => {
    const json = typeof a.body === 'string' ? a.body : JSON.stringify(a.body);
    return (
      `--${reply}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n` +
      `HTTP/1.1 ${a.status} ${REASONS[a.status] ?? 'Status'}\r\nContent-Type: application/json; odata.metadata=minimal\r\nOData-Version: 4.0\r\n\r\n${json}\r\n`
    );
  });
  return { status: 200, body: `${parts.join('')}--${reply}--\r\n`, headers: { 'Content-Type': `multipart/mixed; boundary=${reply}` } };
}

/**
 * The origin links are built on: the organization's own `https://{host}` when the request
 * came by host (through ppmat's Dataverse proxy, like a real org), else the simulator's path.
 */
function publicOrigin(ctx: RouteContext, segment: string): string {
  return segment.includes('.') ? `https://${segment}` : `${ctx.baseUrl}/dataverse/${segment}`;
}

/** The request URL without its `/dataverse/{segment}` prefix. */
function withoutPrefix(url: URL): URL {
  const out = new URL(url.toString());
  out.pathname = url.pathname.replace(/^\/dataverse\/[^/]+/i, '');
  return out;
}

interface Expansion {
  name: string;
  related: (row: DataverseRow) => DataverseRow | null;
  select: string[] | null;
}

/** `$expand=lookup($select=a,b),other`: only single-valued navigation properties the table has. */
function parseExpand(expand: string | null, table: DataverseTable): Expansion[] {
  if (expand === null || expand.trim() === '') return [];
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < expand.length; i += 1) {
    const c = expand[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      items.push(expand.slice(start, i));
      start = i + 1;
    }
  }
  items.push(expand.slice(start));
  return items.map((item) => {
    const m = /^\s*([A-Za-z_][\w]*)\s*(?:\((.*)\))?\s*$/.exec(item);
    const name = m?.[1]?.toLowerCase() ?? '';
    const related = table.navigation?.[name];
    if (!m || !related) throw new ODataFilterError(`Could not find a property named '${m?.[1] ?? item.trim()}' on type 'Microsoft.Dynamics.CRM.${table.entity}'.`);
    const select = /\$select=([^;)]*)/i.exec(m[2] ?? '')?.[1];
    return { name: m[1] ?? name, related, select: select ? select.split(',').map((c) => c.trim().toLowerCase()) : null };
  });
}

/** A row as sent: expanded lookups as nested objects, the owner's annotations when asked for. */
/**
 * The row's `@odata.etag`, which the Web API sends with every row (`W/"{version}"`): derived
 * from its values, so it changes when the row does and stays the same between scans.
 */
function etagOf(row: DataverseRow): string {
  let hash = 0;
  for (const char of JSON.stringify(row)) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
  return `W/"${hash}"`;
}

function render(row: DataverseRow, expand: Expansion[], annotateWith: TenantModel | null): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row), ...row };
  for (const e of expand) {
    const related = e.related(row);
    out[e.name] = related && e.select ? Object.fromEntries(Object.entries(related).filter(([key]) => e.select?.includes(key) || key.endsWith('id') && !key.startsWith('_'))) : related;
  }
  const owner = typeof row['_ownerid_value'] === 'string' ? annotateWith?.makers.byId(row['_ownerid_value']) : null;
  if (owner) {
    out[OWNER_NAME_ANNOTATION] = owner.displayName;
    out[OWNER_TABLE_ANNOTATION] = 'systemuser';
  }
  return out;
}

/** `Prefer: odata.include-annotations="*"` and `odata.maxpagesize=N`. */
function preferences(request: SimRequest | undefined): { annotations: boolean; maxPageSize: number | null } {
  const raw = request?.headers['prefer'];
  const prefer = (Array.isArray(raw) ? raw.join(',') : (raw ?? '')).toLowerCase();
  const size = /odata\.maxpagesize\s*=\s*(\d+)/.exec(prefer)?.[1];
  return { annotations: prefer.includes('odata.include-annotations'), maxPageSize: size ? Math.max(1, Number.parseInt(size, 10)) : null };
}

function matching(count: number, row: (index: number) => DataverseRow, predicate: RowPredicate): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) if (predicate(row(i))) out.push(i);
  return out;
}

/** `RetrieveSetting(SettingName='DefaultCustomPipelinesHostEnvForTenant')`: the pipelines host's environment id, empty when none. */
function retrieveSetting(ctx: RouteContext, match: RegExpExecArray, call: string): SimResponse {
  const name = /^\s*SettingName\s*=\s*'([^']*)'\s*$/i.exec(decodeURIComponent(call))?.[1];
  if (name === undefined) return apiError(400, DATAVERSE_NOT_FOUND, `RetrieveSetting needs a SettingName parameter, not '${call}'.`);
  if (name.toLowerCase() !== PIPELINES_HOST_SETTING.toLowerCase()) return apiError(404, DATAVERSE_NOT_FOUND, `The setting '${name}' does not exist.`);
  const host = ctx.model.environments[ctx.model.dataverse.pipelinesHost];
  return {
    status: 200,
    body: {
      '@odata.context': `${ctx.baseUrl}/dataverse/${decodeURIComponent(match[1] ?? '')}/api/data/v9.2/$metadata#Microsoft.Dynamics.CRM.RetrieveSettingResponse`,
      SettingValue: host?.name ?? '',
    },
  };
}

function notFound(segment: string): SimResponse {
  return apiError(404, DATAVERSE_NOT_FOUND, `Resource not found for the segment '${segment}'.`);
}
