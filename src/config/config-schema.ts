/**
 * The shape of ppmat.yaml (after environment variables are applied), validated once at start.
 * Secrets are never inline: a client secret, a certificate, its password, a channel's secret
 * come from an environment variable, a file or Azure Key Vault (see secret-source.ts).
 */
import { z } from 'zod';
import { channelsConfigSchema } from '../alerts/channels/channel-config.js';
import { retentionSchema } from '../history/retention-policy.js';
import { AREAS } from '../scoring/types.js';
import { secretSourceSchema } from './secret-source.js';
import { validate as isValidCron } from 'node-cron';

const cron = z
  .string()
  .refine((value) => isValidCron(value), { message: 'is not a valid cron expression (e.g. "0 2 * * *" for 02:00 every night)' });

const timezone = z.string().refine(
  (value) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone (e.g. "Europe/Paris")' },
);

const guidOrDomain = z.string().min(1);

const count = (...values: unknown[]): number => values.filter((v) => v !== undefined).length;

export const credentialSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('clientSecret'),
    clientId: z.string().min(1),
    /** Where the secret is: `{ env: NAME }`, `{ file: /path }` or `{ keyVault: { vaultUrl, name } }`. */
    clientSecret: secretSourceSchema.optional(),
    /** The name of the environment variable that holds the secret (same as `clientSecret: { env: NAME }`). */
    clientSecretEnv: z.string().min(1).optional(),
    /** A file whose content is the secret (same as `clientSecret: { file: path }`). */
    clientSecretFile: z.string().min(1).optional(),
  }).refine((c) => count(c.clientSecret, c.clientSecretEnv, c.clientSecretFile) === 1, {
    message: 'give exactly one of clientSecret ({ env }, { file } or { keyVault }), clientSecretEnv or clientSecretFile (secrets are never written in ppmat.yaml)',
  }),
  z.strictObject({
    kind: z.literal('clientCertificate'),
    clientId: z.string().min(1),
    /** A PEM file with the certificate and its private key. */
    certificatePath: z.string().min(1).optional(),
    /** The certificate and its private key, PEM, from `{ env }`, `{ file }` or `{ keyVault }` (a Key Vault certificate created with content type PEM). */
    certificate: secretSourceSchema.optional(),
    /** The password of an encrypted private key. */
    certificatePassword: secretSourceSchema.optional(),
    /** The name of the environment variable holding that password (same as `certificatePassword: { env: NAME }`). */
    certificatePasswordEnv: z.string().min(1).optional(),
  })
    .refine((c) => count(c.certificatePath, c.certificate) === 1, { message: 'give exactly one of certificatePath or certificate ({ env }, { file } or { keyVault })' })
    .refine((c) => count(c.certificatePassword, c.certificatePasswordEnv) <= 1, { message: 'give at most one of certificatePassword or certificatePasswordEnv' }),
  z.strictObject({ kind: z.literal('managedIdentity'), clientId: z.string().min(1).optional() }),
  z.strictObject({
    /** Workload identity federation: AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE are used when these are omitted. */
    kind: z.literal('workloadIdentity'),
    clientId: z.string().min(1).optional(),
    tokenFilePath: z.string().min(1).optional(),
  }),
  z.strictObject({
    /** @azure/identity's DefaultAzureCredential chain. */
    kind: z.literal('default'),
    managedIdentityClientId: z.string().min(1).optional(),
  }),
  z.strictObject({
    kind: z.literal('static'),
    /** The name of the environment variable that holds a bearer token (test rigs). */
    tokenEnv: z.string().min(1),
  }),
]);
export type CredentialConfig = z.infer<typeof credentialSchema>;

const bySurface = <T extends z.ZodType>(value: T) =>
  z.strictObject({ bap: value.optional(), powerApps: value.optional(), flow: value.optional(), powerPlatform: value.optional(), graph: value.optional() });

/**
 * Base URL of each API surface, overriding the cloud's; `dataverse` sends every Dataverse
 * request to `{dataverse}/{org-host}/path` (a gateway, or the simulator), the token still
 * issued for the organization.
 */
export const endpointsSchema = bySurface(z.url()).extend({ dataverse: z.url().optional() });
/** Token scope of each API surface, overriding the cloud's (sovereign clouds' audiences are not all confirmed). */
export const scopesSchema = bySurface(z.string().min(1));

