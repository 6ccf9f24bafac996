/**
 * Notebook scale: `quick` (CI, minutes) or `paper` (the papers' sample sizes, hours; results cached).
 * The runner passes it to the kernel through the environment variable ZERONAS_SCALE.
 */

export type NotebookScale = 'quick' | 'paper';

export const SCALES: readonly NotebookScale[] = ['quick', 'paper'];

/** Environment variable read by `notebookScale()`. */
export const SCALE_ENV = 'ZERONAS_SCALE';

/** Parse a scale name (case-insensitive; empty/undefined → 'quick'); throws on anything else. */
export function parseScale(value: string | undefined | null): NotebookScale {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'quick';
  if (v === 'quick' || v === 'paper') return v;
  throw new Error(`invalid notebook scale "${value}": expected one of ${SCALES.join(', ')}`);
}

/** The scale this notebook runs at: $ZERONAS_SCALE, default 'quick'. */
export function notebookScale(env: NodeJS.ProcessEnv = process.env): NotebookScale {
  return parseScale(env[SCALE_ENV]);
}

/** Pick a value by scale, e.g. `atScale({quick: 200, paper: 15625})` for a sample size. */
export function atScale<T>(values: Record<NotebookScale, T>, scale: NotebookScale = notebookScale()): T {
  return values[scale];
}
