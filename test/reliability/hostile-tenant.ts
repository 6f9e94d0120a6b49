/**
 * A tenant whose makers chose hostile names: the demo simulator with its environments, DLP
 * policies and Conditional Access policies renamed to markup, script, bidi and mention
 * payloads, scanned through the real collectors, rules and store of an App. Two scans, a
 * `capable` night then a `defined` one, so the second raises alerts (deleted DLP and CA
 * policies) whose labels carry the names. Shared by hostile-strings.test.ts (reports and
 * alert channels) and the dashboard's hostile-strings.e2e.test.ts.
 */
import pino from 'pino';
import { resolveEndpoints } from '../../src/auth/clouds.js';
import { StaticTokenCredential } from '../../src/auth/credentials.js';
import { scanDeps, type App } from '../../src/cli/app.js';
import { tenantJudging } from '../../src/cli/tenant-targets.js';
import { inventorySchema } from '../../src/config/config-schema.js';
import { createGraphClient } from '../../src/http/graph-client.js';
import { createHttpClient } from '../../src/http/http-client.js';
import { runScan, type ScanOutcome } from '../../src/scheduler/run-scan.js';
import { demoAttestations } from '../../src/simulator/demo-attestations.js';
import { simulatorDataverseProxy, simulatorEndpoints, startSimulator } from '../../src/simulator/server.js';
import type { TenantModel } from '../../src/simulator/tenant-model.js';

/** Set by a payload's script if it ever runs; the browser test checks it stays unset. */
export const PWNED_FLAG = '__ppmatPwned';

/**
 * The payloads, by what each attacks. Scripts set {@link PWNED_FLAG} (or open a dialog), so a
 * page that ran one is caught. Kept short enough to read in a message; LONG is the 100 KB one.
 */
export const PAYLOADS = {
  script: `<script>window.${PWNED_FLAG}='script'</script>`,
  attributeBreakout: `"><img src=x onerror="window.${PWNED_FLAG}='img';alert(1)">`,
  svg: `'><svg/onload=window.${PWNED_FLAG}='svg'>`,
  bidi: 'Invoices \u202Egpj.exe',
  zeroWidth: 'Fin\u200Bance\u200C\u200D\u2060\uFEFF team',
  emoji: 'Makers 👩🏽‍💻🚀 ZWJ',
  slackMentions: '<!channel> <!here> <@U123ABC> <#C42|general> <https://evil.example|click me>',
  markdown: '*bold* _italic_ ~strike~ `code` [Reset your password](javascript:alert(1)) ![x](https://evil.example/p.png) # heading',
  everyone: '@everyone @channel @here hello',
  formula: '=HYPERLINK("https://evil.example/x","open")',
  formulaPlus: '+cmd|\' /C calc\'!A0',
  formulaAt: '@SUM(1+1)*cmd|/C calc',
  pipes: 'Sales | EMEA || <b>bold</b> &amp; R&D',
  lineBreaks: 'First line\r\nSecond\u2028third\u2029fourth\ttab',
  nul: 'Null\u0000byte and \u0007bell',
  loneSurrogate: 'Lone \uD800 high and \uDC00 low',
} as const;

export type PayloadName = keyof typeof PAYLOADS;

/** A 100 KB name (what a runaway script or an attacker could set through the admin API). */
export const LONG_NAME = `Long ${'Ω<b>x</b>'.repeat(12_500)} end`;

/** The tenant's display name (stored in ppmat, shown in every output): a spreadsheet formula first, then markup. */
export const HOSTILE_TENANT_NAME = `=HYPERLINK("https://evil.example","Contoso") ${PAYLOADS.script} ${PAYLOADS.attributeBreakout} \u202Eevil`;

/** Who attested some statements: a spreadsheet function, then markup. */
export const HOSTILE_ATTESTER = `@SUM(1+1)*cmd|/C calc <img src=x onerror="window.${PWNED_FLAG}='attester'">`;

/** Why: Markdown and Slack control syntax, and a bidi override. */
export const HOSTILE_REASON = `${PAYLOADS.markdown} ${PAYLOADS.slackMentions} \u202Egpj.exe`;

/** The evidence link of those attestations: not http(s), so it must never become a link. */
export const HOSTILE_EVIDENCE_URL = `javascript:window.${PWNED_FLAG}='link'`;

/** How many of the demo's attestations carry the hostile attester. */
const HOSTILE_ATTESTATIONS = 3;

