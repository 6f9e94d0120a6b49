/** Hash routes: one place that builds and parses them. */

const seg = (s) => encodeURIComponent(String(s));
const withScan = (href, scanId) => (scanId === undefined || scanId === null ? href : `${href}?scan=${seg(scanId)}`);

export const tenantHref = (tenantId, scanId) => withScan(`#/t/${seg(tenantId)}`, scanId);
export const gridHref = (tenantId, scanId) => withScan(`#/t/${seg(tenantId)}/grid`, scanId);
export const capabilityHref = (tenantId, capabilityId, scanId) => withScan(`#/t/${seg(tenantId)}/c/${seg(capabilityId)}`, scanId);
export const roadmapHref = (tenantId) => `#/t/${seg(tenantId)}/roadmap`;
export const tenantAlertsHref = (tenantId) => `#/t/${seg(tenantId)}/alerts`;
export const alertsHref = () => '#/alerts';
export const signinHref = () => '#/signin';

const TABLE = [
  { pattern: [], name: 'tenants' },
  { pattern: ['signin'], name: 'signin' },
  { pattern: ['alerts'], name: 'alerts' },
  { pattern: ['t', ':tenantId'], name: 'overview' },
  { pattern: ['t', ':tenantId', 'grid'], name: 'grid' },
  { pattern: ['t', ':tenantId', 'c', ':capabilityId'], name: 'capability' },
  { pattern: ['t', ':tenantId', 'roadmap'], name: 'roadmap' },
  { pattern: ['t', ':tenantId', 'alerts'], name: 'alerts' },
];

/** `#/t/x/c/y?scan=3` → { name: 'capability', params: { tenantId: 'x', capabilityId: 'y' }, query }. */
export function parseRoute(hash) {
  const raw = hash.replace(/^#/, '');
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  let segments;
  try {
    segments = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    segments = null;
  }
  const query = new URLSearchParams(queryPart);
  if (segments) {
    for (const route of TABLE) {
      if (route.pattern.length !== segments.length) continue;
      const params = {};
      const ok = route.pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = segments[i]), true) : p === segments[i]));
      if (ok) return { name: route.name, params, query };
    }
  }
  return { name: 'not-found', params: {}, query };
}
