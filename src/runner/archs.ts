/** Architecture selections for the CLI: `all`, `sample:N`, `naslib:<dataset>` or a file. */
import * as fs from 'node:fs';
import type { Nb201Table } from '../benchmarks/nb201';
import { NASLIB_DATASETS, naslibNb201Reference, NaslibDataset } from '../benchmarks/naslib';
import { Rng } from '../engine/rng';
import { ArchSet, nb201ArchSet } from './archSets';

/**
 * Indices of a space's arch set for a selection (NB201: official indices). `sample:N` is the
 * first N of a seeded uniform permutation (so sample:M ⊂ sample:N for M < N); `naslib:<dataset>`
 * the NASLib NB201 reference architectures; a file holds one index or architecture string per
 * line (`#` comments allowed).
 */
export function selectArchs(spec: string, archs: ArchSet | Nb201Table, seed: number): number[] {
  const set: ArchSet = 'space' in archs ? archs : nb201ArchSet(archs);
  if (spec === 'all') return Array.from({ length: set.size }, (_, i) => i);
  const sample = /^sample:(\d+)$/.exec(spec);
  if (sample) {
    const n = Number(sample[1]);
    if (n < 1 || n > set.size) throw new Error(`--archs ${spec}: N must be in 1..${set.size}`);
    return new Rng(seed).sampleWithoutReplacement(set.size, n);
  }
  const naslib = /^naslib:(.+)$/.exec(spec);
  if (naslib) {
    if (set.space !== 'nb201') throw new Error(`--archs ${spec}: NASLib reference selections exist for nb201 only (space ${set.space}: use all or sample:N)`);
    const ds = naslib[1] as NaslibDataset;
    if (!NASLIB_DATASETS.includes(ds)) throw new Error(`--archs ${spec}: dataset must be one of ${NASLIB_DATASETS.join(', ')}`);
    return naslibNb201Reference(ds).map((r) => r.nb201Index);
  }
  if (!fs.existsSync(spec)) throw new Error(`--archs '${spec}': not 'all', 'sample:N', 'naslib:<dataset>' or an existing file`);
  if (fs.statSync(spec).isDirectory()) throw new Error(`--archs '${spec}' is a folder; give a file with one index or architecture string per line`);
  const out: number[] = [];
  fs.readFileSync(spec, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, k) => {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') return;
      const where = `${spec} line ${k + 1}`;
      if (/^-\d+$/.test(line)) throw new Error(`${where}: index ${line} is negative; indices are 0..${set.size - 1}`);
      if (/^\d+$/.test(line)) {
        const i = Number(line);
        if (i >= set.size) throw new Error(`${where}: index ${i} is outside 0..${set.size - 1}`);
        out.push(i);
      } else {
        try {
          out.push(set.indexOfString(line));
        } catch (e) {
          throw new Error(`${where}: ${(e as Error).message}`);
        }
      }
    });
  if (out.length === 0) throw new Error(`--archs '${spec}': the file lists no architectures`);
  return out;
}
