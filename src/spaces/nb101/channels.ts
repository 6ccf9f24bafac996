/**
 * Channel bookkeeping of the NB101 network (google-research/nasbench `lib/model_builder.py`).
 *
 * `computeVertexChannels(cin, cout, matrix)`: the output vertex has `cout` channels, split as
 * evenly as possible among the interior vertices that feed it (the first `cout mod k` of them,
 * in vertex order, get one extra channel); every other interior vertex takes the max channels
 * of its interior successors, going backwards; the input vertex keeps `cin`. Channels never
 * increase along interior edges, so a wider source is truncated (by exactly one channel) to its
 * destination; input→vertex edges use a 1×1 projection to the vertex's channels instead.
 */
import type { Nb101Matrix } from './spec';

/** Channels of every vertex of a pruned cell with `cin` input and `cout` output channels. */
export function computeVertexChannels(cin: number, cout: number, matrix: Nb101Matrix | readonly (readonly number[])[]): number[] {
  const n = matrix.length;
  const ch = new Array<number>(n).fill(0);
  ch[0] = cin;
  ch[n - 1] = cout;
  if (n === 2) return ch;
  // in-degree of the output, ignoring the input vertex
  let k = 0;
  for (let v = 1; v < n - 1; v++) if (matrix[v]![n - 1]) k++;
  if (k === 0) throw new Error('computeVertexChannels: no interior vertex feeds the output (is the matrix pruned?)');
  const interior = Math.floor(cout / k);
  let correction = cout % k;
  for (let v = 1; v < n - 1; v++) {
    if (!matrix[v]![n - 1]) continue;
    ch[v] = interior;
    if (correction > 0) {
      ch[v]++;
      correction--;
    }
  }
  for (let v = n - 3; v > 0; v--) {
    if (!matrix[v]![n - 1]) {
      for (let dst = v + 1; dst < n - 1; dst++) if (matrix[v]![dst]) ch[v] = Math.max(ch[v]!, ch[dst]!);
    }
    if (!(ch[v]! > 0)) throw new Error(`computeVertexChannels: vertex ${v} gets no channels (is the matrix pruned?)`);
  }
  // sanity checks of the reference: channels never increase, output fan-in adds up
  let fanIn = 0;
  for (let v = 1; v < n - 1; v++) {
    if (matrix[v]![n - 1]) fanIn += ch[v]!;
    for (let dst = v + 1; dst < n - 1; dst++) {
      if (matrix[v]![dst] && ch[v]! < ch[dst]!) throw new Error(`computeVertexChannels: channels increase along ${v}→${dst}`);
    }
  }
  if (fanIn !== cout) throw new Error(`computeVertexChannels: output fan-in ${fanIn} ≠ ${cout}`);
  return ch;
}

/** Macro-structure of the network: stem, stacks of modules, 2×2 max-pool and ×2 channels between stacks. */
export interface Nb101MacroConfig {
  /** Stem output channels (128 in NAS-Bench-101, 16 in NASWOT's scoring). */
  readonly stemChannels: number;
  /** Stacks of modules (3). */
  readonly numStacks: number;
  /** Modules (cells) per stack (3). */
  readonly modulesPerStack: number;
  /**
   * Thin networks (TE-NAS-style, see archSets' NB101 builder): `stem: false` drops the stem conv,
   * so the first module reads the `inputChannels`-channel input directly (default: stem on);
   * `depth` keeps only the first `depth` modules (default: all).
   */
  readonly stem?: boolean;
  readonly inputChannels?: number;
  readonly depth?: number;
}

/** One module (cell) of the network with its input/output channels. */
export interface Nb101Module {
  readonly name: string;
  readonly stack: number;
  /** True for the first module of a stack > 0 (a 2×2 max-pool precedes it). */
  readonly afterPool: boolean;
  readonly cin: number;
  readonly cout: number;
}

/** The modules in order, and the channels of the last one (the classifier's input). */
export function nb101Modules(config: Nb101MacroConfig): { modules: Nb101Module[]; outChannels: number } {
  const { stemChannels, numStacks, modulesPerStack } = config;
  const inputChannels = config.inputChannels ?? 3;
  const depth = config.depth ?? numStacks * modulesPerStack;
  for (const [k, v] of Object.entries({ stemChannels, numStacks, modulesPerStack, inputChannels, depth })) {
    if (!(Number.isInteger(v) && v >= 1)) throw new Error(`invalid NB101 network config: ${k} must be a positive integer, got ${v}`);
  }
  const modules: Nb101Module[] = [];
  let cin = config.stem === false ? inputChannels : stemChannels;
  let cout = stemChannels;
  for (let s = 0; s < numStacks && modules.length < depth; s++) {
    if (s > 0) cout *= 2;
    for (let m = 0; m < modulesPerStack && modules.length < depth; m++) {
      modules.push({ name: `cells.${modules.length}`, stack: s, afterPool: s > 0 && m === 0, cin, cout });
      cin = cout;
    }
  }
  return { modules, outChannels: modules[modules.length - 1]!.cout };
}

/**
 * Fewest module channels a cell can be built with: the output's channels are split among the
 * interior vertices that feed it, so a width below that fan-in would leave vertices with 0
 * channels (1 when only the input feeds the output).
 */
export function nb101MinWidth(matrix: Nb101Matrix | readonly (readonly number[])[]): number {
  const n = matrix.length;
  let k = 0;
  for (let v = 1; v < n - 1; v++) if (matrix[v]![n - 1]) k++;
  return Math.max(1, k);
}
