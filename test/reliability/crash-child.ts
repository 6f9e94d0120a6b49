/**
 * The process the crash-safety test kills: ppmat's scan and delivery, composed as `ppmat start`
 * composes them (one app: config, data-directory lock, database, migrations, rule set; a scan
 * under the tenant's lease with the orphan sweep before it; the outbox dispatcher), in a loop of
 * cycles: scan, then deliver every due message, then report the database's state.
 *
 * Markers on standard output (one JSON object a line) tell the test where the process is, so it
 * can kill it during collection, while the results are written, or while alerts are sent:
 * `{"m":"phase","phase":"collecting"|"evaluating"|"storing"|"stored"|"delivering"|"delivered","cycle":n,"scanId":..}`,
 * and after each cycle `{"m":"cycle","cycle":n,"state":DatabaseState}` (crash-state.ts).
 *
 * The tenant is two simulators of one tenant id: one as built, one with a DLP policy deleted.
 * Each scan scans the posture the count of committed scans picks, so two committed scans in a
 * row always differ: every committed scan after the first raises or resolves an alert, even when
 * scans in between were killed.
 *
 * The test bundles this module (crash-rig.ts bundleCrashChild) and runs it with node.
 *
 * Environment: CRASH_CYCLES (stop after that many cycles; default: run until killed),
 * CRASH_ENVIRONMENTS (simulated environments, default 3), CRASH_LATENCY_MS ("min,max" per request).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildChannels } from '../../src/alerts/build-channels.js';
import { createDispatcher } from '../../src/alerts/dispatcher.js';
import { openApp, scanDeps } from '../../src/cli/app.js';
import { scanAttestations } from '../../src/cli/attestations.js';
import { leaseDeps, ORPHANED_REASON } from '../../src/cli/scan-lease.js';
import { configuredTarget, type TenantTarget } from '../../src/cli/tenant-targets.js';
import { withLease } from '../../src/scheduler/lease.js';
import { runScan, type ScanProgressEvent } from '../../src/scheduler/run-scan.js';
import { simulatorDataverseProxy, simulatorEndpoints, startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { createOutboxRepository } from '../../src/store/outbox-repository.js';
import { readDatabaseState } from './crash-state.js';

type Phase = 'collecting' | 'evaluating' | 'storing' | 'stored' | 'delivering' | 'delivered';

const emit = (marker: object): void => {
  process.stdout.write(`${JSON.stringify(marker)}\n`);
};

export async function runCrashChild(env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  const cycles = env.CRASH_CYCLES ? Number(env.CRASH_CYCLES) : Number.POSITIVE_INFINITY;
  const [min, max] = (env.CRASH_LATENCY_MS ?? '0,0').split(',').map(Number);
  const app = await openApp({ cwd, env, logToTerminal: false, defaultLogLevel: 'warn' });
  emit({ m: 'open', database: app.db.kind });
  const simulators: RunningSimulator[] = [];
  try {
    const tenant = app.config.tenants[0];
    if (!tenant) throw new Error('the crash child needs one configured tenant');
    const postures = [undefined, (model: { dlpPolicies: unknown[] }) => void model.dlpPolicies.shift()];
    for (const adjust of postures) {
      simulators.push(
        await startSimulator({
          tenantId: tenant.id,
          profile: 'defined',
          environments: Number(env.CRASH_ENVIRONMENTS ?? 3),
          latencyMs: { min: min ?? 0, max: max ?? 0 },
          ...(adjust ? { adjust } : {}),
        }),
      );
    }
    const targets: TenantTarget[] = [];
    for (const simulator of simulators) {
      const endpoints = { ...simulatorEndpoints(simulator.url), dataverse: simulatorDataverseProxy(simulator.url) };
      targets.push(await configuredTarget(app.config, { ...tenant, endpoints }, app.log, env));
    }
    const clock = () => new Date();
    const channels = await buildChannels(app.config.alerts.channels, { env, clock });
    const outbox = createOutboxRepository(app.db.prisma, { clock });
    const dispatcher = createDispatcher({ outbox, channels, clock, log: app.log.child({ component: 'alerts' }), lockMs: app.config.alerts.claimSeconds * 1000 });
    const lease = { ...leaseDeps(app, {}, app.log.child({ component: 'lease' })), signal: new AbortController().signal };

    for (let cycle = 0; cycle < cycles; cycle += 1) {
      let scanId = 0;
      const phase = (name: Phase, extra: object = {}) => emit({ m: 'phase', phase: name, cycle, scanId, ...extra });
      const committed = await app.db.prisma.scan.count({ where: { tenantId: tenant.id, status: { in: ['succeeded', 'partial'] } } });
      const target = targets[committed % 2]!;
      await app.store.upsertTenant(target.tenant);
      const onProgress = (event: ScanProgressEvent) => {
        if (event.type === 'stage') phase(event.stage);
      };
      for (;;) {
        const leased = await withLease(lease, tenant.id, async (context) => {
          await app.store.abortOrphanedScans(new Date(), ORPHANED_REASON);
          return runScan(
            {
              ...scanDeps(app, target, context.signal, onProgress),
              onStarted: async (id) => {
                await context.attach(id);
                scanId = id;
                phase('collecting', { posture: committed % 2 });
              },
            },
            { tenantId: tenant.id, displayName: target.tenant.displayName, attestations: await scanAttestations(app, target) },
            'manual',
          );
        });
        // On PostgreSQL a killed process's lease is waited out (a few seconds in the test's config).
        if (leased.status === 'busy') {
          await sleep(250);
          continue;
        }
        phase('stored', { status: leased.value.status });
        break;
      }
      phase('delivering');
      const sent = await deliverAll(dispatcher, outbox);
      phase('delivered', { sent });
      emit({ m: 'cycle', cycle, state: await readDatabaseState(app.db.prisma, tenant.id) });
    }
  } finally {
    for (const simulator of simulators) await simulator.close();
    await app.close();
  }
}

/** Delivers until nothing is pending, waiting out the claims of a killed process (claimSeconds). */
async function deliverAll(dispatcher: ReturnType<typeof createDispatcher>, outbox: ReturnType<typeof createOutboxRepository>): Promise<number> {
  const deadline = Date.now() + 60_000;
  let sent = 0;
  for (;;) {
    const report = await dispatcher.runOnce();
    sent += report.delivered;
    if (report.claimed > 0) continue;
    const pending = await outbox.pending();
    if (pending.length === 0) return sent;
    if (Date.now() > deadline) throw new Error(`alert messages still pending after 60 s: ${pending.map((m) => `#${m.id} ${m.lastError ?? ''}`).join('; ')}`);
    await sleep(100);
  }
}
