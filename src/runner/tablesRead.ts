/**
 * Committed project tables read in this process (score tables, training benches, search results),
 * each with the settings it was written with and the command that regenerates it: the write-up
 * manifest lists them.
 */
export interface TableRead {
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  readonly command: string;
  readonly settings: unknown;
}

const tables = new Map<string, TableRead>();

/** Record a table read (the first read of a path wins). */
export function recordTableRead(t: TableRead): void {
  if (!tables.has(t.path)) tables.set(t.path, t);
}

/** Tables read so far, in first-read order. */
export function tablesRead(): TableRead[] {
  return [...tables.values()];
}
