/**
 * Where the dashboard's files are: served by the API at `/assets/`, and inlined by the
 * offline HTML report (which draws the same charts with the same script).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_ROOT } from '../store/paths.js';

export const DASHBOARD_DIR = path.join(PACKAGE_ROOT, 'src', 'dashboard', 'public');

/** The chart drawing (`window.ppmatCharts`), a classic script that needs `window.Chart`. */
export const CHARTS_SCRIPT = path.join(DASHBOARD_DIR, 'charts.js');

/** Chart.js's UMD build. The package's `exports` map hides `dist/`, so it is found beside the package's entry (in dist/). */
export function chartJsFile(): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
}
