/**
 * Composition root: wires the process (arguments, streams, signals) to the CLI.
 * The first Ctrl-C (or SIGTERM) asks the running work to stop and end cleanly;
 * a second one exits at once.
 */
import { runCli } from './cli/program.js';
import { EXIT } from './errors/catalogue.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (signal: NodeJS.Signals) => {
  interrupts += 1;
  if (interrupts > 1) {
    process.stderr.write(`ppmat: ${signal} again, exiting now.\n`);
    process.exit(EXIT.interrupted);
  }
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
});
process.exitCode = code;
