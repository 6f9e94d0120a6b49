/**
 * Secrets are compared in constant time. Behaviour: an API token with an unknown id costs a
 * comparison of two 32-byte hashes, as a wrong secret does (against a dummy hash), through
 * the authenticator as the API wires it; a session cookie is never compared at all (its
 * sha256 is looked up). Source: no `===` or `!==` on a value named like a secret, hash,
 * signature, nonce, state or cookie in the API and the token and session repositories (the
 * comparison to use is `crypto.timingSafeEqual` on equal-length buffers).
 */
import { timingSafeEqual } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type Authenticator } from '../../src/api/auth/authenticator.js';
import { createSessionRepository } from '../../src/store/session-repository.js';
import { PACKAGE_ROOT } from '../../src/store/paths.js';
import { createTokenRepository } from '../../src/store/token-repository.js';
import { openTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let authenticator: Authenticator;
let token: string;
const comparisons: [Buffer, Buffer][] = [];
const clock = () => new Date('2026-03-01T09:00:00.000Z');

beforeAll(async () => {
  db = await openTestDatabase();
  const tokens = createTokenRepository(db.prisma, {
    clock,
    compare: (a, b) => {
      comparisons.push([a, b]);
      return timingSafeEqual(a, b);
    },
  });
  authenticator = createAuthenticator({ tokens, sessions: createSessionRepository(db.prisma, { clock }), clock });
  token = (await tokens.create({ name: 'ci', role: 'viewer', tenants: null, expiresAt: null, createdBy: 'test' })).token;
});
afterAll(async () => db?.dispose());

describe('API token checks', () => {
  it.each([
    ['the right token', () => token, true],
    ['a wrong secret', () => `${token.slice(0, -3)}AAA`, false],
    ['an unknown id', () => token.replace(/^ppmat_[0-9a-f]{12}/, 'ppmat_000000000000'), false],
  ])('compare two 32-byte hashes in constant time for %s', async (_name, presented, ok) => {
    comparisons.length = 0;
    const outcome = await authenticator.authenticate({ authorization: `Bearer ${presented()}` }).then(
      () => true,
      () => false,
    );
    expect(outcome).toBe(ok);
    expect(comparisons).toHaveLength(1);
    expect(comparisons[0]!.map((b) => b.length)).toEqual([32, 32]);
  });
});

/** The files that hold or check credentials. */
function sources(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : full.endsWith('.ts') ? [full] : [];
    });
  return [...walk(path.join(PACKAGE_ROOT, 'src', 'api')), ...['token-repository.ts', 'session-repository.ts'].map((f) => path.join(PACKAGE_ROOT, 'src', 'store', f))];
}

const OPERAND = String.raw`[\w$.?!\[\]'"]+`;
const COMPARISON = new RegExp(`(${OPERAND})\\s*[!=]==\\s*(${OPERAND})`, 'g');
const SECRET_NAME = /(secret|hash|signature|nonce|verifier|password|cookie|token|state)(value)?$/i;
const HARMLESS = /^(''|""|null|undefined|true|false|\d+)$|\.length$/;

/** The comparisons on the line that compare a value named like a secret with something other than a constant. */
function secretComparisons(line: string): string[] {
  if (/^\s*(\*|\/\/)/.test(line)) return [];
  return [...line.matchAll(COMPARISON)]
    .filter((match) => {
      const operands = [match[1]!, match[2]!].map((o) => o.replace(/[?!]+$/, ''));
      if (operands.some((o) => HARMLESS.test(o)) || /typeof\s+$/.test(line.slice(0, match.index))) return false;
      return operands.some((o) => SECRET_NAME.test(o.split('.').at(-1) ?? o));
    })
    .map((match) => match[0]);
}

describe('the source', () => {
  it('compares no secret with === or !==', () => {
    const found = sources().flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (secretComparisons(line).length > 0 ? [`${path.relative(PACKAGE_ROOT, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('would see the comparison it looks for, and not a type test or a length', () => {
    expect(secretComparisons("if (typeof payload.nonce !== 'string' || payload.nonce !== nonce) {")).toEqual(['payload.nonce !== nonce']);
    expect(secretComparisons('if (row.secretHash === presentedHash) return true;')).toEqual(['row.secretHash === presentedHash']);
    expect(secretComparisons("const same = stored.length === presented.length && compare(presented, stored); if (cookieValue === '') return null;")).toEqual([]);
  });
});
