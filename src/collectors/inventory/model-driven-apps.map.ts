/** Raw `appmodules` row → normalized {@link ModelDrivenApp}. Pure. */
import type { ModelDrivenApp } from '../../evidence/inventory.schemas.js';
import { wireString } from '../wire-values.js';
import type { RawAppModule } from './model-driven-apps.raw.js';

/** Maps one app module; a nameless one is named by its unique name, else its id, so it stays identifiable. */
export function mapModelDrivenApp(raw: RawAppModule): ModelDrivenApp {
  const uniqueName = wireString(raw.uniquename);
  return {
    id: raw.appmoduleid,
    name: wireString(raw.name) ?? uniqueName ?? raw.appmoduleid,
    uniqueName,
    publishedOn: wireString(raw.publishedon),
    modifiedOn: wireString(raw.modifiedon),
  };
}
