/**
 * The error catalogue is the one list of PPMAT_E_ codes: every code the code base uses is
 * in it, every entry is used, and the exit codes match the README's table.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERRORS, EXIT, PpmatError } from '../../src/errors/catalogue.js';
import { PACKAGE_ROOT } from '../../src/store/paths.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === 'generated') return [];
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

const catalogueFile = path.join(PACKAGE_ROOT, 'src', 'errors', 'catalogue.ts');
const sources = sourceFiles(path.join(PACKAGE_ROOT, 'src')).filter((f) => f !== catalogueFile);
const used = new Set(sources.flatMap((f) => readFileSync(f, 'utf8').match(/PPMAT_E_[A-Z_]+/g) ?? []));

describe('error catalogue', () => {
  it('has every code the code base uses', () => {
    expect([...used].filter((code) => !(code in ERRORS))).toEqual([]);
  });

  it('has no entry that nothing uses', () => {
    expect(Object.keys(ERRORS).filter((code) => !used.has(code))).toEqual([]);
  });

  it('gives every entry a sentence, an exit code of the documented set and an HTTP status', () => {
    const exits = new Set<number>(Object.values(EXIT));
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(spec.summary, code).toMatch(/^[A-Z].*\.$/);
      expect(exits.has(spec.exitCode), code).toBe(true);
      expect(spec.httpStatus, code).toBeGreaterThanOrEqual(400);
    }
  });

  it('documents every exit code in the README', () => {
    const readme = readFileSync(path.join(PACKAGE_ROOT, 'README.md'), 'utf8');
    for (const [name, code] of Object.entries(EXIT)) {
      if (name === 'unexpected') continue;
      expect(readme, `exit code ${code} (${name})`).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
    }
  });

  it('prefixes the message with the place and keeps the code, exit code and HTTP status', () => {
    const error = new PpmatError('PPMAT_E_RULE_INVALID', 'unknown key "exprr".', { where: 'rules/checks/x.yaml:4' });
    expect(error.message).toBe('rules/checks/x.yaml:4: unknown key "exprr".');
    expect(error).toMatchObject({ code: 'PPMAT_E_RULE_INVALID', exitCode: EXIT.config, httpStatus: 500 });
  });
});
