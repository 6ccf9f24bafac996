/**
 * Fusion Indicator (Tran, Ali & Bae, IEEE Access 9, 2021, docs/papers.md §4): a weighted sum of
 * indicators fitted by minimising the MSE to accuracy. Our protocol (the paper's normalisation,
 * bias term and solver are UNCONFIRMED):
 *
 *   FI(x) = b + Σᵢ wᵢ·zᵢ,   zᵢ = (tᵢ(xᵢ) − μᵢ) / σᵢ
 *
 * tᵢ a monotone transform (transforms.ts), μᵢ and σᵢ the mean and population standard deviation
 * (divisor n) of tᵢ on the training rows only; (b, w) minimise (1/n)·Σ(accᵣ − FIᵣ)² + λ‖w‖²
 * (λ = 0 by default; the intercept is never penalised nor constrained), optionally with
 * sᵢ·wᵢ ≥ 0 where sᵢ = ±1 says in which direction of zᵢ the indicator is "better". Because the zᵢ
 * are centred on the training rows, b is exactly the training mean accuracy.
 * In original (transformed) units: FI = b₀ + Σ aᵢ·tᵢ(xᵢ) with aᵢ = wᵢ/σᵢ, b₀ = b − Σ wᵢ·μᵢ/σᵢ.
 */
import { designMatrix, designSvd, DEFAULT_RCOND, gramForm, nnlsGram, solveSvd } from './leastSquares';
import { prepareData, type FusionData, type PreparedData } from './data';
import {
  applyTransform,
  fitTransform,
  isTransformName,
  transformMonotonicity,
  type FittedTransform,
  type TransformName,
} from './transforms';

/** What to do when the standardised design is rank-deficient (collinear indicators, n ≤ p). */
export type SingularPolicy = 'error' | 'ridge';

export interface FusionOptions {
  /** Transform per indicator (default `identity`). */
  readonly transforms?: Readonly<Partial<Record<string, TransformName>>>;
  /**
   * Whether a higher raw value of the indicator means a better architecture (default true); with
   * `nonNegative` the weight on zᵢ is constrained to the sign sᵢ = (higherIsBetter ? 1 : −1) ×
   * (transform increasing ? 1 : −1). Pass a registry's `higherIsBetter` here.
   */
  readonly higherIsBetter?: Readonly<Partial<Record<string, boolean>>>;
  /** Ridge λ ≥ 0 on the MSE scale (relative to unit variance of z); default 0. */
  readonly ridge?: number;
  /** Constrain sᵢ·wᵢ ≥ 0 (Lawson–Hanson NNLS); default false. */
  readonly nonNegative?: boolean;
  /** Rank-deficient design: throw (default) or refit with λ = `fallbackRidge` and say so. */
  readonly onSingular?: SingularPolicy;
  /** λ used by the `ridge` singular policy (default 1e-3). */
  readonly fallbackRidge?: number;
  /** Relative singular-value threshold for the rank (default 1e-10). */
  readonly rcond?: number;
}

export type FusionSolver = 'ols' | 'ridge' | 'nnls' | 'nnls-ridge';

/** How the weights were obtained. */
export interface FusionFitInfo {
  /** Training rows used. */
  readonly n: number;
  /** Rows dropped (non-finite indicator or accuracy) before fitting. */
  readonly dropped: number;
  readonly droppedBy: Readonly<Record<string, number>>;
  readonly solver: FusionSolver;
  /** λ actually used (the fallback λ when `ridgeFallback`). */
  readonly ridge: number;
  /** True when the design was singular and the `ridge` policy was applied. */
  readonly ridgeFallback: boolean;
  /** Numerical rank of the standardised design (≤ number of indicators). */
  readonly rank: number;
  /** Condition number of the standardised design, s_max/s_min. */
  readonly condition: number;
  /** Constraint sign sᵢ per indicator (+1: wᵢ ≥ 0, −1: wᵢ ≤ 0); only meaningful for NNLS. */
  readonly signs: readonly (1 | -1)[];
  /** Indicators whose weight the non-negativity constraint holds at 0. */
  readonly clipped: readonly string[];
  /** Human-readable remarks (e.g. the singular fallback). */
  readonly notes: readonly string[];
}

/** Plain-data form of a {@link FusionModel} (JSON-safe except for ±∞ in `condition`). */
export interface FusionModelJSON {
  readonly kind: 'zeronas-fusion-model';
  readonly version: 1;
  readonly indicators: readonly string[];
  readonly transforms: readonly FittedTransform[];
  readonly means: readonly number[];
  readonly stds: readonly number[];
  readonly weights: readonly number[];
  readonly intercept: number;
  readonly trainMse: number;
  readonly fit: FusionFitInfo;
}

