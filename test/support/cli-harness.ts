/** Runs the ppmat CLI in-process with captured output, as the CLI tests need it. */
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

/** A stand-in for a non-terminal stdout/stderr that keeps what was written. */
export function captureStream(): NodeJS.WriteStream & { text(): string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return Object.assign(s as unknown as NodeJS.WriteStream, { isTTY: false, text: () => text });
}

/** `ppmat <args>` with this environment and working directory; its exit code and output. */
export async function runPpmat(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runCli(['node', 'ppmat', ...args], { stdout, stderr, env: options.env, cwd: options.cwd, signal: new AbortController().signal });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
