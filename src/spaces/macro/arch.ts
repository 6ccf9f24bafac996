/**
 * NAS-Bench-Macro architectures (Su et al., CVPR 2021; the table Zero-Cost-PT evaluates on): 8
 * searchable layers, each one of three choices, 3⁸ = 6,561 architectures. The benchmark writes an
 * architecture as an 8-character key, one digit per layer in network order:
 *   0 = `id` (identity, or a 1×1 conv + BN where the layer changes shape),
 *   1 = `ir_3x3_t3` (inverted residual, 3×3 depthwise, expansion 3),
 *   2 = `ir_5x5_t6` (inverted residual, 5×5 depthwise, expansion 6).
 * Layers: stem conv to 32 channels, then three stages of 2, 3, 3 layers; the first layer of each
 * stage has stride 2 and doubles the channels (ZCPT `nasbench_macro/model.py`).
 */

/** The three choices of a layer, in key-digit order. */
export const MACRO_OPS = Object.freeze(['id', 'ir_3x3_t3', 'ir_5x5_t6'] as const);
export type MacroOp = (typeof MACRO_OPS)[number];
/** A layer's choice as its key digit. */
export type MacroChoice = 0 | 1 | 2;
export const MACRO_NUM_OPS = MACRO_OPS.length;

/** Searchable layers per stage. */
export const MACRO_STAGES = Object.freeze([2, 3, 3] as const);
export const MACRO_NUM_LAYERS = 8;
/** Number of architectures, 3⁸. */
export const MACRO_SPACE_SIZE = MACRO_NUM_OPS ** MACRO_NUM_LAYERS;

declare const macroBrand: unique symbol;
/** A checked, frozen architecture: one choice per layer, network order. */
export type MacroArch = readonly MacroChoice[] & { readonly [macroBrand]: true };

const isChoice = (v: unknown): v is MacroChoice => v === 0 || v === 1 || v === 2;

/** Check and freeze a list of 8 choices. @throws naming the bad entry. */
export function macroArch(choices: readonly number[]): MacroArch {
  if (!Array.isArray(choices) || choices.length !== MACRO_NUM_LAYERS) {
    throw new Error(`NAS-Bench-Macro architecture needs ${MACRO_NUM_LAYERS} choices, got ${JSON.stringify(choices)}`);
  }
  choices.forEach((c, i) => {
    if (!isChoice(c)) throw new Error(`NAS-Bench-Macro layer ${i}: choice must be 0, 1 or 2, got ${JSON.stringify(c)}`);
  });
  return Object.freeze([...choices]) as unknown as MacroArch;
}

/** Parse the benchmark's 8-digit key (e.g. `02012100`). @throws naming the string. */
export function parseMacro(key: string): MacroArch {
  const s = typeof key === 'string' ? key.trim() : '';
  if (!/^[012]{8}$/.test(s)) throw new Error(`NAS-Bench-Macro architecture '${String(key)}' must be 8 digits 0/1/2 (0=id, 1=ir_3x3_t3, 2=ir_5x5_t6)`);
  return macroArch([...s].map(Number));
}

/** The benchmark's 8-digit key. */
export function formatMacro(a: MacroArch): string {
  return a.join('');
}

/** Index in 0..6560: the key read as a base-3 number (first layer most significant). */
export function macroIndex(a: MacroArch): number {
  return a.reduce<number>((n, c) => n * MACRO_NUM_OPS + c, 0);
}

/** Inverse of `macroIndex`. @throws outside 0..6560. */
export function macroArchAt(index: number): MacroArch {
  if (!(Number.isInteger(index) && index >= 0 && index < MACRO_SPACE_SIZE)) throw new Error(`NAS-Bench-Macro index ${index} is outside 0..${MACRO_SPACE_SIZE - 1}`);
  const out = new Array<number>(MACRO_NUM_LAYERS);
  let n = index;
  for (let l = MACRO_NUM_LAYERS - 1; l >= 0; l--) {
    out[l] = n % MACRO_NUM_OPS;
    n = Math.floor(n / MACRO_NUM_OPS);
  }
  return macroArch(out);
}

/** Shape of one searchable layer. */
export interface MacroLayer {
  readonly index: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly stride: 1 | 2;
}

/** The 8 searchable layers for a stem width (32 in the benchmark). */
export function macroLayers(initChannels = 32): readonly MacroLayer[] {
  if (!(Number.isInteger(initChannels) && initChannels >= 1)) throw new Error(`NAS-Bench-Macro stem width must be a positive integer, got ${initChannels}`);
  const out: MacroLayer[] = [];
  let c = initChannels;
  for (const n of MACRO_STAGES) {
    for (let j = 0; j < n; j++) {
      const first = j === 0;
      out.push({ index: out.length, inChannels: c, outChannels: first ? 2 * c : c, stride: first ? 2 : 1 });
      if (first) c *= 2;
    }
  }
  return Object.freeze(out);
}