function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (x !== 0 && (Math.abs(x) >= 1e5 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return x.toFixed(digits);
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

/** A fitted fusion indicator: apply it to new rows, print it, serialise it. */
export class FusionModel {
  readonly indicators: readonly string[];
  readonly transforms: readonly FittedTransform[];
  /** μᵢ: training mean of tᵢ. */
  readonly means: readonly number[];
  /** σᵢ: training population standard deviation of tᵢ. */
  readonly stds: readonly number[];
  /** wᵢ: weight per standard deviation of tᵢ (accuracy units per σ). */
  readonly weights: readonly number[];
  /** b: intercept of the standardised form (= training mean accuracy). */
  readonly intercept: number;
  /** aᵢ = wᵢ/σᵢ: weight per unit of tᵢ(xᵢ). */
  readonly weightsOriginal: readonly number[];
  /** b₀ = b − Σ wᵢμᵢ/σᵢ: intercept of the original-units form. */
  readonly interceptOriginal: number;
  /** (1/n)·Σ(acc − FI)² on the training rows. */
  readonly trainMse: number;
  readonly fit: FusionFitInfo;

  constructor(json: Omit<FusionModelJSON, 'kind' | 'version'>) {
    const p = json.indicators.length;
    for (const [k, v] of [
      ['transforms', json.transforms],
      ['means', json.means],
      ['stds', json.stds],
      ['weights', json.weights],
    ] as const) {
      if (v.length !== p) throw new Error(`FusionModel: ${k} has ${v.length} entries for ${p} indicators`);
    }
    json.transforms.forEach((t, i) => {
      if (!isTransformName(t.name)) throw new Error(`FusionModel: unknown transform '${String(t.name)}' for '${json.indicators[i]}'`);
    });
    json.stds.forEach((s, i) => {
      if (!(s > 0)) throw new Error(`FusionModel: standard deviation of '${json.indicators[i]}' must be > 0, got ${s}`);
    });
    this.indicators = [...json.indicators];
    this.transforms = json.transforms.map((t) => (t.name === 'rank' ? { name: 'rank', reference: [...t.reference] } : { name: t.name }));
    this.means = [...json.means];
    this.stds = [...json.stds];
    this.weights = [...json.weights];
    this.intercept = json.intercept;
    this.weightsOriginal = this.weights.map((w, i) => w / this.stds[i]);
    this.interceptOriginal = this.weights.reduce((b, w, i) => b - (w * this.means[i]) / this.stds[i], this.intercept);
    this.trainMse = json.trainMse;
    this.fit = json.fit;
  }

  /** Rebuilds a model from {@link toJSON} output. */
  static fromJSON(json: FusionModelJSON): FusionModel {
    if (json.kind !== 'zeronas-fusion-model' || json.version !== 1) {
      throw new Error(`FusionModel.fromJSON: not a version-1 fusion model (kind ${String(json.kind)}, version ${String(json.version)})`);
    }
    return new FusionModel(json);
  }

  /** Standardised inputs zᵢ for raw columns (columns[j][r]); `rows` names table rows in errors. */
  standardize(columns: readonly (readonly number[])[], rows?: readonly number[]): number[][] {
    return this.indicators.map((name, j) => {
      const t = applyTransform(this.transforms[j], columns[j], { indicator: name, rows });
      return t.map((v) => (v - this.means[j]) / this.stds[j]);
    });
  }

  /** FI for raw indicator columns (all finite; columns[j] is indicator j). */
  predictColumns(columns: readonly (readonly number[])[], rows?: readonly number[]): number[] {
    if (columns.length !== this.indicators.length) {
      throw new Error(`FusionModel.predictColumns: got ${columns.length} columns for ${this.indicators.length} indicators`);
    }
    const z = this.standardize(columns, rows);
    const n = columns.length === 0 ? 0 : columns[0].length;
    const out = new Array<number>(n).fill(this.intercept);
    for (let j = 0; j < z.length; j++) for (let r = 0; r < n; r++) out[r] += this.weights[j] * z[j][r];
    return out;
  }

  /**
   * FI for table rows. A row with a missing or non-finite indicator gets NaN (count those with
   * Number.isFinite); a finite value outside its transform's domain throws, naming the row.
   */
  predict(rows: readonly Readonly<Record<string, number>>[]): number[] {
    const out = new Array<number>(rows.length).fill(NaN);
    const keep: number[] = [];
    rows.forEach((r, i) => {
      if (this.indicators.every((k) => typeof r[k] === 'number' && Number.isFinite(r[k]))) keep.push(i);
    });
    const cols = this.indicators.map((k) => keep.map((i) => rows[i][k]));
    const pred = this.predictColumns(cols, keep);
    keep.forEach((i, r) => (out[i] = pred[r]));
    return out;
  }

  toJSON(): FusionModelJSON {
    return {
      kind: 'zeronas-fusion-model',
      version: 1,
      indicators: [...this.indicators],
      transforms: this.transforms.map((t) => (t.name === 'rank' ? { name: 'rank', reference: [...t.reference] } : { name: t.name })),
      means: [...this.means],
      stds: [...this.stds],
      weights: [...this.weights],
      intercept: this.intercept,
      trainMse: this.trainMse,
      fit: this.fit,
    };
  }

  /** A few lines: the formula, the fit, and a table of weights. */
  describe(): string {
    const f = this.fit;
    const solver =
      f.solver === 'ols' ? 'ordinary least squares' : f.solver === 'ridge' ? `ridge λ=${fmt(f.ridge)}` : f.solver === 'nnls' ? 'sign-constrained NNLS' : `sign-constrained NNLS + ridge λ=${fmt(f.ridge)}`;
    const lines = [
      `Fusion indicator FI = b + Σ wᵢ·zᵢ, zᵢ = (tᵢ(xᵢ) − μᵢ)/σᵢ (μ, σ from the ${f.n} training rows${f.dropped > 0 ? `; ${f.dropped} row(s) dropped as non-finite` : ''})`,
      `fit: ${solver}, rank ${f.rank}/${this.indicators.length}, condition ${fmt(f.condition, 3)}; training MSE ${fmt(this.trainMse)} (RMSE ${fmt(Math.sqrt(this.trainMse))})`,
      ...f.notes.map((s) => `note: ${s}`),
      `b = ${fmt(this.intercept)}   (original units: b₀ = ${fmt(this.interceptOriginal)})`,
    ];
    const header = ['indicator', 'transform', 'μ', 'σ', 'w (per σ)', 'a = w/σ'];
    const body = this.indicators.map((k, i) => [
      k + (f.clipped.includes(k) ? ' (clipped)' : ''),
      this.transforms[i].name,
      fmt(this.means[i]),
      fmt(this.stds[i]),
      fmt(this.weights[i]),
      fmt(this.weightsOriginal[i]),
    ]);
    const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
    for (const r of [header, ...body]) lines.push('  ' + r.map((s, c) => pad(s, widths[c])).join('  ').trimEnd());
    return lines.join('\n');
  }
}

function meanOf(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function validateOptions(indicators: readonly string[], o: FusionOptions): void {
  const known = new Set(indicators);
  for (const k of Object.keys(o.transforms ?? {})) {
    if (!known.has(k)) throw new Error(`fusion: transform given for '${k}', which is not a selected indicator (${indicators.join(', ')})`);
  }
  for (const k of Object.keys(o.higherIsBetter ?? {})) {
    if (!known.has(k)) throw new Error(`fusion: higherIsBetter given for '${k}', which is not a selected indicator (${indicators.join(', ')})`);
  }
  const ridge = o.ridge ?? 0;
  if (!(ridge >= 0 && Number.isFinite(ridge))) throw new Error(`fusion: ridge must be a finite number ≥ 0, got ${ridge}`);
  const fb = o.fallbackRidge ?? 1e-3;
  if (!(fb > 0 && Number.isFinite(fb))) throw new Error(`fusion: fallbackRidge must be > 0, got ${fb}`);
  const rcond = o.rcond ?? DEFAULT_RCOND;
  if (!(rcond > 0 && rcond < 1)) throw new Error(`fusion: rcond must be in (0, 1), got ${rcond}`);
  if (o.onSingular !== undefined && o.onSingular !== 'error' && o.onSingular !== 'ridge') {
    throw new Error(`fusion: onSingular must be 'error' or 'ridge', got '${String(o.onSingular)}'`);
  }
}

/**
 * Fits the fusion model on already-prepared rows (all finite). Transforms and standardisation are
 * fitted on these rows only.
 */
export function fitPrepared(data: PreparedData, options: FusionOptions = {}): FusionModel {
  const { indicators } = data;
  validateOptions(indicators, options);
  const n = data.accuracy.length;
  if (n < 2) throw new Error(`fusion: needs at least 2 complete rows to fit, got ${n} (${data.dropped} dropped as non-finite)`);
  const names = indicators.map((k) => options.transforms?.[k] ?? 'identity');
  const transforms = indicators.map((k, j) => fitTransform(names[j], data.columns[j], { indicator: k, rows: data.rowIndex }));
  const t = indicators.map((k, j) => applyTransform(transforms[j], data.columns[j], { indicator: k, rows: data.rowIndex }));
  const means = t.map(meanOf);
  const stds = t.map((c, j) => Math.sqrt(c.reduce((s, v) => s + (v - means[j]) ** 2, 0) / n));
  stds.forEach((s, j) => {
    if (!(s > 0)) {
      throw new Error(
        `fusion: indicator '${indicators[j]}'${names[j] === 'identity' ? '' : ` (after '${names[j]}')`} is constant on the ${n} training rows ` +
          `(value ${t[j][0]}); it cannot be standardised — drop it from the selection`,
      );
    }
  });
  const z = t.map((c, j) => c.map((v) => (v - means[j]) / stds[j]));
  const yMean = meanOf(data.accuracy);
  const yc = data.accuracy.map((v) => v - yMean);
  const signs = indicators.map((k, j) => ((options.higherIsBetter?.[k] ?? true) ? 1 : -1) * transformMonotonicity(names[j]) as 1 | -1);
  const nonNegative = options.nonNegative ?? false;
  // sign-aware constraint sᵢwᵢ ≥ 0 ⇔ NNLS on columns sᵢzᵢ; the SVD is the same up to signs
  const zm = designMatrix(nonNegative ? z.map((c, j) => c.map((v) => v * signs[j])) : z);
  const rcond = options.rcond ?? DEFAULT_RCOND;
  const svd = designSvd(zm, rcond);
  let ridge = options.ridge ?? 0;
  let ridgeFallback = false;
  const notes: string[] = [];
  if (svd.rank < indicators.length && ridge === 0) {
    const groups = svd.nullColumns.map((cols) => cols.map((j) => `'${indicators[j]}'`).join(' + ')).filter((s) => s.length > 0);
    const what =
      `standardised design is singular: rank ${svd.rank} of ${indicators.length} on ${n} training rows ` +
      `(condition number ${svd.condition.toExponential(2)}; (nearly) collinear: ${groups.length > 0 ? groups.join('; ') : 'n ≤ number of indicators'})`;
    if ((options.onSingular ?? 'error') === 'error') {
      throw new Error(`fusion: ${what}; drop an indicator, set ridge > 0, or use onSingular: 'ridge'`);
    }
    ridge = options.fallbackRidge ?? 1e-3;
    ridgeFallback = true;
    notes.push(`${what}; fitted with fallback ridge λ=${ridge}`);
  }
  let w: number[];
  let clipped: string[] = [];
  if (nonNegative) {
    const { g, h } = gramForm(zm, yc, ridge);
    const r = nnlsGram(g, h);
    w = r.x.map((v, j) => (v === 0 ? 0 : v * signs[j])); // no −0 for clipped weights
    clipped = r.atBound.map((j) => indicators[j]);
  } else {
    w = solveSvd(svd, yc, ridge);
  }
  let sse = 0;
  for (let r = 0; r < n; r++) {
    let pred = yMean;
    for (let j = 0; j < w.length; j++) pred += w[j] * z[j][r];
    sse += (data.accuracy[r] - pred) ** 2;
  }
  const solver: FusionSolver = nonNegative ? (ridge > 0 ? 'nnls-ridge' : 'nnls') : ridge > 0 ? 'ridge' : 'ols';
  return new FusionModel({
    indicators,
    transforms,
    means,
    stds,
    weights: w,
    intercept: yMean,
    trainMse: sse / n,
    fit: {
      n,
      dropped: data.dropped,
      droppedBy: data.droppedBy,
      solver,
      ridge,
      ridgeFallback,
      rank: svd.rank,
      condition: svd.condition,
      signs,
      clipped,
      notes,
    },
  });
}

/**
 * Fits FI = b + Σ wᵢ·zᵢ by minimising the MSE to accuracy over the rows of `data` whose selected
 * indicators and accuracy are all finite (the others are dropped and counted in `fit.dropped`).
 */
export function fitFusion(data: FusionData, indicators: readonly string[], options: FusionOptions = {}): FusionModel {
  return fitPrepared(prepareData(data, indicators), options);
}
