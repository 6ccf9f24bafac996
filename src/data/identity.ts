/**
 * Identity of the data a run read: every file resolved through `dataFile` is recorded, and its
 * SHA-256 names the exact bytes (two data roots with different copies of a file give different
 * hashes). Used by the write-up manifest; score-file sidecars can use the same helpers.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

export interface DataFileRead {
  /** Path relative to the data root (e.g. `cifar10/data_batch_1.bin`). */
  readonly rel: string;
  /** Absolute path it resolved to. */
  readonly path: string;
}

const read = new Map<string, DataFileRead>();

/** Record that `rel` was resolved to `abs` (called by `dataFile`). */
export function recordDataRead(rel: string, abs: string): void {
  if (!read.has(abs)) read.set(abs, { rel, path: abs });
}

/** Data files resolved in this process so far, in first-read order. */
export function dataFilesRead(): DataFileRead[] {
  return [...read.values()];
}

const hashCache = new Map<string, { key: string; sha256: string }>();

/**
 * SHA-256 (hex) of a file's bytes, cached per (path, size, mtime).
 * @throws naming the file when it cannot be read.
 */
export function sha256File(file: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new Error(`sha256File: cannot read ${file}: ${(e as Error).message}`);
  }
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = hashCache.get(file);
  if (hit && hit.key === key) return hit.sha256;
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let n: number;
    while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  const sha256 = h.digest('hex');
  hashCache.set(file, { key, sha256 });
  return sha256;
}
