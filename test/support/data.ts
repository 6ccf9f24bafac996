/**
 * Data-gated tests. `needsData(...files)` gives a test's `skip` option: `false` when every file is
 * under a data root, else a message naming the missing files. Under `CI=true` a missing file is a
 * failure, not a skip: one failing test per missing file (its message is the data root's error,
 * naming the file and the folders searched), so a CI run without its data cannot turn green by
 * skipping.
 */
import { test } from 'node:test';
import { dataFile, hasDataFile } from '../../src/data/root';

export const CIFAR10_FILE = 'cifar10/data_batch_1.bin';
export const CIFAR100_FILE = 'cifar100/train.bin';

const reported = new Set<string>();

/** True when missing data must fail the run (`CI=true`) instead of skipping tests. */
export function dataRequired(): boolean {
  return process.env.CI === 'true';
}

/** A missing file as a failure (once per file and process) when data is required. */
function failMissing(file: string, check: () => void): void {
  if (!dataRequired() || reported.has(file)) return;
  reported.add(file);
  test(`required data file ${file} is present (CI=true: missing data fails instead of skipping)`, check);
}

/** The `skip` option of a test that reads `files` (relative to a data root). */
export function needsData(...files: string[]): string | false {
  const missing = files.filter((f) => !hasDataFile(f));
  for (const f of missing) failMissing(f, () => void dataFile(f));
  return missing.length > 0 && `data file${missing.length > 1 ? 's' : ''} not found: ${missing.join(', ')}`;
}

