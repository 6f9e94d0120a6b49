#!/usr/bin/env node
// `ppmat start` with a chosen shutdown grace period in milliseconds (argv[2]; the CLI keeps
// its 30 s), run as a child process by the start command tests. SIGINT and SIGTERM ask it to
// stop, as src/main.ts does.
const { register } = await import('tsx/esm/api');
register();
const { startCommand } = await import('../../src/cli/start.command.ts');
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => controller.abort(new Error(`interrupted by ${signal}`)));
process.exitCode = await startCommand(
  { shutdownGraceMs: Number(process.argv[2]) },
  { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal: controller.signal },
);
