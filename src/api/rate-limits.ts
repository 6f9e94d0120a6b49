/**
 * Rate limits of the HTTP API, kept in this process's memory (per instance: behind a load
 * balancer each instance counts its own). Three limits, each a count per key over a window
 * that starts at the key's first event:
 *
 * - `signIn`: requests that start, finish or end a browser sign-in (`/auth/login`,
 *   `/auth/callback`, `/auth/logout`) per client address. A callback makes ppmat redeem a
 *   code at Microsoft with the app's secret; the limit keeps one address from making ppmat
 *   hammer the token endpoint. `/auth/config` (one constant answer per page load) is not limited.
 * - `authFailures`: refused credentials (401: a malformed, unknown, revoked or expired token,
 *   a refused Entra token, an expired session) per client address. Past the limit the address
 *   gets 429 on every route that needs credentials, valid ones included, until its window
 *   ends: guessing cannot go on by mixing in a valid token, and it costs no database lookup.
 *   Requests without credentials (nothing to guess) and refusals for the role (403: the
 *   credentials are valid) do not count, and anonymous routes (health, metrics, docs,
 *   dashboard files) are never refused by it, so probes from one address keep working.
 * - `perCaller`: requests per authenticated caller (token id, Entra object id); off by
 *   default, since tokens are handed out by admins and scripts (CI, benches) may be busy.
 *
 * The client address is the socket's (the server does not trust proxy headers); an IPv6
 * address counts by its /64, the block one subscriber gets, so rotating addresses within it
 * does not reset the count. A 429 carries `Retry-After` (seconds) and the error shape with
 * PPMAT_E_RATE_LIMITED, `where` naming the limit's configuration path.
 *
 * Not @fastify/rate-limit: it counts every request (not only refused credentials) and reads
 * the wall clock; this counts what it is told, on the injected clock, so tests need no waiting.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isIPv6 } from 'node:net';
import { PpmatError } from '../errors/catalogue.js';
import type { Principal } from './auth/principal.js';

/** At most `max` events per `windowSeconds`, per key. */
export interface RateLimit {
  max: number;
  windowSeconds: number;
}

/** The API's limits; null turns one off. */
export interface RateLimits {
  /** Requests to /auth/login, /auth/callback and /auth/logout, per client address. */
  signIn: RateLimit | null;
  /** Refused credentials per client address; past it, the address is refused (429) until its window ends. */
  authFailures: RateLimit | null;
  /** Requests per authenticated caller. */
  perCaller: RateLimit | null;
}

export type RateLimitName = keyof RateLimits;

/**
 * The defaults. Sign-in: 20 a minute is ten sign-ins (login + callback) a minute from one
 * address. Failures: 30 a minute bounds guessing at 43,200 tries a day per address (a secret
 * has 256 bits; the bound is for load and noise) while a browser with an expired session,
 * which sends a handful of refused requests per page, never meets it.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  signIn: { max: 20, windowSeconds: 60 },
  authFailures: { max: 30, windowSeconds: 60 },
  perCaller: null,
};

/** Keys kept per limit at most; past it, expired windows go first, then the oldest. */
export const MAX_TRACKED_KEYS = 100_000;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A rate limit the route is under besides the ones every credentialed route is (`signIn`: the browser sign-in routes). */
    rateLimit?: 'signIn';
  }
}

/** The defaults with the overrides applied (a limit given as null is off). */
export function resolveRateLimits(overrides: Partial<RateLimits> | undefined): RateLimits {
  const limits = { ...DEFAULT_RATE_LIMITS, ...overrides };
  for (const [name, limit] of Object.entries(limits)) {
    if (limit && !(Number.isInteger(limit.max) && limit.max >= 1 && limit.windowSeconds > 0)) {
      throw new PpmatError('PPMAT_E_CONFIG_INVALID', `the rate limit ${name} needs max >= 1 (a whole number) and windowSeconds > 0.`, { where: `api.rateLimits.${name}` });
    }
  }
  return limits;
}

/** A count per key over a window that starts at the key's first event. */
export interface WindowCounter {
  /** Counts one event of `key`: how many its window holds now, and when the window ends (ms). */
  hit(key: string): { count: number; resetAt: number };
  /** The key's count and window end, or null when it has no open window. */
  peek(key: string): { count: number; resetAt: number } | null;
  /** How many keys are tracked (for tests of the memory bound). */
  readonly size: number;
}

