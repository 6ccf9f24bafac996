/**
 * Data root resolution.
 *
 * Data files (CIFAR binaries, benchmark tables, reference scores) are looked up by a path
 * relative to a *data root*. The roots are searched in this order:
 *
 *  1. `$ZERONAS_DATA` (if set and non-empty): then the *only* root. A file missing there is an
 *     error naming it, never a silent fall-back to another folder's copy;
 *  2. otherwise `./data` relative to `process.cwd()`,
 *  3. `data/` relative to the package root,
 *  4. `../shared/data` relative to the package root.
 *
 * Every file found is checked against the `SHA256SUMS` its folder ships, if any (identity.ts).
 *
 * The package root is the folder above `src/` or `dist/` (this file lives in `src/data/` and is
 * compiled to `dist/data/`). Roots are re-evaluated on every call, so changing `ZERONAS_DATA`
 * at run time takes effect immediately.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkShippedChecksum, identityOf, type DataIdentity } from './identity';

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
    const env = process.env[DATA_ENV_VAR];
    super(
      env !== undefined && env.trim() !== ''
        ? `Data file '${rel}' not found in $${DATA_ENV_VAR} (${lines.trim().replace(/^- /, '')}); ` +
            `while ${DATA_ENV_VAR} is set no other folder is searched. Fix: put '${rel}' there, or point ${DATA_ENV_VAR} ` +
            `to a complete data folder, or unset it (see data/README.md).`
        : `Data file '${rel}' not found. Searched:\n${lines}\n` +
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

/**
 * The data roots in search order (duplicates removed; the folders need not exist). With
 * `$ZERONAS_DATA` set, that folder alone.
 */
export function dataRoots(): DataRoot[] {
  const pkg = packageRoot();
  const candidates: DataRoot[] = [];
  const env = process.env[DATA_ENV_VAR];
  if (env !== undefined && env.trim() !== '') return [{ dir: path.resolve(env), origin: `$${DATA_ENV_VAR}` }];
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

/** The first data root holding `rel`, or `undefined`. */
function rootOf(rel: string): DataRoot | undefined {
  return dataRoots().find((r) => rootHas(r.dir, rel));
}

/** Absolute path of `rel` under the first data root holding it, or `undefined`. */
export function findDataFile(rel: string): string | undefined {
  const r = rootOf(rel);
  return r === undefined ? undefined : path.join(r.dir, rel);
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
  if (found === undefined) {
    throw new DataMissingError(
      rel,
      dataRoots().map((r) => `${path.join(r.dir, rel)} (${r.origin})`),
    );
  }
  if (fs.statSync(found).isDirectory()) throw new Error(`data file '${rel}' is a folder (${found}); it must be the data file itself (see data/README.md)`);
  checkShippedChecksum(found);
  return found;
}

/**
 * Identity (root, SHA-256, size) of the data files `rels`, resolved and checked as `dataFile`
 * does. @throws naming the first missing or damaged file.
 */
export function dataIdentity(rels: readonly string[]): DataIdentity {
  return identityOf(
    rels.map((rel) => {
      const abs = dataFile(rel);
      return { rel, root: abs.slice(0, abs.length - rel.length - 1) };
    }),
  );
}
