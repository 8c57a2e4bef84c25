/**
 * Where the shared golden oracles live, and a visible skip when they are absent (a user's clone).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** `../shared/golden` beside the repository. */
export const SHARED_GOLDEN = resolve(REPO_ROOT, '..', 'shared', 'golden');
/** True when the shared golden data is present; warns visibly when it is not. */
export function haveSharedGolden(what: string): boolean {
  const present = existsSync(SHARED_GOLDEN);
  if (!present) console.warn(`SKIP ${what}: ${SHARED_GOLDEN} is absent (it is beside the repo in CI)`);
  return present;
}
