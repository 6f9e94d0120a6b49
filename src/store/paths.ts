/** Where ppmat's own files live, relative to this module (works from src/ under tsx and from dist/). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'prisma', 'migrations');
export const RULES_DIR = path.join(PACKAGE_ROOT, 'rules');
