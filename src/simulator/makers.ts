/**
 * The demo tenant's makers: the people (and a few service principals) who own apps, flows,
 * connectors and agents. Generated from the seed on demand, never stored, so a simulated
 * tenant of 200,000 flows costs no memory for its owners; some makers have left the
 * company (deleted from Entra ID), which is what makes resources orphaned.
 *
 * Shared by the inventory routes (owners) and the Graph routes (directory lookups), so both
 * sides of an orphan check always agree.
 */
import { mulberry32 } from './prng.js';

export interface SimMaker {
  id: string;
  displayName: string;
  userPrincipalName: string;
  /** Deleted from Entra ID: Graph answers 404 for this id. */
  deleted: boolean;
  /** A disabled account: Graph answers it with `accountEnabled: false`. */
  disabled: boolean;
}

export interface MakerDirectory {
  /** How many makers there are; maker `i` exists for 0 <= i < count. */
  count: number;
  /** Maker `i` (any integer; taken modulo count). */
  at(index: number): SimMaker;
  /** The maker with this object id, or null when the id is no maker of this tenant. */
  byId(id: string): SimMaker | null;
}

export interface MakerDirectoryOptions {
  seed: number;
  count: number;
  /** Share of makers deleted from Entra ID (0..1). */
  deletedShare: number;
  /** Share of makers whose account is disabled (0..1). */
  disabledShare: number;
  /** Verified domain for user principal names. */
  domain: string;
}

const FIRST = ['Ada', 'Bo', 'Chen', 'Dana', 'Eli', 'Fatima', 'Goran', 'Hana', 'Ines', 'Jonas', 'Kofi', 'Lena', 'Mateo', 'Nia', 'Omar', 'Priya'];
const LAST = ['Rossi', 'Okafor', 'Schmidt', 'Tanaka', 'Dubois', 'Larsen', 'Novak', 'Silva', 'Haddad', 'Kowalski', 'Murphy', 'Ivanova'];

/** Maker ids look like GUIDs and encode their index, so `byId` needs no table. */
function makerId(seed: number, index: number): string {
  const rand = mulberry32((seed * 7919 + index) >>> 0);
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0').slice(-width);
  const r = (): number => Math.floor(rand() * 0x10000);
  return `${hex(index, 8)}-${hex(r(), 4)}-4${hex(r(), 3)}-a${hex(r(), 3)}-${hex(seed >>> 0, 4)}${hex(r(), 4)}${hex(r(), 4)}`;
}

/** Builds the maker directory of a tenant. */
export function createMakerDirectory(options: MakerDirectoryOptions): MakerDirectory {
  const count = Math.max(1, Math.floor(options.count));
  const at = (raw: number): SimMaker => {
    const index = ((raw % count) + count) % count;
    const rand = mulberry32((options.seed * 104729 + index * 31 + 7) >>> 0);
    const first = FIRST[Math.floor(rand() * FIRST.length)] as string;
    const last = LAST[Math.floor(rand() * LAST.length)] as string;
    const roll = rand();
    return {
      id: makerId(options.seed, index),
      displayName: `${first} ${last}`,
      userPrincipalName: `${first}.${last}${index}@${options.domain}`.toLowerCase(),
      deleted: roll < options.deletedShare,
      disabled: roll >= options.deletedShare && roll < options.deletedShare + options.disabledShare,
    };
  };
  return {
    count,
    at,
    byId(id) {
      const index = Number.parseInt(id.slice(0, 8), 16);
      if (!Number.isInteger(index) || index < 0 || index >= count) return null;
      const maker = at(index);
      return maker.id.toLowerCase() === id.toLowerCase() ? maker : null;
    },
  };
}
