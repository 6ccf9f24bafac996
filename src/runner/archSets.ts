/**
 * What the runner needs from a search space and its benchmark, behind one interface: the
 * architectures addressable by index, a network builder, and ground-truth accuracies.
 *
 * Indices: NB201 — official benchmark index (0..15,624); NB101 — row of the distinct cells of the
 * NAS-Bench-1Shot1 search-space-2 table (3,258 cells with 3-seed 108-epoch accuracies);
 * NB101-NASLib — row of NASLib's NB101 zero-cost table (500 cells of the whole NB101 space,
 * single-seed validation accuracy); DARTS — row of NASLib's NB301 zero-cost table (725
 * genotypes, surrogate validation accuracy).
 *
 * Network size fields of the settings: `C` is the base width (NB201 first-stage channels, NB101
 * stem channels, DARTS init channels) and `N` the depth (NB201 cells per stage, NB101 modules per
 * stack, DARTS cells).
 */
import { loadNaslibNb101, loadNb1Shot1Space2, NaslibNb101Row, Nb1Shot1Row, uniqueNb1Shot1 } from '../benchmarks/nb101';
import { loadNb201Table, NB201_ACCURACY_KEYS, Nb201AccuracyKey, Nb201Table } from '../benchmarks/nb201';
import type { Network } from '../engine/network';
import { formatNb101, parseNb101, type Nb101Spec } from '../spaces/nb101/spec';
import { nb101MinWidth } from '../spaces/nb101/channels';
import { nb101Hash } from '../spaces/nb101/hash';
import { Nb101Network } from '../spaces/nb101/network';
import { formatNb201, Nb201Arch, parseNb201 } from '../spaces/nb201/arch';
import { Nb201NetConfig, Nb201Network } from '../spaces/nb201/network';
import type { SpaceName } from './settings';
import { loadNb301Reference, nb301Lookup, Nb301ReferenceRow } from '../benchmarks/nb301';
import { dartsGenotype, Genotype, parseGenotype } from '../spaces/darts/genotype';
import { parseNaslibCompact } from '../spaces/darts/naslib';
import { DartsNetwork } from '../spaces/darts/network';
import { loadMacroTable, type MacroTable } from '../benchmarks/macro';
import { formatMacro, macroIndex, MACRO_NUM_LAYERS, parseMacro } from '../spaces/macro/arch';
import { MacroNetwork } from '../spaces/macro/network';

/** Network options: the run's size plus per-proxy overrides (TE-NAS thin networks: NB201 and NB101). */
export type NetOptions = Pick<Nb201NetConfig, 'C' | 'N' | 'numClasses'> & Partial<Nb201NetConfig>;

export interface ArchSet {
  readonly space: SpaceName;
  /** Number of addressable architectures (indices 0..size-1). */
  readonly size: number;
  /** What the indices index. */
  readonly description: string;
  archString(index: number): string;
  /** Index of an architecture written as `archString` writes it. @throws naming the string. */
  indexOfString(s: string): number;
  build(index: number, options: NetOptions, seed: number): Network;
  /** The NB201 cell, for NB201-only proxies (flops). */
  nb201Arch?(index: number): Nb201Arch;
  readonly accuracyKeys: readonly string[];
  /** Ground truth used by default (the NASWOT paper's convention for the space). */
  readonly defaultAccuracyKey: string;
  accuracy(index: number, key: string): number;
}

/**
 * Network size per space and preset: `naswot` as the NASWOT code scores each space
 * (docs/papers.md §1.1–1.2: NB101 stem 16), `naslib` as NASLib built the networks of its zero-cost
 * tables (NB101: the benchmark's stem 128).
 */
