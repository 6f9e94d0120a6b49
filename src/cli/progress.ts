/**
 * A one-line progress display on a terminal while a scan collects: each collector with
 * its pages and requests. Silent when standard error is not a terminal (CI, pipes).
 */
import type { ScanProgressEvent } from '../scheduler/run-scan.js';

export interface ProgressDisplay {
  onProgress(event: ScanProgressEvent): void;
  /** Clears the line before results are printed. */
  done(): void;
}

export function createProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  if (!stream.isTTY) return { onProgress: () => undefined, done: () => undefined };
  const state = new Map<string, { pages: number; requests: number; status?: string }>();
  let stage = 'collecting';
  let lastDraw = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < 80) return;
    lastDraw = now;
    const parts = [...state.entries()].map(([name, s]) => `${name} ${s.status ?? '…'} ${s.pages}p/${s.requests}r`);
    const line = `${stage}: ${parts.join(' | ')}`;
    const width = stream.columns || 120;
    stream.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  };
  return {
    onProgress(event) {
      if (event.type === 'stage') stage = event.stage;
      else if (event.type === 'collector-start') state.set(event.collector, { pages: 0, requests: 0 });
      else if (event.type === 'collector-progress') state.set(event.collector, { ...state.get(event.collector), pages: event.pages, requests: event.requests });
      else if (event.type === 'collector-done') state.set(event.collector, { pages: event.run.pages, requests: event.run.requests, status: event.status });
      draw(event.type !== 'collector-progress');
    },
    done() {
      if (state.size > 0) stream.write('\r\x1b[2K');
      state.clear();
    },
  };
}
