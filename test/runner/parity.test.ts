import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { naslibNb201Reference } from '../../src/benchmarks/naslib';
import { summarize } from '../../src/stats/summary';
import { selectArchs } from '../../src/runner/archs';
import { formatParity, formatParityAcrossDraws, parity, parityAcrossDraws } from '../../src/runner/parity';
import { scoreIndices } from '../../src/runner/pool';
import { PRESETS, ScoreSettings } from '../../src/runner/settings';

// Quick versions of the acceptance checks (the full ones: `zeronas parity`, and
// `zeronas score --archs sample:300` + `zeronas eval`, see README).

test('NASWOT (NASLib conventions) ranks NASLib reference architectures like NASLib does', async () => {
  const settings: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', proxies: ['naswot', 'params'] };
  const indices = naslibNb201Reference('cifar10').slice(0, 40).map((r) => r.nb201Index);
  const rows = await scoreIndices(settings, indices, { workers: 2 });
  const scores = {
    proxies: settings.proxies,
    rows: rows.map((r) => ({ index: r.index, arch: r.arch, seconds: r.seconds, values: { naswot: r.values.naswot.value, params: r.values.params.value } })),
  };
  const report = parity(scores, 'cifar10');
  console.log(formatParity(report, 'cifar10'));
  const nw = report.find((r) => r.proxy === 'naswot')!;
  assert.ok(nw.n >= 35, `too few finite pairs: ${nw.n}`);
  assert.ok(nw.rhoOursRef >= 0.85, `Spearman(ours, NASLib nwot) = ${nw.rhoOursRef}`);
  const params = report.find((r) => r.proxy === 'params')!;
  assert.ok(params.rhoOursRef > 0.999, `params must rank identically, got ${params.rhoOursRef}`);
});

test('NASWOT (paper conventions) correlates with CIFAR-10 accuracy on a small sample', async () => {
  const table = loadNb201Table();
  const settings: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', batchSize: 64, proxies: ['naswot'] };
  const indices = selectArchs('sample:30', table, 7);
  const rows = await scoreIndices(settings, indices, { workers: 2 });
  const s = summarize(rows.map((r) => r.values.naswot.value), rows.map((r) => table.accuracy(r.index, 'cifar10-test')));
  const tau = s.krocc;
  console.log(`Kendall τ on ${s.n} archs (batch 64; ${s.dropped} singular dropped): ${tau.toFixed(3)}`);
  assert.ok(tau > 0.3, `τ = ${tau}`);
});

test('parityAcrossDraws: per-draw ρ, agreement between draws, and whether NASLib lies inside our range', () => {
  // six reference archs: NASLib's plain ranks them like accuracy except one swapped pair
  const acc = [10, 20, 30, 40, 50, 60];
  const refPlain = [1, 2, 4, 3, 5, 6];
  const ref = new Map(acc.map((a, i) => [i, { proxies: { plain: refPlain[i] }, valAccuracy: a }]));
  const table = (vals: number[]) => ({ proxies: ['plain'], rows: vals.map((v, i) => ({ index: i, arch: `a${i}`, seconds: 0, values: { plain: v } })) });
  const up = [1, 2, 3, 4, 5, 6]; // ρ with accuracy 1
  const down = [6, 5, 4, 3, 2, 1]; // ρ with accuracy −1
  const [row] = parityAcrossDraws([table(up), table(down)], [1, 2], 'cifar10', ref);
  assert.deepEqual(row.seeds, [1, 2]);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-12, `${a} ≠ ${b}`);
  near(row.rhoOursAcc[0], 1);
  near(row.rhoOursAcc[1], -1);
  near(row.rhoBetweenDraws, -1);
  // Spearman of refPlain with accuracy: d² = 1 + 1 → 1 − 6·2/(6·35) = 0.942857…
  near(row.rhoRefAcc, 1 - 12 / 210);
  near(row.rhoOursRef[0], row.rhoRefAcc);
  const text = formatParityAcrossDraws([row], 'cifar10');
  assert.match(text, /over 2 draws of ours \(seeds 1,2\)/);
  assert.match(text, /plain\s+-1\.000\s+0\.000\s+0\.000 ± 1\.414 \[-1\.000, 1\.000\]\s+0\.943\s+0\.943\s+yes/);
  // two identical draws agree perfectly, and NASLib's 0.943 is outside [1, 1]
  const [same] = parityAcrossDraws([table(up), table(up)], [3, 4], 'cifar10', ref);
  near(same.rhoBetweenDraws, 1);
  assert.match(formatParityAcrossDraws([same], 'cifar10'), /no$/);
  // a NaN in one draw is dropped from the pair, not ranked
  const [nan] = parityAcrossDraws([table([NaN, 2, 3, 4, 5, 6]), table(up)], [1, 2], 'cifar10', ref);
  near(nan.rhoBetweenDraws, 1);
  assert.throws(() => parityAcrossDraws([table(up)], [1, 2], 'cifar10', ref), /1 score tables for 2 seeds/);
});