export const SPACE_NET_DEFAULTS: Readonly<Record<SpaceName, Readonly<Record<'naswot' | 'naslib', { C: number; N: number }>>>> = {
  nb201: { naswot: { C: 16, N: 5 }, naslib: { C: 16, N: 5 } },
  nb101: { naswot: { C: 16, N: 3 }, naslib: { C: 128, N: 3 } },
  'nb101-naslib': { naswot: { C: 16, N: 3 }, naslib: { C: 128, N: 3 } },
  // NASLib's NB301 network (init channels 32, 8 cells); no NASWOT-paper setting exists for it.
  darts: { naswot: { C: 32, N: 8 }, naslib: { C: 32, N: 8 } },
  // NAS-Bench-Macro's own network (stem 32, the fixed 8 searchable layers).
  macro: { naswot: { C: 32, N: 8 }, naslib: { C: 32, N: 8 } },
};

function checkIndex(set: Pick<ArchSet, 'space' | 'size'>, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= set.size) throw new Error(`${set.space}: architecture index ${index} is outside 0..${set.size - 1}`);
}

function checkKey(space: string, keys: readonly string[], key: string): void {
  if (!keys.includes(key)) throw new Error(`${space}: unknown accuracy key '${key}' (one of ${keys.join(', ')})`);
}

export function nb201ArchSet(table: Nb201Table = loadNb201Table()): ArchSet {
  return {
    space: 'nb201',
    size: table.size,
    description: 'NAS-Bench-201 official indices',
    archString: (i) => formatNb201(table.arch(i)),
    indexOfString: (s) => table.indexOf(parseNb201(s)),
    build: (i, options, seed) => new Nb201Network(table.arch(i), options, seed),
    nb201Arch: (i) => table.arch(i),
    accuracyKeys: NB201_ACCURACY_KEYS,
    defaultAccuracyKey: 'cifar10-test',
    accuracy: (i, key) => {
      checkKey('nb201', NB201_ACCURACY_KEYS, key);
      return table.accuracy(i, key as Nb201AccuracyKey);
    },
  };
}

/** NB101 ground truth: best-of-3 test accuracy is NASWOT's convention (`get_final_accuracy`). */
export const NB101_ACCURACY_KEYS = ['test-max', 'test-mean', 'valid-mean'] as const;

export function nb101ArchSet(rows: readonly Nb1Shot1Row[] = uniqueNb1Shot1(loadNb1Shot1Space2())): ArchSet {
  return nb101CellSet('nb101', rows, {
    description: `distinct cells of NAS-Bench-1Shot1 search space 2 (${rows.length})`,
    table: 'the 1Shot1 table',
    accuracyKeys: NB101_ACCURACY_KEYS,
    accuracy: (r, key) => (key === 'test-max' ? r.maxTestAccuracy : key === 'test-mean' ? r.meanTestAccuracy : r.meanValidAccuracy),
  });
}

/**
 * NASLib's NB101 zero-cost table as an arch set: its 500 cells in file order (isomorphic
 * duplicates kept, `indexOfString` answers the first), NASLib's single-seed `val_accuracy`.
 */
export function nb101NaslibArchSet(rows: readonly NaslibNb101Row[] = loadNaslibNb101()): ArchSet {
  return nb101CellSet('nb101-naslib', rows, {
    description: `NASLib NB101 zero-cost cells (${rows.length}), single-seed validation accuracy`,
    table: "NASLib's NB101 table",
    accuracyKeys: ['val-accuracy'],
    accuracy: (r) => r.valAccuracy,
  });
}

/** An arch set over rows of NB101 cells (index = row; the first key is the default accuracy). */
function nb101CellSet<R extends { readonly spec: Nb101Spec; readonly hash: string }>(
  space: SpaceName,
  rows: readonly R[],
  o: { description: string; table: string; accuracyKeys: readonly string[]; accuracy: (row: R, key: string) => number },
): ArchSet {
  const byHash = new Map<string, number>();
  rows.forEach((r, i) => {
    if (!byHash.has(r.hash)) byHash.set(r.hash, i);
  });
  const set: ArchSet = {
    space,
    size: rows.length,
    description: o.description,
    archString: (i) => {
      checkIndex(set, i);
      return formatNb101(rows[i].spec);
    },
    indexOfString: (s) => {
      const i = byHash.get(nb101Hash(parseNb101(s)));
      if (i === undefined) throw new Error(`${space}: cell '${s}' is not in the ${rows.length} cells of ${o.table}`);
      return i;
    },
    build: (i, opts, seed) => {
      checkIndex(set, i);
      return buildNb101(rows[i].spec, opts, seed);
    },
    accuracyKeys: o.accuracyKeys,
    defaultAccuracyKey: o.accuracyKeys[0]!,
    accuracy: (i, key) => {
      checkIndex(set, i);
      checkKey(space, o.accuracyKeys, key);
      return o.accuracy(rows[i], key);
    },
  };
  return set;
}