export function createWindowCounter(windowMs: number, now: () => number, maxKeys = MAX_TRACKED_KEYS): WindowCounter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweptAt = now();
  const sweep = (at: number) => {
    for (const [key, window] of windows) if (window.resetAt <= at) windows.delete(key);
    sweptAt = at;
  };
  return {
    hit(key) {
      const at = now();
      // Expired windows are dropped once a window, so the map holds about one window of keys.
      if (at - sweptAt >= windowMs) sweep(at);
      const open = windows.get(key);
      if (open && open.resetAt > at) {
        open.count += 1;
        return { ...open };
      }
      if (!open && windows.size >= maxKeys) {
        sweep(at);
        // Still full: forget the oldest key (a flood of addresses cannot grow memory without bound).
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value!);
      }
      const fresh = { count: 1, resetAt: at + windowMs };
      windows.set(key, fresh);
      return { ...fresh };
    },
    peek(key) {
      const open = windows.get(key);
      return open && open.resetAt > now() ? { ...open } : null;
    },
    get size() {
      return windows.size;
    },
  };
}

/**
 * The key a client address counts under: IPv4 as is (an IPv4-mapped IPv6 address as its
 * IPv4), IPv6 by its /64 prefix.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  const bare = address.split('%')[0]!;
  if (!isIPv6(bare)) return address;
  const [head = '', tail] = bare.split('::') as [string, string | undefined];
  const groups = (part: string | undefined): string[] => (part ? part.split(':').flatMap((g) => (g.includes('.') ? ipv4Groups(g) : [g])) : []);
  const before = groups(head);
  const after = groups(tail);
  const full = tail === undefined ? before : [...before, ...Array<string>(8 - before.length - after.length).fill('0'), ...after];
  return `${full.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

function ipv4Groups(dotted: string): string[] {
  const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
  return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
}

/** What the access control and the sign-in routes ask of the limits. */
export interface RateLimiter {
  readonly limits: RateLimits;
  /** Counts a sign-in request of the client; 429 past `signIn`. */
  countSignIn(request: FastifyRequest, reply: FastifyReply): void;
  /** 429 when the client's address is past `authFailures` (checked before its credentials are). */
  checkClient(request: FastifyRequest, reply: FastifyReply): void;
  /** Counts refused credentials of the client's address. */
  countFailure(request: FastifyRequest): void;
  /** Counts a request of the authenticated caller; 429 past `perCaller`. */
  countCaller(request: FastifyRequest, reply: FastifyReply, principal: Principal): void;
}

export function createRateLimiter(limits: RateLimits, now: () => number): RateLimiter {
  const counter = (limit: RateLimit | null) => (limit ? createWindowCounter(limit.windowSeconds * 1000, now) : null);
  const signIn = counter(limits.signIn);
  const failures = counter(limits.authFailures);
  const callers = counter(limits.perCaller);

  const refuse = (reply: FastifyReply, name: RateLimitName, resetAt: number, what: string): never => {
    const seconds = Math.max(1, Math.ceil((resetAt - now()) / 1000));
    void reply.header('retry-after', String(seconds));
    throw new PpmatError('PPMAT_E_RATE_LIMITED', `${what}; try again in ${seconds} s.`, { where: `api.rateLimits.${name}` });
  };

  return {
    limits,
    countSignIn(request, reply) {
      if (!signIn || !limits.signIn) return;
      const { count, resetAt } = signIn.hit(clientKey(request.ip));
      if (count > limits.signIn.max) refuse(reply, 'signIn', resetAt, `too many sign-in requests from this address (more than ${limits.signIn.max} in ${limits.signIn.windowSeconds} s)`);
    },
    checkClient(request, reply) {
      if (!failures || !limits.authFailures) return;
      const open = failures.peek(clientKey(request.ip));
      if (open && open.count >= limits.authFailures.max) {
        refuse(reply, 'authFailures', open.resetAt, `too many refused credentials from this address (${limits.authFailures.max} in ${limits.authFailures.windowSeconds} s): it is refused until the window ends`);
      }
    },
    countFailure(request) {
      if (!failures || !limits.authFailures) return;
      const key = clientKey(request.ip);
      const { count } = failures.hit(key);
      if (count === limits.authFailures.max) {
        request.log.warn({ client: key, failures: count, windowSeconds: limits.authFailures.windowSeconds }, 'too many refused credentials from one address: refusing it until its window ends');
      }
    },
    countCaller(request, reply, principal) {
      if (!callers || !limits.perCaller) return;
      const { count, resetAt } = callers.hit(`${principal.kind}:${principal.id}`);
      if (count > limits.perCaller.max) refuse(reply, 'perCaller', resetAt, `too many requests by ${principal.name} (more than ${limits.perCaller.max} in ${limits.perCaller.windowSeconds} s)`);
    },
  };
}

/** Puts the routes configured with `rateLimit: 'signIn'` under the sign-in limit. */
export function installSignInLimit(app: FastifyInstance, limiter: RateLimiter): void {
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.rateLimit === 'signIn') limiter.countSignIn(request, reply);
  });
}
