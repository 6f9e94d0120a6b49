/**
 * `ppmat report --format json`: the report model itself, indented, for scripts and for other
 * tools to render (the HTML report embeds the same model).
 */
import type { ReportModel } from './report-model.js';

export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}
