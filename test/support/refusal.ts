/** The PpmatError a call refuses with; fails the test when it does not refuse. */
import { expect } from 'vitest';
import { PpmatError } from '../../src/errors/catalogue.js';

export async function refusalOf(run: () => unknown): Promise<PpmatError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(PpmatError);
    return error as PpmatError;
  }
  throw new Error('expected a refusal (PpmatError)');
}