export const attestationSchema = z.strictObject({
  capability: z.string().min(1),
  by: z.string().min(1),
  at: z.iso.date().or(z.iso.datetime()),
  reason: z.string().min(1),
  expires: z.iso.date().or(z.iso.datetime()).optional(),
});

/** How the inventory is collected and judged (per tenant). */
export const inventorySchema = z.strictObject({
  /** Environments listed at once. */
  environmentConcurrency: z.int().min(1).max(64).default(8),
  /** Permission requests per environment at once. */
  permissionConcurrency: z.int().min(1).max(64).default(8),
  /** Read each app's and flow's permissions (sharing, shared with Everyone). */
  appPermissions: z.boolean().default(true),
  flowPermissions: z.boolean().default(true),
  /** Look owners up in Entra ID (orphans). */
  lookUpOwners: z.boolean().default(true),
  /** Owners found existing are looked up again after this many days. */
  ownerRecheckDays: z.number().min(0).default(7),
  /** Moved: thresholds are check parameters now (`rules.parameters`), so every check reads them the same way. */
  oversharedThreshold: z.never({ error: "moved: set rules.parameters: { governance.no-overshared-apps: { maxPrincipals: N } } (or the tenant's rules.parameters)" }).optional(),
  unusedDays: z.never({ error: "moved: set rules.parameters: { governance.unused-resources: { unusedDays: N } } (or the tenant's rules.parameters)" }).optional(),
});
export type InventoryConfig = z.infer<typeof inventorySchema>;

/**
 * Organization targets: per area, the level aimed for and by when (the model asks for both).
 * At most one per area.
 */
export const targetsSchema = z
  .array(
    z.strictObject({
      area: z.enum(AREAS),
      level: z.union([z.literal(200), z.literal(300), z.literal(400), z.literal(500)]),
      by: z.iso.date(),
    }),
  )
  .default([])
  .refine((targets) => new Set(targets.map((t) => t.area)).size === targets.length, { message: 'give at most one target per area' });

/** Overrides of check parameters: check id -> parameter -> value (validated against the checks at start). */
const parameterOverridesSchema = z.record(z.string().min(1), z.record(z.string().min(1), z.unknown())).default({});

/** The share of a level's statements that must be met for the level to count (1: every statement, the model's reading). */
const thresholdSchema = z.number().gt(0, 'must be above 0').max(1, 'must be at most 1 (every statement)');

export const tenantSchema = z.strictObject({
  id: guidOrDomain,
  displayName: z.string().min(1).optional(),
  cloud: z.enum(['public', 'gcc', 'gcchigh', 'dod', 'china']).default('public'),
  schedule: cron.default('0 2 * * *'),
  timezone: timezone.default('UTC'),
  enabled: z.boolean().default(true),
  credential: credentialSchema,
  endpoints: endpointsSchema.optional(),
  scopes: scopesSchema.optional(),
  /** Entra ID authority, overriding the cloud's (e.g. https://login.microsoftonline.us). */
  authorityHost: z.url().optional(),
  attestations: z.array(attestationSchema).default([]),
  inventory: inventorySchema.prefault({}),
  targets: targetsSchema,
  /** This tenant's check parameters, over the global `rules.parameters`. */
  rules: z.strictObject({ parameters: parameterOverridesSchema }).prefault({}),
  /** This tenant's level threshold, over the global `scoring.threshold`. */
  scoring: z.strictObject({ threshold: thresholdSchema.optional() }).prefault({}),
});
export type TenantConfig = z.infer<typeof tenantSchema>;

/**
 * How ppmat reads the secrets that config references in Azure Key Vault: the identity it uses
 * (which needs the "Key Vault Secrets User" role on each vault). Used only when some secret
 * says `keyVault: ...`.
 */
