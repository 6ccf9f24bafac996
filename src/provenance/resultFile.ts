/**
 * The common life cycle of a resumable result file (score CSV, training bench, Zero-Cost-PT
 * results), so every format applies the same rules:
 *
 *  1. the output path is checked (not a folder; its folder is created);
 *  2. the write lock is taken (lock.ts: one writer, stale locks of killed runs recovered);
 *  3. a file holding rows is resumed only if its sidecar matches the run's (settings and data
 *     identity, sidecar.ts); a missing, damaged or different sidecar is refused, naming it;
 *  4. otherwise the file starts afresh: its empty form and the sidecar are written.
 * Readers refuse a key (architecture index, seed) that appears twice (`refuseDuplicateKeys`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFsError } from './fsErrors';
import { acquireLock } from './lock';
import { checkResumable, kindName, sidecarPath, writeSidecar, type Sidecar } from './sidecar';

/**
 * @throws naming `file`, every key that appears more than once and how often: results mixed by two
 *   writers (or an edit) must not be counted twice.
 */
export function refuseDuplicateKeys(keys: readonly number[], file: string, keyName: string): void {
  const count = new Map<number, number>();
  for (const k of keys) count.set(k, (count.get(k) ?? 0) + 1);
  const dups = [...count].filter(([, n]) => n > 1);
  if (dups.length === 0) return;
  const list = dups.slice(0, 10).map(([k, n]) => `${k} (${n}×)`).join(', ') + (dups.length > 10 ? `, … (${dups.length} in all)` : '');
  throw new Error(
    `'${file}' holds ${keyName} ${list} more than once (two runs wrote to it at once, or it was edited): ` +
      'its statistics would count them twice; keep one row per ' + keyName + ' (or rescore into a new file)',
  );
}

/** An output path must not be a folder; its folder is created. @throws naming the path. */
export function prepareOutput(file: string): void {
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new Error(`output '${file}' is a folder; give a file path (e.g. ${path.join(file, 'results.csv')})`);
  if (fs.existsSync(file) && !fs.statSync(file).isFile()) throw new Error(`output '${file}' is not a regular file (a device, pipe or socket): a resumable result file must be a file on disk; choose another output path (--out)`);
  for (let d = path.dirname(path.resolve(file)); ; d = path.dirname(d)) {
    if (fs.existsSync(d)) {
      if (!fs.statSync(d).isDirectory()) throw new Error(`cannot write '${file}': '${d}' is a file, not a folder; choose another output path (--out)`);
      break;
    }
    if (d === path.dirname(d)) break;
  }
  try {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (e) {
    throw describeFsError(e, path.dirname(path.resolve(file)), 'create');
  }
}

/** An input path must exist and be a file. @throws naming the path and what it is for. */
export function checkInputFile(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new Error(`${what} '${file}' does not exist`);
  if (fs.statSync(file).isDirectory()) throw new Error(`${what} '${file}' is a folder; give the file itself`);
  if (!fs.statSync(file).isFile()) throw new Error(`${what} '${file}' is not a regular file (a device, pipe or socket); give the file itself`);
}

export interface OpenedResultFile<S> {
  /** Whether the file held rows that this run continues. */
  readonly resumed: boolean;
  readonly sidecar: Sidecar<S>;
  /** Release the write lock (also released at process exit). */
  release(): void;
}

/**
 * Steps 1–4 above for `file`. `holdsRows(text)` tells a file with rows from an empty one (e.g. a
 * header only, left by a run stopped before its first row: started afresh); `emptyText` is what a
 * fresh file holds.
 */
export function openResultFile<S>(
  file: string,
  sidecar: Sidecar<S>,
  format: { readonly emptyText: string; holdsRows(text: string): boolean },
  opts: { readonly onStale?: (msg: string) => void } = {},
): OpenedResultFile<S> {
  prepareOutput(file);
  const release = acquireLock(file, opts);
  try {
    let text = '';
    try {
      if (fs.existsSync(file)) text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw describeFsError(e, file, 'read');
    }
    if (format.holdsRows(text)) {
      checkResumable(file, sidecar);
      if (sidecar.command && !fs.readFileSync(sidecarPath(file), 'utf8').includes(JSON.stringify(sidecar.command))) writeSidecar(file, sidecar);
      return { resumed: true, sidecar, release };
    }
    try {
      fs.writeFileSync(file, format.emptyText);
    } catch (e) {
      throw describeFsError(e, file, 'write');
    }
    writeSidecar(file, sidecar);
    return { resumed: false, sidecar, release };
  } catch (e) {
    release();
    throw e;
  }
}

/** Append text to a result file, naming the file and the fix when the write fails (full disk, …). */
export function appendResult(file: string, text: string): void {
  try {
    fs.appendFileSync(file, text);
  } catch (e) {
    throw describeFsError(e, file, 'write');
  }
}

/** Whether a file exists and holds anything but blank lines. */
function holdsText(file: string): boolean {
  return fs.existsSync(file) && fs.readFileSync(file, 'utf8').trim() !== '';
}

/**
 * For files of whole records appended one at a time (Zero-Cost-PT: one JSON line per seed):
 * refuse to continue `file` unless its sidecar matches `sidecar`. An empty or absent file passes.
 */
export function checkRecordsResumable<S>(file: string, sidecar: Sidecar<S>): void {
  if (holdsText(file)) checkResumable(file, sidecar);
}

/**
 * Append one whole record under the write lock: the first record creates the sidecar, later ones
 * must match it, and a record whose key the file already holds is refused.
 */
export function appendRecord<S>(
  file: string,
  sidecar: Sidecar<S>,
  record: { readonly key: number; readonly keyName: string; readonly text: string },
  existingKeys: () => readonly number[],
): void {
  prepareOutput(file);
  const release = acquireLock(file);
  try {
    if (holdsText(file)) {
      checkResumable(file, sidecar);
      if (existingKeys().includes(record.key)) throw new Error(`'${file}' already holds ${record.keyName} ${record.key}; not writing it twice`);
    } else {
      writeSidecar(file, sidecar);
    }
    appendResult(file, record.text);
  } finally {
    release();
  }
}

export { kindName };
