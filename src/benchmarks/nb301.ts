/**
 * NASLib's NAS-Bench-301 zero-cost table (`naslib/zc_nasbench301.json`, see shared/data/SOURCES.md):
 * 725 DARTS-space architectures on CIFAR-10, each with the NB301 surrogate `val_accuracy` (%) and
 * 12 proxies `{score, time}` computed by NASLib (one random training batch, PyTorch).
 *
 * Keys are `str()` of NASLib's compact encoding `[[(input, op), ×8], [(input, op), ×8]]` (normal
 * cell, then reduction cell; op indices into max_pool_3x3, avg_pool_3x3, skip_connect,
 * sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5; see src/spaces/darts/naslib.ts). The
 * decoding is verified by the `params` column: NASLib's network (`NASLIB_NB301_CONFIG`: DARTS
 * NetworkCIFAR with C=32, 8 layers, 10 classes, affine=False BNs in cell ops, BN after pools) has
 * exactly `params.score`·10⁶ parameters for every architecture (`params` is in millions).
 * `idx` is NASLib's sample index (0..724 in some order), not an NB301 identifier.
 */
import * as fs from 'node:fs';
import { dataFile } from '../data/root';
import { checkPercent } from './csv';
import type { Genotype } from '../spaces/darts/genotype';
import { formatNaslibCompact, parseNaslibCompact } from '../spaces/darts/naslib';

/** Relative data path of the table. */
export const NB301_REFERENCE_FILE = 'naslib/zc_nasbench301.json';

/** Proxy entries of every row. */
export const NB301_PROXY_NAMES = Object.freeze([
  'epe_nas', 'fisher', 'flops', 'grad_norm', 'grasp', 'jacov', 'l2_norm', 'nwot', 'params', 'plain', 'snip', 'synflow',
] as const);
/** A proxy name of the table. */
export type Nb301ProxyName = (typeof NB301_PROXY_NAMES)[number];

/** One architecture of the table. */
export interface Nb301ReferenceRow {
  /** NASLib sample index. */
  readonly idx: number;
  /** The key as stored (NASLib compact string). */
  readonly key: string;
  readonly genotype: Genotype;
  /** NB301 surrogate validation accuracy (%). */
  readonly valAccuracy: number;
  /** Proxy scores (`params` and `flops` in millions). */
  readonly proxies: Readonly<Record<Nb301ProxyName, number>>;
  /** Seconds NASLib spent per proxy. */
  readonly times: Readonly<Record<Nb301ProxyName, number>>;
}

function finite(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${where}: expected a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Validate and convert the parsed JSON (`{cifar10: {key: row}}`). Every row must have `idx`,
 * `arch` equal to its key, `val_accuracy` and all of `NB301_PROXY_NAMES` as `{score, time}`.
 * @throws naming the source, the row and the field.
 */
export function nb301ReferenceFromJson(json: unknown, source = NB301_REFERENCE_FILE): Nb301ReferenceRow[] {
  const root = json as { cifar10?: unknown };
  if (root === null || typeof root !== 'object' || root.cifar10 === null || typeof root.cifar10 !== 'object') {
    throw new Error(`NB301 reference ${source}: expected an object with a 'cifar10' table`);
  }
  return Object.entries(root.cifar10 as Record<string, unknown>).map(([key, raw], r) => {
    const where = (f: string): string => `NB301 reference ${source} row ${r} (${key.slice(0, 40)}…) field ${f}`;
    const row = raw as Record<string, unknown>;
    if (row === null || typeof row !== 'object') throw new Error(`${where('*')}: not an object`);
    if (row.arch !== key) throw new Error(`${where('arch')}: ${JSON.stringify(row.arch)} differs from its key`);
    let genotype: Genotype;
    try {
      genotype = parseNaslibCompact(key);
    } catch (e) {
      throw new Error(`${where('key')}: ${(e as Error).message}`);
    }
    const idx = Number(row.idx);
    if (!/^\d+$/.test(String(row.idx))) throw new Error(`${where('idx')}: bad index ${JSON.stringify(row.idx)}`);
    const proxies = {} as Record<Nb301ProxyName, number>;
    const times = {} as Record<Nb301ProxyName, number>;
    for (const p of NB301_PROXY_NAMES) {
      const e = row[p] as { score?: unknown; time?: unknown } | undefined;
      if (e === undefined || e === null || typeof e !== 'object') throw new Error(`${where(p)}: missing {score, time}`);
      proxies[p] = finite(e.score, where(`${p}.score`));
      times[p] = finite(e.time, where(`${p}.time`));
    }
    return Object.freeze({
      idx,
      key,
      genotype,
      valAccuracy: checkPercent(finite(row.val_accuracy, where('val_accuracy')), where('val_accuracy')),
      proxies: Object.freeze(proxies),
      times: Object.freeze(times),
    });
  });
}

const cache = new Map<string, readonly Nb301ReferenceRow[]>();
const byKey = new WeakMap<readonly Nb301ReferenceRow[], Map<string, Nb301ReferenceRow>>();

/** All 725 rows in file order (cached per process and file). */
export function loadNb301Reference(): readonly Nb301ReferenceRow[] {
  const file = dataFile(NB301_REFERENCE_FILE);
  let rows = cache.get(file);
  if (rows === undefined) {
    rows = Object.freeze(nb301ReferenceFromJson(JSON.parse(fs.readFileSync(file, 'utf8')), file));
    cache.set(file, rows);
  }
  return rows;
}

/** The row of a genotype, or undefined when the table does not hold it. */
export function nb301Lookup(g: Genotype): Nb301ReferenceRow | undefined {
  let key: string;
  try {
    key = formatNaslibCompact(g);
  } catch {
    return undefined; // `none` ops or other concat lists are not in NB301
  }
  const rows = loadNb301Reference();
  let index = byKey.get(rows);
  if (index === undefined) {
    index = new Map(rows.map((r) => [r.key, r]));
    byKey.set(rows, index);
  }
  return index.get(key);
}
