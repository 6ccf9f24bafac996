/**
 * Data identity: which data files a run read, and their SHA-256. A result file's sidecar records
 * the identity of the data that produced it, so a resume on other data (a truncated CIFAR batch,
 * another benchmark table) is refused by naming the file that changed.
 *
 * A data folder may ship a `SHA256SUMS` file (`sha256sum` format: `<hex>  <name>` per line); every
 * data file read through `dataFile` is checked against the line naming it, so a damaged copy (e.g. a
 * CIFAR file cut to a whole number of records, which the reader cannot tell from a smaller set)
 * stops the run instead of giving other scores.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One data file as read: its path relative to the data root, where it was found, its hash and size. */
export interface DataFileIdentity {
  /** Path relative to the data root, e.g. `cifar10/data_batch_1.bin`. */
  readonly rel: string;
  /** Absolute data root the file was read from (informative: the same bytes elsewhere are the same data). */
  readonly root: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly bytes: number;
}

/** The data files behind a result file, in a fixed order (the order their settings imply). */
export interface DataIdentity {
  readonly files: readonly DataFileIdentity[];
}

const hashMemo = new Map<string, { stamp: string; sha256: string }>();

/** SHA-256 (hex) of a file, memoised per process while its size, inode and mtime (ns) are unchanged. */
export function sha256File(abs: string): string {
  const st = fs.statSync(abs, { bigint: true });
  const stamp = `${st.size}:${st.ino}:${st.mtimeNs}:${st.ctimeNs}`;
  const hit = hashMemo.get(abs);
  if (hit && hit.stamp === stamp) return hit.sha256;
  const sha256 = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
  hashMemo.set(abs, { stamp, sha256 });
  return sha256;
}

/** Name of the checksum list a data folder may ship. */
export const CHECKSUM_FILE = 'SHA256SUMS';

/** Parse `sha256sum` output: name → hex hash (binary-mode `*name` accepted). */
export function parseSha256Sums(text: string, where: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, k) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`${where} line ${k + 1} is not '<sha256>  <file name>': '${line.slice(0, 80)}'`);
    out.set(m[2]!.trim(), m[1]!.toLowerCase());
  });
  return out;
}

/**
 * Check `abs` against the `SHA256SUMS` of its folder, when the folder has one that lists it.
 * @throws naming the file, both hashes and the checksum list.
 */
export function checkShippedChecksum(abs: string): void {
  const sums = path.join(path.dirname(abs), CHECKSUM_FILE);
  if (!fs.existsSync(sums)) return;
  const want = parseSha256Sums(fs.readFileSync(sums, 'utf8'), sums).get(path.basename(abs));
  if (want === undefined) return;
  const got = sha256File(abs);
  if (got !== want) {
    throw new Error(
      `data file ${abs} does not match its checksum in ${sums} (sha256 ${got.slice(0, 12)}…, listed ${want.slice(0, 12)}…): ` +
        'the copy is damaged or was changed; restore it (see data/README.md) or point ZERONAS_DATA to an intact data folder',
    );
  }
}

/** Identity of the data files at absolute paths `found` (relative names `rels`, data roots `roots`). */
export function identityOf(entries: readonly { rel: string; root: string }[]): DataIdentity {
  return {
    files: entries.map(({ rel, root }) => {
      const abs = path.join(root, rel);
      return { rel, root, sha256: sha256File(abs), bytes: fs.statSync(abs).size };
    }),
  };
}

/** One field-level difference between two identities: `old → new` per file. */
export interface DataDifference {
  readonly rel: string;
  readonly old: string;
  readonly new: string;
}

const short = (f: DataFileIdentity | undefined): string => (f ? `sha256 ${f.sha256.slice(0, 12)}… (${f.bytes} bytes)` : 'not read');

/** Files whose bytes differ (or that one side did not read); roots are not compared. */
export function compareDataIdentity(a: DataIdentity, b: DataIdentity): DataDifference[] {
  const byRel = (d: DataIdentity): Map<string, DataFileIdentity> => new Map(d.files.map((f) => [f.rel, f]));
  const [A, B] = [byRel(a), byRel(b)];
  const rels = [...new Set([...A.keys(), ...B.keys()])];
  return rels
    .filter((r) => A.get(r)?.sha256 !== B.get(r)?.sha256)
    .map((rel) => ({ rel, old: short(A.get(rel)), new: short(B.get(rel)) }));
}

/** Validate a parsed identity (from a sidecar). @throws naming `where`. */
export function validateDataIdentity(d: unknown, where: string): DataIdentity {
  const o = d as { files?: unknown };
  if (!o || typeof o !== 'object' || !Array.isArray(o.files)) throw new Error(`${where}: 'data' must be an object with a 'files' list`);
  for (const f of o.files as Record<string, unknown>[]) {
    if (!f || typeof f.rel !== 'string' || typeof f.root !== 'string' || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256) || typeof f.bytes !== 'number') {
      throw new Error(`${where}: every 'data.files' entry needs rel, root, sha256 (64 hex digits) and bytes, got ${JSON.stringify(f).slice(0, 120)}`);
    }
  }
  return o as DataIdentity;
}

let announced = false;

/** Print the data roots a run reads, once per process (stderr). */
export function announceDataRoots(d: DataIdentity, quiet: boolean): void {
  if (quiet || announced) return;
  announced = true;
  const roots = [...new Set(d.files.map((f) => f.root))];
  process.stderr.write(`data: ${roots.join(', ')} (${d.files.map((f) => f.rel).join(', ')})\n`);
}
