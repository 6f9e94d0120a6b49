/**
 * The dashboard's sign-in with Microsoft Entra ID: the authorization code flow with PKCE.
 *
 * `/auth/login` sends the browser to the tenant's authorize endpoint with a fresh state,
 * nonce and PKCE verifier, kept meanwhile in a short-lived HttpOnly cookie signed with a key
 * derived from the client secret (so any instance sharing the configuration can finish the
 * flow). `/auth/callback` checks the state, redeems the code (client secret + verifier),
 * validates the id_token (issuer, audience, nonce, signature), maps the app roles, opens a
 * session and sets the `ppmat_session` cookie (HttpOnly, SameSite=Lax, Secure over https).
 * The server registers @fastify/cookie before these routes.
 */
import type {} from '@fastify/cookie';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EntraAuthConfig } from '../../config/config-schema.js';
import { ERRORS, isPpmatError, type ErrorCode } from '../../errors/catalogue.js';
import type { AuditRepository } from '../../store/audit-repository.js';
import type { SessionRepository } from '../../store/session-repository.js';
import { createEntraVerifier, type EntraVerifier } from './entra-verifier.js';

export const SESSION_COOKIE = 'ppmat_session';
/** Holds state, nonce and PKCE verifier between /auth/login and /auth/callback. */
export const SIGNIN_COOKIE = 'ppmat_signin';
/** How long the browser may take at Microsoft's sign-in page. */
const SIGNIN_TTL_MS = 10 * 60_000;
const TOKEN_TIMEOUT_MS = 15_000;
const SCOPES = 'openid profile offline_access';

export interface SignInDeps {
  entra: EntraAuthConfig | undefined;
  /** The app registration's client secret (browser sign-in is off without it). */
  clientSecret: string | undefined;
  /** Default: a verifier built from `entra` (the tenant's published keys). */
  verifier?: Pick<EntraVerifier, 'endpoints' | 'verifyIdToken'> | undefined;
  /** Expired sessions are purged at each sign-in, so the table stays small without a timer. */
  sessions: Pick<SessionRepository, 'create' | 'delete' | 'purgeExpired'>;
  audit: Pick<AuditRepository, 'record'>;
  sessionHours: number;
  /** The dashboard's public address (behind a proxy); default: the request's origin. */
  publicUrl?: string;
  fetch?: typeof fetch;
  clock: () => Date;
}

/** Route config understood by the server's access control (api/access.ts). */
const ANONYMOUS = { access: 'anonymous' as const };
/** The routes that start, finish or end a sign-in: anonymous, under the sign-in rate limit (api/rate-limits.ts). */
const SIGN_IN = { access: 'anonymous' as const, rateLimit: 'signIn' as const };

interface SignInState {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  issuedAt: number;
}

class SignInError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function registerSignInRoutes(app: FastifyInstance, deps: SignInDeps): void {
  const fetchImpl = deps.fetch ?? globalThis.fetch;
  const flow = deps.entra && deps.clientSecret ? { entra: deps.entra, clientSecret: deps.clientSecret, verifier: deps.verifier ?? createEntraVerifier(deps.entra, { clock: deps.clock }) } : null;
  const stateKey = flow ? createHash('sha256').update(`ppmat sign-in state\0${flow.clientSecret}`).digest() : null;

  const unavailable = (reply: FastifyReply) =>
    sendError(
      reply,
      'PPMAT_E_NOT_FOUND',
      deps.entra
        ? 'Microsoft Entra ID browser sign-in needs the app\'s client secret (api.auth.entra.clientSecret as { env }, { file } or { keyVault }, or clientSecretEnv / clientSecretFile); use an API token meanwhile.'
        : 'Microsoft Entra ID sign-in is not configured (api.auth.entra); use an API token (`ppmat tokens create`).',
    );

  app.get('/auth/config', { config: ANONYMOUS }, async () => ({ entra: flow !== null }));

