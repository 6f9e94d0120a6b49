#!/usr/bin/env node
// Generates the Prisma client offline, at `npm install`.
// Prisma's CLI wants its schema-engine binary even for `generate`, and tries to download it;
// these machines have no internet. `generate` does not run that engine, so pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets it run offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  console.error('ppmat: the prisma package is not installed; run `npm install` first.');
  process.exit(1);
}
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
