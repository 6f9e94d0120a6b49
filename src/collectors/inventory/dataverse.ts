/**
 * Reading an environment's own Dataverse (Web API v9.2, reference capability-signals 3):
 * absolute URLs on the environment's host, lists, and the refusal every section must
 * explain the same way: without an application user in that environment, Dataverse
 * answers 403 and only the admin of that environment can fix it.
 */
import type { InventorySection } from '../../evidence/inventory.schemas.js';
import { CollectionError } from '../types.js';
import type { EnvironmentScope, SectionContext } from './section.js';
import { environmentLabel, explainRefusal, listSection } from './section-io.js';

/** The Web API version every Dataverse read uses. */
export const DATAVERSE_API_PATH = '/api/data/v9.2';

/** Why a Dataverse section does not apply to an environment without a database. */
export const NO_DATAVERSE_REASON = 'it has no Dataverse database';

/** The `notApplicable` of every section read from the environment's Dataverse. */
export function dataverseNotApplicable(environment: EnvironmentScope): string | null {
  if (!environment.hasDataverse) return NO_DATAVERSE_REASON;
  if (!environment.dataverseUrl) return 'the environment list gave no URL for its Dataverse database';
  return null;
}

/**
 * An OData query string: names as given (`$select`), values percent-encoded except the
 * commas and colons of column lists and timestamps, which stay readable in logs and errors.
 */
export function odataQuery(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%3A/gi, ':')}`)
    .join('&');
}

/** The absolute URL of an entity set of the environment's Dataverse, with its query. */
export function dataverseUrl(environment: EnvironmentScope, entitySet: string, params: Readonly<Record<string, string>>): string {
  if (!environment.dataverseUrl) {
    throw new CollectionError(
      'error',
      'PPMAT_E_MALFORMED_RESPONSE',
      `Environment ${environmentLabel(environment)} has no Dataverse URL in the environment list, so its ${entitySet} table cannot be read.`,
    );
  }
  return `${environment.dataverseUrl.replace(/\/+$/, '')}${DATAVERSE_API_PATH}/${entitySet}?${odataQuery(params)}`;
}

/** What a 403 from the environment's Dataverse means and how to fix it, naming the environment and the table. */
export function dataverseRefusal(environment: EnvironmentScope, table: string): string {
  return (
    `The Dataverse database of environment ${environmentLabel(environment)} refused to let ppmat read the ${table} table: ` +
    `add the app registration as an application user with a security role that can read ${table} in environment "${environment.displayName}" ` +
    `(Power Platform admin center > Environments > ${environment.displayName} > Settings > Users + permissions > Application users).`
  );
}

/** Runs a Dataverse request of `table`, explaining a 403 with {@link dataverseRefusal}. */
export function readDataverse<T>(ctx: SectionContext, table: string, request: () => Promise<T>): Promise<T> {
  return explainRefusal(dataverseRefusal(ctx.environment, table), request);
}

export interface DataverseListOptions {
  section: InventorySection;
  entitySet: string;
  params: Readonly<Record<string, string>>;
  /**
   * Statuses that mean "none" (404: the table does not exist in this environment), when the
   * error names the table ({@link missingTable}); any other answer with them is an error.
   */
  noneStatuses?: readonly number[];
}

/**
 * How Dataverse says an entity set does not exist: `0x80060888` "Resource not found for the
 * segment 'bots'.", naming it. A 404 that does not name the table (an organization that is
 * gone, a proxy's answer) is no proof the table is absent.
 */
export function missingTable(entitySet: string): RegExp {
  return new RegExp(`segment '?${entitySet}\\b`, 'i');
}

/** Every row of a Dataverse entity set (following `@odata.nextLink`), or null when it answered a "none" status. */
export async function listDataverse(ctx: SectionContext, options: DataverseListOptions): Promise<{ url: string; rows: unknown[] | null }> {
  const url = dataverseUrl(ctx.environment, options.entitySet, options.params);
  const none = options.noneStatuses ? { noneStatuses: options.noneStatuses, noneWhen: missingTable(options.entitySet) } : {};
  const rows = await readDataverse(ctx, options.entitySet, () => listSection(ctx, { section: options.section, surface: 'dataverse', url, ...none }));
  return { url, rows };
}