/**
 * Payloads the store cannot hold today: PostgreSQL's jsonb refuses `\u0000` and a lone
 * surrogate escape, so evidence holding one fails the whole scan (reported; the store or the
 * collectors should replace them). The scanned names leave them out; the renderers are
 * given them directly.
 */
export const UNSTORABLE: readonly PayloadName[] = ['nul', 'loneSurrogate'];

/** The payloads a scan carries into the store. */
export const SCANNED_PAYLOADS: readonly string[] = (Object.keys(PAYLOADS) as PayloadName[]).filter((k) => !UNSTORABLE.includes(k)).map((k) => PAYLOADS[k]);

const DLP_NAMES = [PAYLOADS.slackMentions, PAYLOADS.script, PAYLOADS.everyone, PAYLOADS.bidi, PAYLOADS.zeroWidth, PAYLOADS.emoji, PAYLOADS.pipes];
const CA_NAMES = [PAYLOADS.markdown, PAYLOADS.formula, PAYLOADS.attributeBreakout, PAYLOADS.svg];

/** Environment display names in order: every storable payload, then the long one. */
export const ENVIRONMENT_NAMES: readonly string[] = [...SCANNED_PAYLOADS, LONG_NAME];

export interface HostileScans {
  tenantId: string;
  outcomes: ScanOutcome[];
  /** The statements attested by {@link HOSTILE_ATTESTER}. */
  attestedByHostile: string[];
}

/**
 * Scans the hostile tenant twice into `app`'s store (the demo tenant's id, so `--demo` and
 * the API rig find it): `capable`, then `defined`, which loses DLP and CA policies.
 */
export async function scanHostileTenant(app: App): Promise<HostileScans> {
  const outcomes: ScanOutcome[] = [];
  let tenantId = '';
  let attestedByHostile: string[] = [];
  for (const profile of ['capable', 'defined'] as const) {
    const simulator = await startSimulator({ seed: app.config.demo.seed, profile, environments: ENVIRONMENT_NAMES.length + 1, adjust: renameEverything });
    try {
      tenantId = simulator.tenantId;
      const log = pino({ level: 'silent' });
      const endpoints = resolveEndpoints('public', { baseUrls: simulatorEndpoints(simulator.url) });
      const credential = new StaticTokenCredential('hostile-token');
      const root = createHttpClient({ baseUrls: endpoints.baseUrls, scopes: endpoints.scopes, credential, log, maxRetries: 2, sleep: async () => undefined, dataverseProxy: simulatorDataverseProxy(simulator.url) });
      const graph = createGraphClient({ baseUrl: endpoints.baseUrls.graph, scope: endpoints.scopes.graph, credential, log, maxRetries: 2, sleep: async () => undefined });
      await app.store.upsertTenant({ id: tenantId, displayName: HOSTILE_TENANT_NAME, cloud: 'public', schedule: '0 2 * * *', timezone: 'UTC', enabled: true });
      const deps = scanDeps(
        app,
        { createHttp: () => root.scoped(), createGraph: (stats) => graph.scoped(stats), inventory: inventorySchema.parse({}), judging: tenantJudging(app.config, null) },
        new AbortController().signal,
      );
      const attestations = demoAttestations(profile, new Date(simulator.model.asOf)).map((a, i) =>
        i < HOSTILE_ATTESTATIONS ? { ...a, by: HOSTILE_ATTESTER, reason: HOSTILE_REASON, evidenceUrl: HOSTILE_EVIDENCE_URL } : a,
      );
      attestedByHostile = attestations.slice(0, HOSTILE_ATTESTATIONS).map((a) => a.capabilityId);
      outcomes.push(await runScan({ ...deps, log }, { tenantId, displayName: HOSTILE_TENANT_NAME, attestations }, 'manual'));
    } finally {
      await simulator.close();
    }
  }
  return { tenantId, outcomes, attestedByHostile };
}

/** Environments (the default one keeps its name), DLP and Conditional Access policies get the payloads, in order. */
function renameEverything(model: TenantModel): void {
  const named = model.environments.filter((e) => !e.isDefault);
  named.forEach((env, i) => {
    env.displayName = ENVIRONMENT_NAMES[i % ENVIRONMENT_NAMES.length]!;
  });
  // The `capable` night's policies are deleted by the `defined` one: their names reach the alerts.
  model.dlpPolicies.forEach((policy, i) => {
    policy.displayName = `DLP ${DLP_NAMES[i % DLP_NAMES.length]!}`;
  });
  model.identity.conditionalAccessPolicies.forEach((policy, i) => {
    policy.displayName = `CA ${CA_NAMES[i % CA_NAMES.length]!}`;
  });
}
