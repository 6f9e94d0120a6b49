/**
 * Issue 8 item 6, planted secrets: known, unique secrets are planted wherever ppmat takes
 * secrets (a client secret from the environment and one from Azure Key Vault, a certificate's
 * private key and its password, a Key Vault certificate and its password from a file, the
 * API token, webhook URLs with their tokens, a webhook signing secret from Key Vault, an SMTP
 * password, the Key Vault access token, the sign-in client secret, the bearer tokens the
 * tenant's API receives, and the client assertions signed with the planted keys), then everything is made to fail in every way this test can provoke:
 * a token endpoint that refuses and echoes what it was sent, an API answering 401 with the
 * token in its body, 403, 500, timeouts and malformed JSON, Key Vault answering 404 and 403,
 * receivers that answer 500 echoing the request, an SMTP server refusing the password.
 *
 * Every output is captured: each CLI run's stdout, stderr and pino log (at trace), the Azure
 * SDK's log (at verbose), `ppmat doctor`, `ppmat report` in every format (stdout and files),
 * the HTTP API's answers (errors included), thrown errors with their causes, and every row of
 * every table of the database. Each output is searched for each secret in every form it may
 * travel in (as is, URL-encoded, JSON-escaped, base64 at each alignment, hex, and line by line
 * for a PEM). Nothing may be found.
 *
 * The one output not searched is `ppmat tokens create`'s, whose purpose is to show the new
 * token once.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { AzureLogger, setLogLevel } from '@azure/logger';
import nock from 'nock';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFromApp } from '../../src/api/api-from-app.js';
import { createMetrics } from '../../src/api/metrics.js';
import { buildServer } from '../../src/api/server.js';
import { openApp } from '../../src/cli/app.js';
import { runCli } from '../../src/cli/program.js';
import { configuredTarget } from '../../src/cli/tenant-targets.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { captureStream } from '../support/cli-harness.js';
import { recordFigures } from '../support/figures.js';
import { mockKeyVault } from '../support/key-vault-mock.js';
import { createEmptyServerDatabase } from '../support/test-database.js';

// ---------------------------------------------------------------------------------------------
// The planted secrets: unique, with the characters that encodings change (~ . + / = & @ %).
// ---------------------------------------------------------------------------------------------

const unique = (prefix: string): string => `${prefix}${randomBytes(12).toString('base64url')}`;
const pem = (label: string, der: Buffer): string => `-----BEGIN ${label}-----\n${der.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;

/** A key pair whose private key is encrypted with `password`, in a PEM beside a (fake) certificate. */
function certificatePem(password: string): { file: string; decryptedKey: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: password },
  });
  const decryptedKey = createPrivateKey({ key: privateKey, passphrase: password, format: 'pem' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  // @azure/identity hashes the certificate block for the thumbprint and never parses it.
  return { file: `${pem('CERTIFICATE', randomBytes(700))}${privateKey}`, decryptedKey };
}

const CERT_PASSWORD = unique('Cert+Pw/');
const ADATUM_CERT_PASSWORD = unique('Adatum.Cert=Pw&');
const northwindCert = certificatePem(CERT_PASSWORD);
const adatumCert = certificatePem(ADATUM_CERT_PASSWORD);

const PLANTED = {
  'client secret (environment)': unique('Fab8Q~'),
  'client secret (Key Vault)': unique('Con7Q~'),
  'certificate private key (encrypted PEM, file)': northwindCert.file,
  'certificate private key (decrypted)': northwindCert.decryptedKey,
  'certificate password (environment)': CERT_PASSWORD,
  'certificate private key (Key Vault PEM)': adatumCert.file,
  'certificate private key (Key Vault, decrypted)': adatumCert.decryptedKey,
  'certificate password (file)': ADATUM_CERT_PASSWORD,
  'Teams webhook signature (sig=)': unique('teamsSig'),
  'Teams webhook path token': unique('teamsPath'),
  'Slack webhook path token (URL from a file)': unique('slackB0'),
  'webhook URL token (URL from the environment)': unique('hookTok'),
  'webhook signing secret (Key Vault)': unique('whsec_'),
  'SMTP password (file)': unique('smtp@Pass%'),
  'sign-in client secret (file)': unique('Entra9Q~'),
  'Key Vault access token': unique('eyJ0eXAiOiJKV1QiLCJrdi'),
  'bearer token the API receives (contoso)': unique('eyJ0eXAiOiJKV1QiLCJjb250b3Nv'),
  'bearer token the API receives (northwind)': unique('eyJ0eXAiOiJKV1QiLCJub3J0aA'),
  'API token': '', // created by `ppmat tokens create` below
  'API token secret part': '',
} as Record<string, string>;

/** Where a secret may hide in an output: the forms it travels in. */
function formsOf(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    Buffer.from(secret).toString('hex'),
  ]);
  for (let offset = 0; offset < 3; offset++) {
    // A secret inside a longer base64 text: its characters depend on what precedes it only in
    // its first group of four, and on what follows in its last.
    const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(secret)]);
    for (const encoding of ['base64', 'base64url'] as const) forms.add(bytes.toString(encoding).slice(offset === 0 ? 0 : 4, -4));
  }
  for (const line of secret.split('\n')) if (line.length >= 20 && !line.startsWith('-----')) forms.add(line);
  return [...forms].filter((form) => form.length >= 12);
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

