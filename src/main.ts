/**
 * Composition root: wires the process (arguments, streams, signals) to the CLI.
 * The first Ctrl-C (or SIGTERM) asks the running work to stop and end cleanly;
 * a second one exits at once.
 */
import { runCli } from './cli/program.js';
import { EXIT } from './errors/catalogue.js';
import { leaseHolderId } from './scheduler/lease-holder.js';

/**
 * One Ctrl-C reaches this process more than once: from the terminal (to the whole process
 * group) and again from a parent that forwards it (npm run, tsx). Repeats within this
 * window are that same Ctrl-C; only a later one is the user insisting.
 */
const SAME_INTERRUPT_MS = 1000;

const controller = new AbortController();
let firstSignalAt: number | undefined;
const onSignal = (signal: NodeJS.Signals) => {
  const now = Date.now();
  if (firstSignalAt !== undefined && now - firstSignalAt < SAME_INTERRUPT_MS) return;
  if (firstSignalAt !== undefined) {
    process.stderr.write(`ppmat: ${signal} again, exiting now.\n`);
    process.exit(EXIT.interrupted);
  }
  firstSignalAt = now;
  process.stderr.write(`\nppmat: ${signal} received, stopping (press Ctrl-C again to exit at once)...\n`);
  controller.abort(new Error(`interrupted by ${signal}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await runCli(process.argv, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
  leaseHolder: leaseHolderId(),
});
process.exitCode = code;
