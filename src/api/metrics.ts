/**
 * Prometheus metrics. Counters count what this process did (scans it ran, admin API requests
 * and 429s of those scans, alert deliveries, HTTP requests it answered); gauges read the
 * database at scrape time, so levels, last scans and open alerts are right whichever process
 * scanned. One registry per process, injected: never prom-client's global one.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { DeliveryReport } from '../alerts/dispatcher.js';

/** What a finished scan reports to the metrics. */
export interface ScanObservation {
  tenantId: string;
  trigger: string;
  status: string;
  durationMs: number;
  collectorRuns: { collector: string; requests: number; throttled: number }[];
}

export interface Metrics {
  registry: Registry;
  observeScan(scan: ScanObservation): void;
  observeDelivery(delivery: Pick<DeliveryReport, 'channel' | 'outcome'>): void;
  /** One answered HTTP request, by route pattern (never the raw URL: its ids would explode the label set). */
  observeHttp(request: { method: string; route: string; status: number; seconds: number }): void;
}

export function createMetrics(prisma: PrismaClient): Metrics {
  const registry = new Registry();
  const scans = new Counter({ name: 'ppmat_scans_total', help: 'Scans this process ran, by tenant, trigger and final status.', labelNames: ['tenant', 'trigger', 'status'], registers: [registry] });
  const durations = new Histogram({
    name: 'ppmat_scan_duration_seconds',
    help: 'How long the scans this process ran took.',
    labelNames: ['tenant'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const requests = new Counter({ name: 'ppmat_admin_api_requests_total', help: 'Requests to the admin APIs made by scans of this process, by tenant and collector.', labelNames: ['tenant', 'collector'], registers: [registry] });
  const throttled = new Counter({ name: 'ppmat_admin_api_throttled_total', help: 'Answers 429 (throttled) received by scans of this process, by tenant and collector.', labelNames: ['tenant', 'collector'], registers: [registry] });
  const httpRequests = new Counter({ name: 'ppmat_http_requests_total', help: 'HTTP requests answered, by method, route and status.', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const httpDurations = new Histogram({
    name: 'ppmat_http_request_duration_seconds',
    help: 'Time to answer HTTP requests, by route.',
    labelNames: ['route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const deliveries = new Counter({ name: 'ppmat_alert_deliveries_total', help: 'Alert message delivery attempts by this process, by channel and outcome.', labelNames: ['channel', 'outcome'], registers: [registry] });

  new Gauge({
    name: 'ppmat_area_level',
    help: 'The level (100-500) of each area in the tenant\'s last scan with results.',
    labelNames: ['tenant', 'area'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await prisma.$queryRaw<{ tenant_id: string; area: string; level: number }[]>`
        SELECT s.tenant_id, a.area, a.level FROM area_score a
        JOIN (SELECT DISTINCT ON (tenant_id) id, tenant_id FROM scan WHERE status IN ('succeeded', 'partial') ORDER BY tenant_id, id DESC) s ON s.id = a.scan_id`;
      for (const row of rows) this.set({ tenant: row.tenant_id, area: row.area }, Number(row.level));
    },
  });
  new Gauge({
    name: 'ppmat_last_scan_timestamp_seconds',
    help: 'When the tenant\'s last scan of each status finished (Unix time).',
    labelNames: ['tenant', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await prisma.scan.groupBy({ by: ['tenantId', 'status'], _max: { finishedAt: true }, where: { finishedAt: { not: null } } });
      for (const row of rows) if (row._max.finishedAt) this.set({ tenant: row.tenantId, status: row.status }, row._max.finishedAt.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'ppmat_alerts_open',
    help: 'Open alerts by tenant and severity.',
    labelNames: ['tenant', 'severity'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await prisma.alert.groupBy({ by: ['tenantId', 'severity'], where: { status: 'open' }, _count: { _all: true } });
      for (const row of rows) this.set({ tenant: row.tenantId, severity: row.severity }, row._count._all);
    },
  });
  new Gauge({
    name: 'ppmat_alert_messages_pending',
    help: 'Alert messages waiting in the outbox, by channel.',
    labelNames: ['channel'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await prisma.alertMessage.groupBy({ by: ['channel'], where: { status: 'pending' }, _count: { _all: true } });
      for (const row of rows) this.set({ channel: row.channel }, row._count._all);
    },
  });

  return {
    registry,
    observeScan(scan) {
      scans.inc({ tenant: scan.tenantId, trigger: scan.trigger, status: scan.status });
      durations.observe({ tenant: scan.tenantId }, scan.durationMs / 1000);
      for (const run of scan.collectorRuns) {
        if (run.requests > 0) requests.inc({ tenant: scan.tenantId, collector: run.collector }, run.requests);
        if (run.throttled > 0) throttled.inc({ tenant: scan.tenantId, collector: run.collector }, run.throttled);
      }
    },
    observeDelivery(delivery) {
      deliveries.inc({ channel: delivery.channel, outcome: delivery.outcome });
    },
    observeHttp({ method, route, status, seconds }) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDurations.observe({ route }, seconds);
    },
  };
}
