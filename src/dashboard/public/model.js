/** The maturity model (areas, levels, statements): fetched once per page load, it does not change while the server runs. */
import { api } from './api.js';

let model = null;

export function loadModel() {
  model ??= api.get('/api/model').catch((error) => {
    model = null;
    throw error;
  });
  return model;
}
