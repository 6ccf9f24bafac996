/**
 * Data root resolution.
 *
 * Data files (CIFAR binaries, benchmark tables, reference scores) are looked up by a path
 * relative to a *data root*. The roots are searched in this order:
 *
 *  1. `$ZERONAS_DATA` (if set and non-empty),
 *  2. `./data` relative to `process.cwd()`,
 *  3. `data/` relative to the package root,
 *  4. `../shared/data` relative to the package root.
 *
 * The package root is the folder above `src/` or `dist/` (this file lives in `src/data/` and is
 * compiled to `dist/data/`). Roots are re-evaluated on every call, so changing `ZERONAS_DATA`
 * at run time takes effect immediately.
 */
import { recordDataRead } from './identity';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Environment variable that, when set, names the first data root to search. */
export const DATA_ENV_VAR = 'ZERONAS_DATA';

/** Thrown when a relative data path cannot be found under any data root. */
export class DataMissingError extends Error {
  /** The relative path that was asked for. */
  readonly rel: string;
  /** Absolute paths that were tried, in search order. */
  readonly searched: readonly string[];

  constructor(rel: string, searched: readonly string[]) {
    const lines = searched.map((p) => `  - ${p}`).join('\n');
    super(
      `Data file '${rel}' not found. Searched:\n${lines}\n` +
        `Fix: set ${DATA_ENV_VAR} to a folder containing '${rel}', or put the file under ./data/${rel} ` +
        `(see data/README.md).`,
    );
    this.name = 'DataMissingError';
    this.rel = rel;
    this.searched = searched;
  }
}

/** Absolute path of the package root (the folder above `src/` or `dist/`). */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** One candidate data root with a short description of where it came from. */
export interface DataRoot {
  /** Absolute folder path. */
  readonly dir: string;
  /** Where this root comes from, e.g. `$ZERONAS_DATA` or `cwd ./data`. */
  readonly origin: string;
}

/** The data roots in search order (duplicates removed; the folders need not exist). */
export function dataRoots(): DataRoot[] {
  const pkg = packageRoot();
  const candidates: DataRoot[] = [];
  const env = process.env[DATA_ENV_VAR];
  if (env !== undefined && env.trim() !== '') {
    candidates.push({ dir: path.resolve(env), origin: `$${DATA_ENV_VAR}` });
  }
  candidates.push({ dir: path.resolve(process.cwd(), 'data'), origin: 'cwd ./data' });
  candidates.push({ dir: path.resolve(pkg, 'data'), origin: 'package ./data' });
  candidates.push({ dir: path.resolve(pkg, '..', 'shared', 'data'), origin: 'package ../shared/data' });
  const seen = new Set<string>();
  return candidates.filter((r) => (seen.has(r.dir) ? false : (seen.add(r.dir), true)));
}

/** Reject absolute paths and paths escaping the root, so `rel` really is relative. */
function checkRel(rel: string): void {
  if (typeof rel !== 'string' || rel === '') throw new Error(`data path must be a non-empty string, got ${JSON.stringify(rel)}`);
  if (path.isAbsolute(rel)) throw new Error(`data path '${rel}' must be relative to a data root, not absolute`);
}

/** True when `rel` exists as a file (or folder) under `root`. */
export function rootHas(root: string, rel: string): boolean {
  checkRel(rel);
  return fs.existsSync(path.join(root, rel));
}

/** Absolute path of `rel` under the first data root holding it, or `undefined`. */
export function findDataFile(rel: string): string | undefined {
  for (const r of dataRoots()) {
    if (rootHas(r.dir, rel)) return path.join(r.dir, rel);
  }
  return undefined;
}

/** True when some data root holds `rel`. */
export function hasDataFile(rel: string): boolean {
  return findDataFile(rel) !== undefined;
}

/**
 * Absolute path of `rel` under the first data root that holds it.
 * @throws DataMissingError naming `rel`, every place searched and how to fix it.
 */
export function dataFile(rel: string): string {
  const found = findDataFile(rel);
  if (found !== undefined) {
    recordDataRead(rel, found);
    return found;
  }
  throw new DataMissingError(
    rel,
    dataRoots().map((r) => `${path.join(r.dir, rel)} (${r.origin})`),
  );
}