/**
 * An NB101 network from the runner's options: `C` stem channels, 3 stacks of `N` modules, `init`
 * (default NASWOT's explicit init). TE-NAS's thin networks, defined on NB201 (nlr: C=1, no stem,
 * one cell; cnntk: C=3, N=1), carry over as: `stem: false` → no stem conv, the input has `C`
 * channels; `depth` → the first `depth` modules; and since an NB101 module splits its width among
 * the vertices feeding its output, a width below that fan-in (`nb101MinWidth`, ≤ 4) is raised to
 * it, so every vertex keeps at least one channel (the C=1 analogue: one channel per vertex).
 */
export function buildNb101(spec: Nb101Spec, o: NetOptions, seed: number): Nb101Network {
  return new Nb101Network(
    spec,
    {
      stemChannels: Math.max(o.C, nb101MinWidth(spec.matrix)),
      numStacks: 3,
      modulesPerStack: o.N,
      numClasses: o.numClasses,
      init: o.init ?? 'naswot',
      ...(o.stem === false ? { stem: false, inputChannels: o.C } : {}),
      ...(o.depth !== undefined ? { depth: o.depth } : {}),
    },
    seed,
  );
}

/**
 * A CSV-safe one-line genotype (no commas): `normal:op~input|…;reduce:op~input|…` with the
 * default concat (nodes 2–5), e.g. `normal:sep_conv_3x3~0|skip_connect~1|…;reduce:max_pool_3x3~0|…`.
 */
export function formatDartsCompact(g: Genotype): string {
  const cell = (edges: Genotype['normal']): string => edges.map((e) => `${e.op}~${e.input}`).join('|');
  return `normal:${cell(g.normal)};reduce:${cell(g.reduce)}`;
}

/** Inverse of `formatDartsCompact` (validated like any genotype). */
export function parseDartsCompact(s: string): Genotype {
  const m = /^normal:([^;]+);reduce:(.+)$/.exec(s.trim());
  if (!m) throw new Error(`darts: '${s}' is not of the form normal:op~input|…;reduce:op~input|…`);
  const edges = (part: string): [string, number][] =>
    part.split('|').map((e) => {
      const [op, input, ...rest] = e.split('~');
      if (rest.length || op === undefined || input === undefined || !/^\d+$/.test(input)) throw new Error(`darts: edge '${e}' in '${s}' is not op~input`);
      return [op, Number(input)];
    });
  return dartsGenotype({ normal: edges(m[1]), reduce: edges(m[2]) });
}

/**
 * DARTS space over NASLib's NB301 zero-cost table: genotypes built as NASLib's network (BN without
 * affine inside cell ops, BN after pools), which reproduces its `params` exactly and its `nwot`
 * at ρ ≈ 0.99. Ground truth: the table's surrogate validation accuracy.
 */
