/**
 * Scores single architectures under fixed settings: one input batch per scorer (NASWOT: every
 * candidate of a run sees the same batch), a freshly initialised network per architecture, every
 * requested proxy on that network, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { makeBatch } from '../data/batch';
import { CIFAR_CLASSES } from '../data/cifar';
import { NASLIB_NORM, NASWOT_NORM, NormConstants } from '../data/normalize';
import { initBackend } from '../engine/backend';
import { getProxy, ProxyContext, ProxyValue } from '../proxies';
import { TensorMemo } from '../proxies/memo';
import { archSet, ArchSet } from './archSets';
import { drawSeeds, initDrawSeed, networkSeed, ScoreSettings } from './settings';

export interface ScoreRow {
  readonly index: number;
  readonly arch: string;
  readonly values: Readonly<Record<string, ProxyValue>>;
  /** Wall-clock seconds per proxy (network construction counted once, in `seconds`). */
  readonly proxySeconds: Readonly<Record<string, number>>;
  readonly seconds: number;
}

export function normFor(settings: Pick<ScoreSettings, 'norm' | 'dataset'>): NormConstants {
  return settings.norm === 'naslib' ? NASLIB_NORM[settings.dataset] : NASWOT_NORM[settings.dataset];
}

/**
 * A network with `numClasses` > 1 outputs must cover every label of the batch: a one-hot of a
 * label ≥ numClasses is all zeros, so the cross-entropy proxies would silently lose those samples
 * (e.g. CIFAR-100 labels on a 10-class network). numClasses = 1 (NASWOT) never reads labels.
 */
export function checkLabels(settings: Pick<ScoreSettings, 'numClasses' | 'dataset'>, labels: ArrayLike<number>): void {
  if (settings.numClasses <= 1) return;
  let max = -1;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]!);
  if (max >= settings.numClasses) {
    throw new Error(`settings: numClasses ${settings.numClasses} but the ${settings.dataset} batch has label ${max}; score ${settings.dataset} with a ${CIFAR_CLASSES[settings.dataset]}-class network (presetFor(…, '${settings.dataset}'))`);
  }
}

export class ArchScorer {
  private constructor(
    readonly settings: ScoreSettings,
    private readonly archs: ArchSet,
    /** One input batch per draw (settings.repeats; one by default). */
    private readonly batches: readonly { readonly seed: number; readonly initSeed: number; readonly x: tf.Tensor4D; readonly labels: tf.Tensor1D }[],
  ) {}

  static async create(settings: ScoreSettings, opts: { quiet?: boolean } = {}): Promise<ArchScorer> {
    await initBackend({ quiet: opts.quiet });
    for (const p of settings.proxies) getProxy(p);
    const batches = drawSeeds(settings).map((seed, r) => {
      const batch = makeBatch({
        dataset: settings.dataset,
        split: 'train',
        batchSize: settings.batchSize,
        seed,
        select: settings.select,
        augment: settings.augment,
        norm: normFor(settings),
      });
      checkLabels(settings, batch.labels);
      return { seed, initSeed: initDrawSeed(settings, r), x: tf.tensor4d(batch.x, [...batch.shape]), labels: tf.tensor1d(batch.labels, 'int32') };
    });
    return new ArchScorer(settings, archSet(settings.space), batches);
  }

  /**
   * Score the architecture with index `index` of the space's arch set (NB201: official index).
   * With several draws (settings.repeats) each proxy is the mean over the draws; a draw that is
   * not 'ok' makes the proxy's result that draw's status and reason.
   */
  score(index: number): ScoreRow {
    const t0 = performance.now();
    const draws = this.batches.map((b) => this.scoreDraw(index, b));
    const values: Record<string, ProxyValue> = {};
    const proxySeconds: Record<string, number> = {};
    for (const name of this.settings.proxies) {
      const vs = draws.map((d) => d.values[name]!);
      const bad = vs.find((v) => v.status !== 'ok');
      values[name] = bad ?? (vs.length === 1 ? vs[0]! : { value: vs.reduce((s, v) => s + v.value, 0) / vs.length, status: 'ok' });
      proxySeconds[name] = draws.reduce((s, d) => s + d.proxySeconds[name]!, 0);
    }
    return { index, arch: this.archs.archString(index), values, proxySeconds, seconds: (performance.now() - t0) / 1000 };
  }

  private scoreDraw(index: number, batch: ArchScorer['batches'][number]): Pick<ScoreRow, 'values' | 'proxySeconds'> {
    const s = this.settings;
    const config = { C: s.C, N: s.N, numClasses: s.numClasses };
    const seed = networkSeed(batch.initSeed, index);
    const net = this.archs.build(index, config, seed);
    const memo = new TensorMemo();
    const ctx: ProxyContext = {
      arch: this.archs.nb201Arch?.(index), net, x: batch.x, labels: batch.labels, numClasses: s.numClasses, counting: s.counting, bn: s.bn, seed,
      build: (over, netSeed) => this.archs.build(index, { ...config, ...over }, netSeed ?? seed),
      memo: memo.get,
    };
    const values: Record<string, ProxyValue> = {};
    const proxySeconds: Record<string, number> = {};
    try {
      for (const name of s.proxies) {
        const p0 = performance.now();
        try {
          let v: ProxyValue | undefined;
          tf.tidy(() => {
            v = getProxy(name).compute(ctx);
          });
          values[name] = v!;
        } catch (e) {
          values[name] = { value: NaN, status: 'error', reason: (e as Error).message };
        }
        proxySeconds[name] = (performance.now() - p0) / 1000;
      }
    } finally {
      memo.dispose();
      net.dispose();
    }
    return { values, proxySeconds };
  }

  dispose(): void {
    for (const b of this.batches) tf.dispose([b.x, b.labels]);
  }
}