const outputs: { name: string; text: string }[] = [];
const keep = (name: string, text: string): void => void outputs.push({ name, text });

function lineSink(): { stream: Writable; text(): string } {
  let text = '';
  return { stream: new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) }), text: () => text };
}

/** Every line the Azure SDK logs (identity, Key Vault, the HTTP pipeline), at verbose. */
const azureLog: string[] = [];
const originalAzureLog = AzureLogger.log;

/** An error with its causes, its own properties and its inspection. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    parts.push(current instanceof Error ? `${current.name}: ${current.message}` : String(current));
    current = (current as { cause?: unknown }).cause;
  }
  parts.push(inspect(error, { depth: 10 }));
  try {
    parts.push(JSON.stringify(error));
  } catch {
    // circular: the inspection has it
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The world: simulators, a token endpoint, a vault, receivers that echo, an SMTP server
// ---------------------------------------------------------------------------------------------

const VAULT = 'https://ppmat-plant.vault.azure.net';
const TENANTS = {
  contoso: 'contoso.onmicrosoft.com',
  northwind: 'northwind.onmicrosoft.com',
  fabrikam: 'fabrikam.onmicrosoft.com',
  adatum: 'adatum.onmicrosoft.com',
  missing: 'missing.onmicrosoft.com',
  denied: 'denied.onmicrosoft.com',
} as const;

let dir = '';
let env: NodeJS.ProcessEnv = {};
let dropDatabase: (() => Promise<void>) | undefined;
const simulators: RunningSimulator[] = [];
let echo: Server;
let smtp: SMTPServer;
let tokenRequests = 0;
const echoed: string[] = [];
/** The client assertions MSAL signed with the certificates (short-lived credentials of their own). */
const assertions = new Set<string>();

/** The token endpoint of every tenant: it issues the planted tokens, or refuses and echoes what it got. */
function mockTokenEndpoint(): void {
  nock('https://login.microsoftonline.com')
    .persist()
    .post(/\/oauth2\/v2\.0\/token/)
    .reply((uri, body) => {
      tokenRequests += 1;
      const tenant = uri.split('/')[1];
      const form = new URLSearchParams(typeof body === 'string' ? body : '');
      const assertion = form.get('client_assertion');
      if (assertion) assertions.add(assertion);
      const issue = (token: string) => [200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token }] as const;
      if (tenant === TENANTS.contoso) return issue(PLANTED['bearer token the API receives (contoso)']!);
      if (tenant === TENANTS.northwind) return issue(PLANTED['bearer token the API receives (northwind)']!);
      if (tenant === TENANTS.fabrikam) {
        // An identity provider that quotes the secret it refused.
        return [401, { error: 'invalid_client', error_description: `AADSTS7000215: Invalid client secret provided: '${form.get('client_secret') ?? ''}'. Trace ID: 1`, error_codes: [7000215] }];
      }
      // One that echoes the whole request (the client assertion, for a certificate).
      return [400, { error: 'invalid_request', error_description: `AADSTS900144: The request body was: ${typeof body === 'string' ? body : JSON.stringify(body)}` }];
    });
}

