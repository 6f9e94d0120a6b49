/**
 * Who holds a scan lease: one id per process, `host:pid:random`. Host and pid tell a person
 * which process to look at; the random part keeps a restarted process that got the same pid
 * from mistaking its predecessor's lease for its own.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { isAlive } from '../store/data-dir-lock.js';

export interface HolderParts {
  hostname: string;
  pid: number;
}

/** Built once per process, in the composition root, and injected wherever leases are taken. */
export function leaseHolderId(parts: HolderParts = { hostname: os.hostname(), pid: process.pid }, random = randomBytes(4).toString('hex')): string {
  return `${parts.hostname}:${parts.pid}:${random}`;
}

/** Host and pid of a holder id; null for one this code did not make. */
export function parseHolder(holder: string): HolderParts | null {
  const match = /^(.+):(\d+):([0-9a-z]+)$/i.exec(holder);
  return match ? { hostname: match[1]!, pid: Number(match[2]) } : null;
}

/**
 * Whether `holder` is a process of this host that no longer runs. Used only where every
 * holder must be on this host (the embedded database is served by one process on one
 * machine): there, a lease left by a process that crashed or was killed need not be waited
 * out. On a shared PostgreSQL two hosts (containers) may share a name, so leases expire instead.
 */
export function isDeadLocalHolder(holder: string, here: { hostname: string; isAlive: (pid: number) => boolean } = { hostname: os.hostname(), isAlive }): boolean {
  const parts = parseHolder(holder);
  return parts !== null && parts.hostname === here.hostname && !here.isAlive(parts.pid);
}