export const keyVaultSchema = z
  .strictObject({
    credential: z
      .discriminatedUnion('kind', [
        /** DefaultAzureCredential: environment (AZURE_CLIENT_ID, ...), workload identity, managed identity, Azure CLI. */
        z.strictObject({ kind: z.literal('default'), managedIdentityClientId: z.string().min(1).optional(), tenantId: z.string().min(1).optional() }),
        z.strictObject({ kind: z.literal('managedIdentity'), clientId: z.string().min(1).optional() }),
        z.strictObject({ kind: z.literal('workloadIdentity'), tenantId: z.string().min(1).optional(), clientId: z.string().min(1).optional(), tokenFilePath: z.string().min(1).optional() }),
        /** A bearer token from an environment variable (test rigs and gateways). */
        z.strictObject({ kind: z.literal('static'), tokenEnv: z.string().min(1) }),
      ])
      .default({ kind: 'default' }),
    /** Entra authority of the vault's cloud (e.g. https://login.microsoftonline.us); public cloud when omitted. */
    authorityHost: z.url().optional(),
    /** One secret read, retries included, gives up after this long. */
    timeoutMs: z.int().min(1000).max(300_000).default(30_000),
  })
  .prefault({});
export type KeyVaultConfig = z.infer<typeof keyVaultSchema>;

/**
 * Microsoft Entra ID sign-in to the API and dashboard: bearer tokens issued for `clientId`
 * (validated with jose against the tenant's published keys) and, with a client secret, the
 * browser sign-in (authorization code flow with PKCE). Roles come from the token's `roles`
 * claim (app roles), mapped to ppmat's roles.
 */
export const entraAuthSchema = z.strictObject({
  tenantId: z.string().min(1),
  /** The app registration the tokens are issued for (their audience). */
  clientId: z.string().min(1),
  /** For the browser sign-in: where the app's client secret is (`{ env }`, `{ file }` or `{ keyVault }`). */
  clientSecret: secretSourceSchema.optional(),
  /** The same, as the environment variable or file holding it. */
  clientSecretEnv: z.string().min(1).optional(),
  clientSecretFile: z.string().min(1).optional(),
  cloud: z.enum(['public', 'gcc', 'gcchigh', 'dod', 'china']).default('public'),
  /** The authority, overriding the cloud's (e.g. https://login.microsoftonline.us); the issuer is `{authority}/{tenantId}/v2.0`. */
  authority: z.url().optional(),
  /** App role values (the `roles` claim) that grant each ppmat role. */
  roles: z
    .strictObject({
      admin: z.array(z.string().min(1)).default(['Ppmat.Admin']),
      attester: z.array(z.string().min(1)).default(['Ppmat.Attester']),
      viewer: z.array(z.string().min(1)).default(['Ppmat.Viewer']),
    })
    .prefault({}),
}).refine((e) => count(e.clientSecret, e.clientSecretEnv, e.clientSecretFile) <= 1, { message: 'give at most one of clientSecret, clientSecretEnv or clientSecretFile' });
export type EntraAuthConfig = z.infer<typeof entraAuthSchema>;

/**
 * Where scans run. `local`: in the `ppmat start` process (one machine; the embedded database
 * works). `queue`: `ppmat start` enqueues them in PostgreSQL (pg-boss) and `ppmat worker`
 * processes, on any number of machines, run them.
 */
export const scansSchema = z
  .strictObject({
    mode: z.enum(['local', 'queue']).default('local'),
    /** A scan's lease on its tenant lasts this long without renewal: a dead process frees its tenant after it. */
    leaseSeconds: z.coerce.number<string | number>().min(3).max(3600).default(120),
    /** queue: how long a job may run before it is given to another worker (longer than your longest scan). */
    jobTimeoutMinutes: z.number().min(1).max(1439).default(180),
    /** queue: how many times a failed or abandoned job is tried again. */
    retries: z.int().min(0).max(20).default(3),
  })
  .prefault({});
export type ScansConfig = z.infer<typeof scansSchema>;

/** The HTTP API and dashboard (`ppmat serve`, `npm start`). */
const rateLimitSchema = z.strictObject({ max: z.number().int().min(1), windowSeconds: z.number().positive() });

export const apiSchema = z
  .strictObject({
    /** The address to listen on: loopback unless told otherwise. */
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.coerce.number<string | number>().int().min(0).max(65_535).default(8080),
    /** Whether `npm start` / `ppmat serve` serve HTTP at all. */
    enabled: z.boolean().default(true),
    auth: z
      .strictObject({
        entra: entraAuthSchema.optional(),
        /** How long a browser session lasts after sign-in. */
        sessionHours: z.number().min(0.25).max(720).default(8),
        /**
         * At start, create a short-lived admin token and print the dashboard link with it (like
         * Jupyter), so a first run is usable without `ppmat tokens create`.
         */
        launchToken: z.boolean().default(true),
      })
      .prefault({}),
    /**
     * Limits per client address (see docs/api.md "Rate limits"): `signIn` on the browser
     * sign-in routes, `authFailures` on refused credentials, `perCaller` on every request of
     * one credential. Each is `{ max, windowSeconds }`, or null to turn it off; absent, the
     * defaults apply (20 sign-ins and 30 refusals a minute; no per-caller limit).
     */
    rateLimits: z
      .strictObject({
        signIn: rateLimitSchema.nullable().optional(),
        authFailures: rateLimitSchema.nullable().optional(),
        perCaller: rateLimitSchema.nullable().optional(),
      })
      .optional(),
  })
  .prefault({});