export function dartsArchSet(rows: readonly Nb301ReferenceRow[] = loadNb301Reference()): ArchSet {
  const position = new Map(rows.map((r, i) => [r, i]));
  const set: ArchSet = {
    space: 'darts',
    size: rows.length,
    description: `NASLib NB301 zero-cost genotypes (${rows.length}), surrogate validation accuracy`,
    archString: (i) => {
      checkIndex(set, i);
      return formatDartsCompact(rows[i].genotype);
    },
    indexOfString: (s) => {
      const t = s.trim();
      const g = t.startsWith('[') ? parseNaslibCompact(t) : t.startsWith('normal:') ? parseDartsCompact(t) : parseGenotype(t);
      const r = nb301Lookup(g);
      if (!r) throw new Error(`darts: genotype '${s}' is not in the NB301 table`);
      return position.get(r)!;
    },
    build: (i, o, seed) => {
      checkIndex(set, i);
      if (o.stem !== undefined || o.depth !== undefined) throw new Error('darts: thin TE-NAS networks (stem/depth options) are defined for NB201 only');
      if (o.init !== undefined && o.init !== 'pytorch') throw new Error(`darts: init '${o.init}' is not available (pytorch only)`);
      return new DartsNetwork(rows[i].genotype, { C: o.C, layers: o.N, numClasses: o.numClasses, cellAffine: false, poolBn: true }, seed);
    },
    accuracyKeys: ['val-accuracy'],
    defaultAccuracyKey: 'val-accuracy',
    accuracy: (i, key) => {
      checkIndex(set, i);
      checkKey('darts', ['val-accuracy'], key);
      return rows[i].valAccuracy;
    },
  };
  return set;
}

/**
 * NAS-Bench-Macro: index = the 8-digit key read in base 3 (`macroIndex`), all 6,561
 * architectures; ground truth the table's mean test accuracy over 3 seeds (`test-mean`) or one
 * seed's (`test-seed0..2`). `C` is the stem width; the 8 layers are fixed (`N` must be 8).
 */
export const MACRO_ACCURACY_KEYS = ['test-mean', 'test-seed0', 'test-seed1', 'test-seed2'] as const;

export function macroArchSet(table: MacroTable = loadMacroTable()): ArchSet {
  const set: ArchSet = {
    space: 'macro',
    size: table.size,
    description: `NAS-Bench-Macro CIFAR-10 architectures (${table.size}, index = key in base 3)`,
    archString: (i) => formatMacro(table.row(i).arch),
    indexOfString: (s) => macroIndex(parseMacro(s)),
    build: (i, o, seed) => {
      checkIndex(set, i);
      if (o.N !== MACRO_NUM_LAYERS) throw new Error(`macro: the network has ${MACRO_NUM_LAYERS} searchable layers, got N = ${o.N}`);
      if (o.stem !== undefined || o.depth !== undefined) throw new Error('macro: thin TE-NAS networks (stem/depth options) are defined for NB201 and NB101 only');
      if (o.init !== undefined && o.init !== 'pytorch') throw new Error(`macro: init '${o.init}' is not available (pytorch only)`);
      return new MacroNetwork(table.row(i).arch, { initChannels: o.C, numClasses: o.numClasses }, seed);
    },
    accuracyKeys: MACRO_ACCURACY_KEYS,
    defaultAccuracyKey: 'test-mean',
    accuracy: (i, key) => {
      checkKey('macro', MACRO_ACCURACY_KEYS, key);
      const r = table.row(i);
      return key === 'test-mean' ? r.meanAccuracy : r.testAccuracies[Number(key.slice(-1))]!;
    },
  };
  return set;
}

const cache = new Map<SpaceName, ArchSet>();
const FACTORIES: Partial<Record<SpaceName, () => ArchSet>> = {
  nb201: () => nb201ArchSet(),
  nb101: () => nb101ArchSet(),
  'nb101-naslib': () => nb101NaslibArchSet(),
  darts: () => dartsArchSet(),
  macro: () => macroArchSet(),
};

/** Register the builder of a space's arch set (spaces added later plug in here). */
export function registerArchSet(space: SpaceName, factory: () => ArchSet): void {
  FACTORIES[space] = factory;
  cache.delete(space);
}

/** The arch set of a space (loaded once per thread). */
export function archSet(space: SpaceName): ArchSet {
  let s = cache.get(space);
  if (!s) {
    const f = FACTORIES[space];
    if (!f) throw new Error(`search space '${space}' has no architecture set yet`);
    s = f();
    cache.set(space, s);
  }
  return s;
}
