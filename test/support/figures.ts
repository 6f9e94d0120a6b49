/**
 * Figures a test reports beside its verdict (the reliability suite's matrix cells passed,
 * crashes survived, fuzz requests sent, ...): written as JSON under test/artifacts/figures,
 * one file per suite, and printed by `.ci/run` (scripts/print-figures.mjs) after the tests.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIGURES_DIR = process.env.PPMAT_FIGURES_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts', 'figures');

export interface Figures {
  /** What was measured, in a line: "fault matrix: collector x fault". */
  title: string;
  /** Named numbers, printed in order ("cells passed": 99, "cells": 99). */
  figures: Record<string, number>;
  /** Optional lines printed under the figures (the matrix itself). */
  lines?: string[];
}

/** Writes `figures` as `<name>.json`, replacing an earlier run's. */
export async function recordFigures(name: string, figures: Figures): Promise<void> {
  await mkdir(FIGURES_DIR, { recursive: true });
  await writeFile(path.join(FIGURES_DIR, `${name}.json`), `${JSON.stringify({ ...figures, at: new Date().toISOString() }, null, 2)}\n`);
}
