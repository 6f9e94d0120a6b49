/** Raw `WebsiteDto` → normalized {@link PowerPagesSite}. Pure. */
import type { PowerPagesSite } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import type { RawWebsite } from './power-pages-sites.raw.js';

/** Maps one site; values the API omitted stay null. */
export function mapPowerPagesSite(raw: RawWebsite): PowerPagesSite {
  return {
    id: raw.id,
    name: wireString(raw.name) ?? raw.id,
    websiteUrl: wireString(raw.websiteUrl),
    siteVisibility: wireString(raw.siteVisibility),
    type: wireString(raw.type),
    status: wireString(raw.status),
    ownerId: wireString(raw.ownerId),
    createdOn: wireString(raw.createdOn),
  };
}
