import { describe, expect, it } from 'vitest';
import type { Environment } from '../../src/evidence/schemas.js';
import { deriveManagedSettings } from '../../src/facts/managed-settings.fact.js';
import { env } from './fixtures.js';

describe('deriveManagedSettings', () => {
  const fact = deriveManagedSettings({
    environments: [
      env('shown', { managed: true, makerWelcomeContent: true, excludedFromAnalysis: false }),
      env('empty', { managed: true, makerWelcomeContent: false, excludedFromAnalysis: true }),
      env('unsent', { managed: true, makerWelcomeContent: null, excludedFromAnalysis: null }),
      env('unmanaged', { managed: false, makerWelcomeContent: true, excludedFromAnalysis: false }),
    ],
  });
  const ids = (list: { id: string }[]) => list.map((e) => e.id);

  it('judges managed environments only', () => {
    expect(fact.managedCount).toBe(3);
  });

  it('splits maker welcome content into shown, not shown and unknown', () => {
    expect(ids(fact.welcomeContent.shown)).toEqual(['shown']);
    expect(ids(fact.welcomeContent.notShown)).toEqual(['empty']);
    expect(ids(fact.welcomeContent.unknown)).toEqual(['unsent']);
  });

  it('splits the weekly digest into included, excluded and unknown', () => {
    expect(ids(fact.weeklyDigest.included)).toEqual(['shown']);
    expect(ids(fact.weeklyDigest.excluded)).toEqual(['empty']);
    expect(ids(fact.weeklyDigest.unknown)).toEqual(['unsent']);
  });

  it('reads a snapshot stored before welcome content was collected as unknown', () => {
    const old = env('old', { managed: true }) as Partial<Environment>;
    delete old.makerWelcomeContent;
    expect(ids(deriveManagedSettings({ environments: [old as Environment] }).welcomeContent.unknown)).toEqual(['old']);
  });
});
