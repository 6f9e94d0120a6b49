/** Raw `bots` row → normalized {@link Agent}. Pure. */
import type { Agent } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import { OWNER_NAME_ANNOTATION, OWNER_TABLE_ANNOTATION, type RawBot } from './agents.raw.js';

/**
 * The owner is a Dataverse principal (a `systemuser` or `team` row id), not an Entra object
 * id; its type is the lookup's table when the server annotated it, else null.
 */
export function mapAgent(raw: RawBot): Agent {
  const schemaName = wireString(raw.schemaname);
  return {
    id: raw.botid,
    name: wireString(raw.name) ?? schemaName ?? raw.botid,
    schemaName,
    state: raw.statecode ?? null,
    publishedOn: wireString(raw.publishedon),
    modifiedOn: wireString(raw.modifiedon),
    owner: {
      id: wireString(raw._ownerid_value),
      displayName: wireString(raw[OWNER_NAME_ANNOTATION]),
      type: wireString(raw[OWNER_TABLE_ANNOTATION]),
    },
    authenticationMode: raw.authenticationmode ?? null,
    accessControlPolicy: raw.accesscontrolpolicy ?? null,
  };
}
