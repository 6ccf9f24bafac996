/**
 * jacov / cj (NASWOT v1 Jacobian covariance): closed forms of the score, identical inputs
 * through a real network, a NAS-Bench-201 run, tensor hygiene, and parity with NASLib's `jacov`
 * (and `epe_nas`, which shares the same Jacobian pass) on NASLib reference architectures.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/engine/backend';
import { Rng } from '../../src/engine/rng';
import { parseNb201 } from '../../src/spaces/nb201/arch';
import { Nb201Network } from '../../src/spaces/nb201/network';
import { getProxy, ProxyContext, ProxyValue } from '../../src/proxies';
import { corrcoefRows, jacovFromEigenvalues, jacovScore, JACOV_K, symmetricEigenvalues } from '../../src/proxies/jacov';
import { ArchScorer } from '../../src/runner/scorer';
import { PRESETS, ScoreSettings } from '../../src/runner/settings';
import { naslibNb201Reference } from '../../src/benchmarks/naslib';
import { formatParity, parity } from '../../src/runner/parity';
import { needsData, CIFAR10_FILE } from '../support/data';

const skip = needsData(CIFAR10_FILE);
const k = JACOV_K;
const f = (l: number): number => Math.log(l + k) + 1 / (l + k);

function close(a: number, b: number, rel: number, msg = ''): void {
  assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${msg} ${a} vs ${b}`);
}

/** A ProxyContext around one network and batch (memo as the scorer's, tensors disposed by `done`). */
function makeCtx(net: Nb201Network, x: tf.Tensor4D, labels: tf.Tensor1D, numClasses: number): { ctx: ProxyContext; done: () => void } {
  const memo = new Map<string, unknown>();
  const ctx: ProxyContext = {
    arch: net.arch, net, x, labels, numClasses, counting: 'naslib', bn: 'train', seed: 3,
    build: () => {
      throw new Error('not needed');
    },
    memo: <T>(key: string, compute: () => T): T => {
      if (!memo.has(key)) {
        const v = compute();
        if (v instanceof tf.Tensor) tf.keep(v); // outlive the proxy's tidy, as the scorer does
        memo.set(key, v);
      }
      return memo.get(key) as T;
    },
  };
  return { ctx, done: () => memo.forEach((v) => v instanceof tf.Tensor && v.dispose()) };
}

test('corrcoefRows = np.corrcoef on hand rows; zero-variance row gives NaN', () => {
  const c = corrcoefRows([1, 2, 3, 2, 4, 6, 3, 2, 1], 3, 3);
  const want = [1, 1, -1, 1, 1, -1, -1, -1, 1];
  want.forEach((w, i) => close(c[i]!, w, 1e-15, `entry ${i}`));
  // rows (1,0,0,0) and (0,1,0,0): centred (.75,−.25,−.25,−.25), (−.25,.75,−.25,−.25) → r = −1/3
  const r = corrcoefRows([1, 0, 0, 0, 0, 1, 0, 0], 2, 4);
  close(r[1]!, -1 / 3, 1e-15);
  const z = corrcoefRows([1, 1, 1, 1, 2, 3], 2, 3);
  assert.ok(Number.isNaN(z[0]!) && Number.isNaN(z[1]!) && Number.isNaN(z[2]!));
  assert.equal(z[3], 1);
});

test('jacov closed forms: uncorrelated, anti-correlated and r = −1/3 pairs; eigenvalues of the all-ones matrix', () => {
  // zero-mean orthogonal rows → C = I → λ = {1, 1}
  const ortho = jacovScore([1, -1, 1, -1, 1, -1, -1, 1], 2, 4);
  assert.equal(ortho.status, 'ok');
  close(ortho.value, -2 * f(1), 1e-12);
  // b = −a → C = [[1, −1], [−1, 1]] → λ = {0, 2}
  const anti = jacovScore([1, 2, 4, -1, -2, -4], 2, 3);
  close(anti.value, -(f(0) + f(2)), 1e-9);
  // r = −1/3 → λ = 1 ± 1/3
  close(jacovScore([1, 0, 0, 0, 0, 1, 0, 0], 2, 4).value, -(f(2 / 3) + f(4 / 3)), 1e-12);
  const ones = new Array(16).fill(1);
  const ev = symmetricEigenvalues(ones, 4);
  [0, 0, 0, 4].forEach((w, i) => assert.ok(Math.abs(ev[i]! - w) < 1e-12, `λ${i} = ${ev[i]}`));
  close(jacovFromEigenvalues([1, 1, 1]), -3 * f(1), 1e-15);
  // the maximum −N is reached only at C = I
  assert.ok(ortho.value <= -2 && ortho.value > -2 - 1e-4);
});