async function startEcho(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8').slice(0, 200) });
      echoed.push(request);
      res.writeHead(500, { 'Content-Type': 'application/json' }).end(`{"error":"receiver failed","request":${request}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function startSmtp(): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      // A server that quotes the password it refused.
      callback(Object.assign(new Error(`Authentication failed for ${auth.username} with password ${auth.password ?? ''}`), { responseCode: 535 }));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: { address(): AddressInfo | string | null }): number => (server.address() as AddressInfo).port;

function tenantBlock(id: string, simulator: RunningSimulator | null, credential: string[]): string[] {
  const url = simulator?.url ?? 'http://127.0.0.1:9';
  return [
    `  - id: ${id}`,
    '    endpoints:',
    ...['bap', 'powerApps', 'flow', 'powerPlatform', 'graph'].map((surface) => `      ${surface}: ${url}`),
    `      dataverse: ${url}/dataverse`,
    '    credential:',
    ...credential.map((line) => `      ${line}`),
  ];
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  setLogLevel('verbose');
  AzureLogger.log = (...args: unknown[]) => void azureLog.push(args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' '));

  dir = await mkdtemp(path.join(os.tmpdir(), 'ppmat-secrets-'));
  const database = await createEmptyServerDatabase();
  dropDatabase = database?.drop;
  echo = await startEcho();
  smtp = await startSmtp();
  const contoso = await startSimulator({
    tenantId: TENANTS.contoso,
    environments: 3,
    faults: {
      // An API that quotes the bearer token it refused.
      dlpPolicies: { status: 401, body: JSON.stringify({ error: { code: 'InvalidAuthenticationToken', message: `The token '${PLANTED['bearer token the API receives (contoso)']}' is expired.` } }) },
      tenantSettings: { status: 500 },
      environmentGroups: { status: 200, body: `{"value": [{"token": "${PLANTED['bearer token the API receives (contoso)']}"` },
      // Graph, the same way.
      conditionalAccess: { status: 401, body: JSON.stringify({ error: { code: 'InvalidAuthenticationToken', message: `Access token ${PLANTED['bearer token the API receives (contoso)']} has expired.` } }) },
      pimSchedules: { status: 404 },
      organization: { status: 500 },
    },
    forbidden: ['powerPagesSites', 'roleAssignments'],
  });
  const northwind = await startSimulator({ tenantId: TENANTS.northwind, environments: 3, seed: 7, faultRates: { serverError: 0.1, timeout: 0.05, malformed: 0.1 }, forbidden: ['dataverse'] });
  simulators.push(contoso, northwind);

  const echoUrl = `http://127.0.0.1:${portOf(echo)}`;
  const files = {
    northwindPem: path.join(dir, 'northwind.pem'),
    adatumPassword: path.join(dir, 'adatum-cert-password'),
    slackUrl: path.join(dir, 'slack-url'),
    smtpPassword: path.join(dir, 'smtp-password'),
    entraSecret: path.join(dir, 'entra-secret'),
  };
  await writeFile(files.northwindPem, PLANTED['certificate private key (encrypted PEM, file)']!);
  await writeFile(files.adatumPassword, `${ADATUM_CERT_PASSWORD}\n`);
  await writeFile(files.slackUrl, `${echoUrl}/services/T0001/B0002/${PLANTED['Slack webhook path token (URL from a file)']}\n`);
  await writeFile(files.smtpPassword, `${PLANTED['SMTP password (file)']}\n`);
  await writeFile(files.entraSecret, PLANTED['sign-in client secret (file)']!);

  mockTokenEndpoint();
  mockKeyVault(
    VAULT,
    {
      'contoso-client-secret': PLANTED['client secret (Key Vault)']!,
      'adatum-certificate': PLANTED['certificate private key (Key Vault PEM)']!,
      'webhook-secret': PLANTED['webhook signing secret (Key Vault)']!,
      'denied-secret': { status: 403, code: 'Forbidden', message: 'Caller is not authorized to perform action on resource. ForbiddenByRbac.' },
    },
    PLANTED['Key Vault access token']!,
  );

  const config = [
    'log: { level: trace, format: json }',
    'http: { timeoutMs: 1000, maxRetries: 1, maxConcurrencyPerHost: 8 }',
    'keyVault:',
    '  credential: { kind: static, tokenEnv: PLANT_KEY_VAULT_TOKEN }',
    'api:',
    '  auth:',
    '    entra:',
    '      tenantId: 0f5c1d7e-1111-4a2b-9c3d-123456789abc',
    '      clientId: 3c2a9b1e-2222-4d5e-8f90-abcdefabcdef',
    `      clientSecret: { file: ${files.entraSecret} }`,
    'alerts:',
    '  degradedAfter: 1',
    '  publicUrl: https://ppmat.contoso.com',
    '  channels:',
    `    - { name: ops-teams, type: teams, minSeverity: info, url: "${echoUrl}/workflows/${PLANTED['Teams webhook path token']}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=${PLANTED['Teams webhook signature (sig=)']}" }`,
    `    - { name: ops-slack, type: slack, minSeverity: info, url: "file:${files.slackUrl}" }`,
    `    - { name: siem, type: webhook, minSeverity: info, url: "env:PLANT_WEBHOOK_URL", secret: "keyvault:${VAULT}/secrets/webhook-secret" }`,
    '    - name: coe-mail',
    '      type: email',
    '      minSeverity: info',
    `      email: { host: 127.0.0.1, port: ${portOf(smtp.server)}, from: ppmat@contoso.com, to: [coe@contoso.com], auth: { user: ppmat, pass: "file:${files.smtpPassword}" } }`,
    'tenants:',
    ...tenantBlock(TENANTS.contoso, contoso, ['kind: clientSecret', 'clientId: 11111111-0000-4000-8000-000000000001', `clientSecret: { keyVault: { vaultUrl: ${VAULT}, name: contoso-client-secret } }`]),
    ...tenantBlock(TENANTS.northwind, northwind, ['kind: clientCertificate', 'clientId: 11111111-0000-4000-8000-000000000002', `certificatePath: ${files.northwindPem}`, 'certificatePasswordEnv: PLANT_CERT_PASSWORD']),
    ...tenantBlock(TENANTS.fabrikam, contoso, ['kind: clientSecret', 'clientId: 11111111-0000-4000-8000-000000000003', 'clientSecretEnv: PLANT_FABRIKAM_SECRET']),
    ...tenantBlock(TENANTS.adatum, contoso, [
      'kind: clientCertificate',
      'clientId: 11111111-0000-4000-8000-000000000004',
      `certificate: { keyVault: ${VAULT}/secrets/adatum-certificate }`,
      `certificatePassword: { file: ${files.adatumPassword} }`,
    ]),
    ...tenantBlock(TENANTS.missing, contoso, ['kind: clientSecret', 'clientId: c5', `clientSecret: { keyVault: ${VAULT}/secrets/no-such-secret }`]),
    ...tenantBlock(TENANTS.denied, contoso, ['kind: clientSecret', 'clientId: c6', `clientSecret: { keyVault: ${VAULT}/secrets/denied-secret }`]),
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'ppmat.yaml'), config);

  env = {
    PPMAT_DATA_DIR: path.join(dir, 'data'),
    PPMAT_API_PORT: '0',
    PPMAT_LOG_LEVEL: 'trace',
    PLANT_KEY_VAULT_TOKEN: PLANTED['Key Vault access token'],
    PLANT_CERT_PASSWORD: CERT_PASSWORD,
    PLANT_FABRIKAM_SECRET: PLANTED['client secret (environment)'],
    PLANT_WEBHOOK_URL: `${echoUrl}/hooks/${PLANTED['webhook URL token (URL from the environment)']}`,
    ...(database ? { DATABASE_URL: database.url } : {}),
  };
}, 120_000);

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  setLogLevel('warning');
  AzureLogger.log = originalAzureLog;
  for (const simulator of simulators) await simulator.close();
  await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await dropDatabase?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `ppmat <args>` in-process, its stdout, stderr and log kept as outputs. */
async function ppmat(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; log: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const log = lineSink();
  const code = await runCli(['node', 'ppmat', ...args], { stdout, stderr, env, cwd: dir, signal: new AbortController().signal, logDestination: log.stream });
  const name = `ppmat ${args.join(' ')}`;
  const result = { code, stdout: stdout.text(), stderr: stderr.text(), log: log.text() };
  if (args[0] !== 'tokens' || args[1] !== 'create') keep(`${name}: stdout`, result.stdout);
  keep(`${name}: stderr`, result.stderr);
  keep(`${name}: log`, result.log);
  return result;
}

describe('planted secrets', () => {
  it('creates an API token (its one output is the token, and is not searched)', async () => {
    const created = await ppmat('tokens', 'create', '--name', 'planted', '--role', 'admin', '--format', 'json');
    expect(created.code).toBe(0);
    const token = (JSON.parse(created.stdout) as { token: string }).token;
    PLANTED['API token'] = token;
    PLANTED['API token secret part'] = token.slice(token.indexOf('_', 'ppmat_'.length) + 1);
    expect(PLANTED['API token secret part']!.length).toBeGreaterThanOrEqual(20);
    expect((await ppmat('tokens', 'list')).code).toBe(0);
  });

  it('scans a tenant whose secret is in Key Vault, against an API that fails every way (401 quoting the token, 403, 404, 500, malformed JSON)', async () => {
    const run = await ppmat('scan', '--tenant', TENANTS.contoso, '--format', 'json');
    expect(run.code, run.stderr).toBe(2);
    expect(run.log).toMatch(/"level":10|"level":20/);
    const scan = JSON.parse(run.stdout) as { evidence: { count: number } };
    expect(scan.evidence.count).toBeGreaterThan(0);
    expect(run.stdout).toContain('PPMAT_E_HTTP_UNAUTHORIZED');
  }, 120_000);

  it('scans a tenant with a certificate and its password, against an API with random timeouts, 5xx and truncated bodies', async () => {
    const run = await ppmat('scan', '--tenant', TENANTS.northwind);
    expect([0, 2], run.stderr).toContain(run.code);
  }, 120_000);

  it('scans tenants whose token endpoint refuses and quotes what it was sent', async () => {
    const fabrikam = await ppmat('scan', '--tenant', TENANTS.fabrikam);
    expect(fabrikam.code).toBe(3);
    expect(fabrikam.stdout).toContain("No access token could be obtained for the bap API (scope https://service.powerapps.com/.default): invalid_client: Error(s): 7000215 - Timestamp: Not Available - Description: AADSTS7000215: Invalid client secret provided: '[redacted]'");
    const adatum = await ppmat('scan', '--tenant', TENANTS.adatum);
    expect(adatum.code).toBe(3);
    expect(adatum.stdout).toContain('AADSTS900144');
  }, 120_000);

  it('refuses tenants whose Key Vault secret is missing (404) or refused (403), naming the vault and secret', async () => {
    const missing = await ppmat('scan', '--tenant', TENANTS.missing);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/PPMAT_E_SECRET_UNAVAILABLE: tenants\[id=missing\.onmicrosoft\.com\]\.credential\.clientSecret: the Key Vault secret "no-such-secret" in https:\/\/ppmat-plant\.vault\.azure\.net could not be read: the vault has no such secret/);
    const denied = await ppmat('scan', '--tenant', TENANTS.denied);
    expect(denied.code).toBe(4);
    expect(denied.stderr).toMatch(/PPMAT_E_SECRET_UNAVAILABLE: .*"denied-secret" .* access refused \(403 Forbidden\)/);
  }, 60_000);

  it('runs ppmat doctor on every tenant', async () => {
    for (const tenant of [TENANTS.contoso, TENANTS.northwind, TENANTS.fabrikam, TENANTS.adatum, TENANTS.denied]) {
      const run = await ppmat('doctor', '--tenant', tenant);
      expect(run.code).not.toBe(0);
    }
  }, 120_000);

  it('writes reports in every format, to stdout and to files', async () => {
    for (const tenant of [TENANTS.contoso, TENANTS.northwind]) {
      for (const format of ['html', 'md', 'json', 'csv']) {
        const run = await ppmat('report', '--tenant', tenant, '--format', format);
        expect(run.code, run.stderr).toBe(0);
        const file = path.join(dir, `report-${tenant}.${format}`);
        expect((await ppmat('report', '--tenant', tenant, '--output', file)).code).toBe(0);
        keep(`report file ${path.basename(file)}`, await readFile(file, 'utf8'));
      }
    }
    await ppmat('report', '--tenant', TENANTS.fabrikam, '--format', 'json');
    await ppmat('history', '--tenant', TENANTS.contoso);
    await ppmat('roadmap', '--tenant', TENANTS.contoso);
  }, 120_000);

  it('delivers the degraded-scan alerts to receivers that answer 500 echoing the request, and to an SMTP server refusing the password', async () => {
    const run = await ppmat('alerts', 'deliver');
    expect(run.code, run.stderr).toBe(0);
    expect(echoed.length).toBeGreaterThanOrEqual(3);
    expect(run.stdout).toMatch(/failed|retry/i);
    await ppmat('alerts', 'list', '--status', 'all');
  }, 60_000);

  it('answers API requests, errors included, with the planted token', async () => {
    const log = lineSink();
    const app = await openApp({ cwd: dir, env, logToTerminal: false, logDestination: log.stream, defaultLogLevel: 'trace' });
    try {
      const deps = await apiFromApp(app, { env, metrics: createMetrics(app.db.prisma) });
      const server = await buildServer(deps);
      const token = PLANTED['API token']!;
      const auth = { authorization: `Bearer ${token}` };
      const scans = (await app.db.prisma.scan.findMany({ select: { id: true } })).map((s) => s.id);
      const requests: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: unknown }[] = [
        { method: 'GET', url: '/api/tenants', headers: auth },
        { method: 'GET', url: '/api/tenants', headers: { authorization: `Bearer ${token}x` } },
        { method: 'GET', url: '/api/tenants', headers: { authorization: `Bearer ${token.replace(/_[^_]+$/, '_wrong-secret-part-0123456789')}` } },
        { method: 'GET', url: '/api/tenants', headers: { authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln' } },
        { method: 'GET', url: `/api/tenants?access_token=${encodeURIComponent(token)}` },
        { method: 'GET', url: `/?token=${encodeURIComponent(token)}` },
        { method: 'GET', url: '/api/tenants', headers: { cookie: `ppmat_session=${token}` } },
        { method: 'GET', url: '/api/scans/999999', headers: auth },
        { method: 'GET', url: '/api/scans/abc', headers: auth },
        { method: 'GET', url: '/api/tenants/%E0%A4%A', headers: auth },
        { method: 'POST', url: `/api/tenants/${TENANTS.contoso}/attestations`, headers: auth, payload: { capability: 'x', secret: token } },
        { method: 'PUT', url: `/api/tenants/${TENANTS.contoso}/targets`, headers: auth, payload: { targets: [{ area: 'nope' }] } },
        { method: 'POST', url: '/api/tokens', headers: auth, payload: { name: 'x', role: 'superuser' } },
        { method: 'GET', url: '/api/alerts?status=all', headers: auth },
        { method: 'GET', url: '/api/audit', headers: auth },
        { method: 'GET', url: '/api/tokens', headers: auth },
        { method: 'GET', url: '/api/me', headers: auth },
        { method: 'GET', url: '/metrics', headers: auth },
        { method: 'GET', url: '/auth/signin' },
        { method: 'GET', url: '/auth/callback?code=abc&state=def' },
        ...Object.values(TENANTS).flatMap((tenant) => [
          { method: 'GET' as const, url: `/api/tenants/${tenant}`, headers: auth },
          { method: 'GET' as const, url: `/api/tenants/${tenant}/scans`, headers: auth },
          { method: 'GET' as const, url: `/api/tenants/${tenant}/roadmap`, headers: auth },
        ]),
        ...scans.flatMap((id) => [
          { method: 'GET' as const, url: `/api/scans/${id}`, headers: auth },
          { method: 'GET' as const, url: `/api/scans/${id}/capabilities`, headers: auth },
          ...['environments', 'tenantSettings', 'dlpPolicies', 'environmentGroups', 'conditionalAccess', 'roleAssignments', 'inventory', 'organization'].map((key) => ({
            method: 'GET' as const,
            url: `/api/scans/${id}/evidence/${key}`,
            headers: auth,
          })),
        ]),
      ];
      const statuses = new Set<number>();
      for (const request of requests) {
        const response = await server.inject({ method: request.method, url: request.url, ...(request.headers ? { headers: request.headers } : {}), ...(request.payload ? { payload: request.payload as object } : {}) });
        statuses.add(response.statusCode);
        keep(`API ${request.method} ${request.url.replace(token, '<token>').replace(encodeURIComponent(token), '<token>')}`, `${response.statusCode}\n${JSON.stringify(response.headers)}\n${response.body}`);
      }
      expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 401, 404]));
      await server.close();
    } finally {
      await app.close();
      keep('API log', log.text());
    }
  }, 120_000);

  it('keeps secrets out of thrown errors and their causes', async () => {
    const { config } = await loadConfig({ cwd: dir, env });
    const log = lineSink();
    const logger = createLogger({ level: 'trace', destination: log.stream });
    for (const tenant of config.tenants) {
      try {
        const target = await configuredTarget(config, tenant, logger, env);
        await target.credential.getToken('https://service.powerapps.com/.default').then(
          () => undefined,
          (error: unknown) => keep(`getToken error of ${tenant.id}`, describeError(error)),
        );
      } catch (error) {
        keep(`configuredTarget error of ${tenant.id}`, describeError(error));
      }
    }
    keep('direct calls log', log.text());
    expect(outputs.some((o) => o.name === 'getToken error of fabrikam.onmicrosoft.com')).toBe(true);
    expect(outputs.some((o) => o.name === 'configuredTarget error of denied.onmicrosoft.com')).toBe(true);
  }, 60_000);

  it('finds none of them in any output, the database included', async () => {
    const log = lineSink();
    const app = await openApp({ cwd: dir, env, logToTerminal: false, logDestination: log.stream, defaultLogLevel: 'silent' });
    try {
      const tables = await app.db.pool.query<{ schema: string; name: string }>(
        "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
      );
      expect(tables.rows.map((t) => t.name)).toEqual(expect.arrayContaining(['evidence', 'collector_run', 'scan_evidence', 'delivery_attempt', 'api_token', 'audit_event']));
      for (const { schema, name } of tables.rows) {
        const rows = await app.db.pool.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${schema}"."${name}" t`);
        keep(`table ${schema}.${name} (${rows.rowCount} rows)`, rows.rows.map((r) => r.row).join('\n'));
      }
    } finally {
      await app.close();
    }
    keep('Azure SDK log', azureLog.join('\n'));
    expect(tokenRequests).toBeGreaterThan(0);
    expect(outputs.find((o) => o.name.startsWith('table public.delivery_attempt'))?.text).toMatch(/answered 500|535/);

    const found: string[] = [];
    expect(assertions.size).toBeGreaterThan(0);
    const secrets = [...Object.entries(PLANTED), ...[...assertions].map((a, i) => [`client assertion ${i + 1} (signed with a planted key)`, a] as [string, string])];
    for (const [secretName, secret] of secrets) {
      expect(secret.length, secretName).toBeGreaterThan(0);
      const forms = formsOf(secret);
      for (const output of outputs) {
        const form = forms.find((f) => output.text.includes(f));
        if (form !== undefined) {
          const at = output.text.indexOf(form);
          // The context shows where, with the secret itself masked (the figures file is kept).
          found.push(`${secretName} in "${output.name}": …${output.text.slice(Math.max(0, at - 160), at).replace(/\s+/g, ' ')}<SECRET>${output.text.slice(at + form.length, at + form.length + 40).replace(/\s+/g, ' ')}…`);
        }
      }
    }
    await recordFigures('secrets', {
      title: 'planted secrets',
      figures: { 'secrets planted': Object.keys(PLANTED).length, 'client assertions checked': assertions.size, 'outputs searched': outputs.length, found: found.length },
      ...(found.length > 0 ? { lines: found.slice(0, 50) } : {}),
    });
    expect(found).toEqual([]);
  }, 120_000);
});