export type ApiConfig = z.infer<typeof apiSchema>;

export const configSchema = z.strictObject({
  /** Embedded database directory (PGlite); ignored when databaseUrl is set. */
  dataDir: z.string().min(1).default('.ppmat/data'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgresql://').optional(),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** `auto`: readable lines on a terminal, JSON lines otherwise. */
      format: z.enum(['auto', 'json', 'pretty']).default('auto'),
    })
    .default({ level: 'info', format: 'auto' }),
  /** Folder with model/ and checks/ (default: the rules shipped with ppmat). */
  rulesDir: z.string().min(1).optional(),
  rules: z
    .strictObject({
      /** The organization's own rule packs: folders with checks/ and/or model/, added to the rule set. */
      packs: z.array(z.string().min(1)).default([]),
      /** Check parameters for every tenant (and the demo): check id -> parameter -> value. */
      parameters: parameterOverridesSchema,
    })
    .prefault({}),
  scoring: z.strictObject({ threshold: thresholdSchema.default(1) }).prefault({}),
  /** How long scans are kept: all of them for `weeklyAfterDays`, then one a week, none after `keepDays`. */
  retention: retentionSchema,
  /** Regressions and degraded scans, and where their messages go. */
  alerts: z
    .strictObject({
      /** Teams (Workflows webhook), Slack, generic webhook, e-mail; each with a severity and tenant filter. */
      channels: channelsConfigSchema.default([]),
      /** An alert still open is reminded after this many hours (0: never). */
      reminderHours: z.number().min(0).default(24),
      /** Consecutive partial or failed scans of a tenant before "scans are degraded" is raised. */
      degradedAfter: z.int().min(1).default(3),
      /** The dashboard's address, for links in messages (e.g. https://ppmat.contoso.com). */
      publicUrl: z.url().optional(),
      /**
       * How long a dispatcher's claim on a message lasts: a process that dies while sending is
       * replaced after this (and the receiver gets the same Idempotency-Key). Longer than a send.
       */
      claimSeconds: z.number().min(1).max(86_400).default(600),
    })
    .prefault({}),
  http: z
    .strictObject({
      timeoutMs: z.number().int().positive().default(30_000),
      maxRetries: z.number().int().min(0).max(20).default(5),
      /** Requests in flight per API host and tenant; halved on throttling, regrown after successes. */
      maxConcurrencyPerHost: z.number().int().min(1).max(64).default(8),
    })
    .default({ timeoutMs: 30_000, maxRetries: 5, maxConcurrencyPerHost: 8 }),
  /** The built-in demo tenant, scanned when no tenant is configured. */
  demo: z
    .strictObject({
      profile: z.enum(['initial', 'defined', 'capable']).default('defined'),
      seed: z.number().int().default(42),
      environments: z.number().int().min(1).max(100_000).default(12),
      schedule: cron.default('0 2 * * *'),
      timezone: timezone.default('UTC'),
      /** Targets of the demo tenant, to try the target report. */
      targets: targetsSchema,
    })
    .default({ profile: 'defined', seed: 42, environments: 12, schedule: '0 2 * * *', timezone: 'UTC', targets: [] }),
  tenants: z.array(tenantSchema).default([]),
  /** The identity that reads secrets referenced in Azure Key Vault. */
  keyVault: keyVaultSchema,
  api: apiSchema,
  scans: scansSchema,
}).refine((config) => config.scans.mode !== 'queue' || config.databaseUrl !== undefined, {
  message: 'scans.mode: queue needs a PostgreSQL server (databaseUrl or DATABASE_URL): the queue lives there, shared by the workers',
  path: ['scans', 'mode'],
});
export type Config = z.infer<typeof configSchema>;
