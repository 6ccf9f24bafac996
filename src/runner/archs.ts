/** Architecture selections for the CLI: `all`, `sample:N`, `naslib:<dataset>` or a file. */
import * as fs from 'node:fs';
import type { Nb201Table } from '../benchmarks/nb201';
import { NASLIB_DATASETS, naslibNb201Reference, NaslibDataset } from '../benchmarks/naslib';
import { Rng } from '../engine/rng';
import { parseNb201 } from '../spaces/nb201/arch';

/**
 * Official NB201 indices for a selection. `sample:N` draws N distinct indices uniformly with
 * `seed`; a file holds one official index or arch string per line (`#` comments allowed).
 */
export function selectArchs(spec: string, table: Nb201Table, seed: number): number[] {
  if (spec === 'all') return Array.from({ length: table.size }, (_, i) => i);
  const sample = /^sample:(\d+)$/.exec(spec);
  if (sample) {
    const n = Number(sample[1]);
    if (n < 1 || n > table.size) throw new Error(`--archs ${spec}: N must be in 1..${table.size}`);
    return new Rng(seed).sampleWithoutReplacement(table.size, n);
  }
  const naslib = /^naslib:(.+)$/.exec(spec);
  if (naslib) {
    const ds = naslib[1] as NaslibDataset;
    if (!NASLIB_DATASETS.includes(ds)) throw new Error(`--archs ${spec}: dataset must be one of ${NASLIB_DATASETS.join(', ')}`);
    return naslibNb201Reference(ds).map((r) => r.nb201Index);
  }
  if (!fs.existsSync(spec)) throw new Error(`--archs '${spec}': not 'all', 'sample:N', 'naslib:<dataset>' or an existing file`);
  const out: number[] = [];
  fs.readFileSync(spec, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, k) => {
      const line = raw.replace(/#.*/, '').trim();
      if (line === '') return;
      const where = `${spec} line ${k + 1}`;
      if (/^\d+$/.test(line)) {
        const i = Number(line);
        if (i >= table.size) throw new Error(`${where}: index ${i} is outside 0..${table.size - 1}`);
        out.push(i);
      } else {
        try {
          out.push(table.indexOf(parseNb201(line)));
        } catch (e) {
          throw new Error(`${where}: ${(e as Error).message}`);
        }
      }
    });
  if (out.length === 0) throw new Error(`--archs '${spec}': the file lists no architectures`);
  return out;
}
