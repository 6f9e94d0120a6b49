/** Reads a secret named by reference: an environment variable or a file (never a value in ppmat.yaml). */
import { readFile } from 'node:fs/promises';
import { PpmatError } from '../errors/catalogue.js';

export interface SecretRef {
  env?: string | undefined;
  file?: string | undefined;
}

/** The secret, trimmed; PPMAT_E_CONFIG_INVALID naming `where` (never the value) when it cannot be read. */
export async function readSecretRef(ref: SecretRef, env: NodeJS.ProcessEnv, where: string): Promise<string> {
  if (ref.env) {
    const value = env[ref.env];
    if (!value) throw new PpmatError('PPMAT_E_CONFIG_INVALID', `the environment variable ${ref.env} is not set.`, { where });
    return value;
  }
  if (!ref.file) throw new PpmatError('PPMAT_E_CONFIG_INVALID', 'no secret reference is given.', { where });
  try {
    return (await readFile(ref.file, 'utf8')).trim();
  } catch (error) {
    throw new PpmatError('PPMAT_E_CONFIG_INVALID', `cannot read the secret file: ${(error as NodeJS.ErrnoException).code ?? 'error'}.`, { where });
  }
}