test('jacov flags a zero-variance Jacobian row and non-finite input as nan with a reason', () => {
  const z = jacovScore([1, 1, 1, 1, 2, 3], 2, 3);
  assert.equal(z.status, 'nan');
  assert.match(z.reason!, /zero variance/);
  const n = jacovScore([1, NaN, 1, 1, 2, 3], 2, 3);
  assert.equal(n.status, 'nan');
  assert.equal(jacovScore([1, 2, 3], 1, 3).status, 'nan');
});

test('identical inputs: all-ones correlation matrix, λ = {N, 0, …} → −f(N) − (N−1)·f(0) for jacov and cj', async () => {
  await initBackend({ quiet: true });
  const n = 5;
  const r = new Rng(11);
  const img = Float32Array.from({ length: 8 * 8 * 3 }, () => r.normal());
  const data = new Float32Array(n * img.length);
  for (let i = 0; i < n; i++) data.set(img, i * img.length);
  const x = tf.tensor4d(data, [n, 8, 8, 3]);
  const labels = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
  const net = new Nb201Network(parseNb201('|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|avg_pool_3x3~1|skip_connect~2|'), { C: 4, N: 1, numClasses: 3 }, 2);
  const { ctx, done } = makeCtx(net, x, labels, 3);
  try {
    const want = -f(n) - (n - 1) * f(0);
    for (const name of ['jacov', 'cj']) {
      let v: ProxyValue | undefined;
      tf.tidy(() => {
        v = getProxy(name).compute(ctx);
      });
      assert.ok(v);
      assert.equal(v.status, 'ok');
      close(v.value, want, 1e-6, name);
    }
  } finally {
    done();
    net.dispose();
    x.dispose();
    labels.dispose();
  }
});

test('jacov on a NAS-Bench-201 network (NASLib preset, CIFAR-10 batch 32): finite, ≤ −N, cj identical; tensor count flat over 3 archs', { skip }, async (t) => {
  const settings: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', proxies: ['jacov', 'cj'] };
  const scorer = await ArchScorer.create(settings, { quiet: true });
  try {
    const counts: number[] = [];
    for (const index of [982, 5480, 3114]) {
      const before = tf.memory().numTensors;
      const row = scorer.score(index);
      counts.push(tf.memory().numTensors - before);
      const j = row.values.jacov!;
      t.diagnostic(`${index}: jacov ${j.value.toFixed(4)} (${row.proxySeconds.jacov!.toFixed(1)} s)`);
      assert.equal(j.status, 'ok');
      assert.ok(j.value <= -32, `score ${j.value} must be ≤ −N = −32`);
      assert.equal(row.values.cj!.value, j.value);
    }
    assert.deepEqual(counts, [0, 0, 0]);
  } finally {
    scorer.dispose();
  }
});

test('parity with NASLib on 25 reference archs (cifar10): Spearman ρ(ours, NASLib) ≥ 0.8 for jacov, cj and epe_nas', { skip }, async (t) => {
  const settings: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', proxies: ['jacov', 'cj', 'epe_nas'] };
  const refs = naslibNb201Reference('cifar10').slice(0, 25);
  const scorer = await ArchScorer.create(settings, { quiet: true });
  const rows = [];
  try {
    for (const r of refs) {
      const row = scorer.score(r.nb201Index);
      rows.push({ index: row.index, arch: row.arch, seconds: row.seconds, values: Object.fromEntries(Object.entries(row.values).map(([n, v]) => [n, v.value])) });
    }
  } finally {
    scorer.dispose();
  }
  const report = parity({ proxies: settings.proxies, rows }, 'cifar10');
  for (const line of formatParity(report, 'cifar10').split('\n')) t.diagnostic(line);
  t.diagnostic(`mean seconds/arch: ${(rows.reduce((s, r) => s + r.seconds, 0) / rows.length).toFixed(2)}`);
  for (const p of report) {
    assert.ok(p.n >= 24, `${p.proxy}: only ${p.n} finite pairs`);
    assert.ok(p.rhoOursRef >= 0.8, `${p.proxy}: Spearman(ours, NASLib ${p.column}) = ${p.rhoOursRef}`);
    assert.ok(p.rhoOursAcc > 0.6, `${p.proxy}: Spearman(ours, val acc) = ${p.rhoOursAcc}`);
  }
  assert.equal(report.find((p) => p.proxy === 'cj')!.rhoOursRef, report.find((p) => p.proxy === 'jacov')!.rhoOursRef);
});