  app.get('/auth/login', { config: SIGN_IN }, async (request, reply) => {
    if (!flow || !stateKey) return unavailable(reply);
    const signIn: SignInState = {
      state: random(16),
      nonce: random(16),
      verifier: random(32),
      redirectUri: `${originOf(request, deps.publicUrl)}/auth/callback`,
      issuedAt: deps.clock().getTime(),
    };
    const url = new URL(flow.verifier.endpoints.authorize);
    url.search = new URLSearchParams({
      client_id: flow.entra.clientId,
      response_type: 'code',
      redirect_uri: signIn.redirectUri,
      response_mode: 'query',
      scope: SCOPES,
      state: signIn.state,
      nonce: signIn.nonce,
      code_challenge: createHash('sha256').update(signIn.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    reply.setCookie(SIGNIN_COOKIE, seal(signIn, stateKey), {
      path: '/auth',
      httpOnly: true,
      sameSite: 'lax',
      secure: isHttps(request, deps.publicUrl),
      maxAge: SIGNIN_TTL_MS / 1000,
    });
    return reply.redirect(url.toString(), 302);
  });

  app.get('/auth/callback', { config: SIGN_IN }, async (request, reply) => {
    if (!flow || !stateKey) return unavailable(reply);
    const query = request.query as Record<string, string | undefined>;
    reply.clearCookie(SIGNIN_COOKIE, { path: '/auth' });
    try {
      if (query.error) {
        throw new SignInError('PPMAT_E_SIGNIN_FAILED', `Microsoft Entra ID answered ${clip(query.error, 100)}: ${clip(firstLine(query.error_description ?? 'no description'), 300)}`);
      }
      const signIn = unseal(request.cookies[SIGNIN_COOKIE], stateKey, deps.clock());
      if (!query.state || !sameText(query.state, signIn.state)) {
        throw new SignInError('PPMAT_E_SIGNIN_FAILED', 'the sign-in answer does not belong to this browser\'s sign-in (state mismatch); start again at /auth/login.');
      }
      if (!query.code) throw new SignInError('PPMAT_E_SIGNIN_FAILED', 'the sign-in answer has no authorization code.');
      const idToken = await redeemCode(fetchImpl, flow.verifier.endpoints.token, {
        grant_type: 'authorization_code',
        client_id: flow.entra.clientId,
        client_secret: flow.clientSecret,
        code: query.code,
        redirect_uri: signIn.redirectUri,
        code_verifier: signIn.verifier,
        scope: SCOPES,
      });
      const principal = await flow.verifier.verifyIdToken(idToken, signIn.nonce);
      const now = deps.clock();
      const expiresAt = new Date(now.getTime() + deps.sessionHours * 3_600_000);
      await deps.sessions.purgeExpired(now);
      const cookie = await deps.sessions.create(principal, expiresAt);
      await deps.audit.record({ actor: { kind: 'entra', id: principal.id, name: principal.name }, action: 'session.signin', target: 'session', details: { role: principal.role, expiresAt: expiresAt.toISOString() }, at: now });
      reply.setCookie(SESSION_COOKIE, cookie, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: isHttps(request, deps.publicUrl),
        maxAge: Math.floor(deps.sessionHours * 3600),
      });
      return reply.redirect('/', 302);
    } catch (error) {
      if (error instanceof SignInError) return sendError(reply, error.code, error.message);
      if (isPpmatError(error)) return sendError(reply, error.code, error.message);
      request.log.error({ err: error }, 'sign-in failed');
      return sendError(reply, 'PPMAT_E_SIGNIN_FAILED', 'the sign-in could not be completed; the error is logged.');
    }
  });

  app.post('/auth/logout', { config: SIGN_IN }, async (request, reply) => {
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) await deps.sessions.delete(cookie);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { signedOut: true };
  });
}

/** Redeems the code at the token endpoint; the id_token, or the endpoint's own reason. */
async function redeemCode(fetchImpl: typeof fetch, tokenUrl: string, form: Record<string, string>): Promise<string> {
  let response: Response;
  try {
    response = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (error) {
    throw new SignInError('PPMAT_E_SIGNIN_FAILED', `the token endpoint ${tokenUrl} could not be reached (${error instanceof Error ? error.name : 'error'}).`);
  }
  const body = (await response.json().catch(() => null)) as { id_token?: unknown; error?: unknown; error_description?: unknown } | null;
  if (!response.ok) {
    const code = typeof body?.error === 'string' ? clip(body.error, 100) : `HTTP ${response.status}`;
    const description = typeof body?.error_description === 'string' ? `: ${clip(firstLine(body.error_description), 300)}` : '';
    throw new SignInError('PPMAT_E_SIGNIN_FAILED', `the token endpoint refused the code (${code})${description}`);
  }
  if (typeof body?.id_token !== 'string') throw new SignInError('PPMAT_E_SIGNIN_FAILED', 'the token endpoint answered without an id_token.');
  return body.id_token;
}

/** `payload.signature`, both base64url: the payload is readable (nothing in it is secret once used) but cannot be forged. */
function seal(state: SignInState, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(state)).toString('base64url');
  return `${payload}.${createHmac('sha256', key).update(payload).digest('base64url')}`;
}

function unseal(value: string | undefined, key: Buffer, now: Date): SignInState {
  const missing = (): never => {
    throw new SignInError('PPMAT_E_SIGNIN_FAILED', 'the sign-in cookie is missing or expired (the sign-in took over 10 minutes, or the browser blocks cookies); start again at /auth/login.');
  };
  if (!value) return missing();
  const [payload, signature] = value.split('.');
  if (!payload || !signature || !sameText(signature, createHmac('sha256', key).update(payload).digest('base64url'))) {
    throw new SignInError('PPMAT_E_SIGNIN_FAILED', 'the sign-in cookie is not one this server issued; start again at /auth/login.');
  }
  let state: SignInState;
  try {
    state = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SignInState;
  } catch {
    return missing();
  }
  if (typeof state.issuedAt !== 'number' || now.getTime() - state.issuedAt > SIGNIN_TTL_MS) return missing();
  return state;
}

/** Constant-time equality of two strings. */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function originOf(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

function isHttps(request: FastifyRequest, publicUrl: string | undefined): boolean {
  return publicUrl ? publicUrl.startsWith('https:') : request.protocol === 'https';
}

function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return reply.code(ERRORS[code].httpStatus).type('application/json').send({ error: { code, message } });
}

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');
const firstLine = (text: string): string => text.split(/\r?\n/)[0]!.trim();
const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);
