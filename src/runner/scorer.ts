/**
 * Scores single architectures under fixed settings: one input batch per scorer (NASWOT: every
 * candidate of a run sees the same batch), a freshly initialised network per architecture, every
 * requested proxy on that network, and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { makeBatch } from '../data/batch';
import { NASLIB_NORM, NASWOT_NORM, NormConstants } from '../data/normalize';
import { initBackend } from '../engine/backend';
import { getProxy, ProxyContext, ProxyValue } from '../proxies';
import { TensorMemo } from '../proxies/memo';
import { archSet, ArchSet } from './archSets';
import { networkSeed, ScoreSettings } from './settings';

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

export class ArchScorer {
  private constructor(
    readonly settings: ScoreSettings,
    private readonly archs: ArchSet,
    private readonly x: tf.Tensor4D,
    private readonly labels: tf.Tensor1D,
  ) {}

  static async create(settings: ScoreSettings, opts: { quiet?: boolean } = {}): Promise<ArchScorer> {
    await initBackend({ quiet: opts.quiet });
    for (const p of settings.proxies) getProxy(p);
    const batch = makeBatch({
      dataset: settings.dataset,
      split: 'train',
      batchSize: settings.batchSize,
      seed: settings.seed,
      select: settings.select,
      augment: settings.augment,
      norm: normFor(settings),
    });
    const x = tf.tensor4d(batch.x, [...batch.shape]);
    const labels = tf.tensor1d(batch.labels, 'int32');
    return new ArchScorer(settings, archSet(settings.space), x, labels);
  }

  /** Score the architecture with index `index` of the space's arch set (NB201: official index). */
  score(index: number): ScoreRow {
    const s = this.settings;
    const t0 = performance.now();
    const config = { C: s.C, N: s.N, numClasses: s.numClasses };
    const seed = networkSeed(s.seed, index);
    const net = this.archs.build(index, config, seed);
    const memo = new TensorMemo();
    const ctx: ProxyContext = {
      arch: this.archs.nb201Arch?.(index), net, x: this.x, labels: this.labels, numClasses: s.numClasses, counting: s.counting, bn: s.bn, seed,
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
    return { index, arch: this.archs.archString(index), values, proxySeconds, seconds: (performance.now() - t0) / 1000 };
  }

  dispose(): void {
    this.x.dispose();
    this.labels.dispose();
  }
}
