import test from 'node:test';
import assert from 'node:assert/strict';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { naslibNb201Reference } from '../../src/benchmarks/naslib';
import { summarize } from '../../src/stats/summary';
import { selectArchs } from '../../src/runner/archs';
import { formatParity, parity } from '../../src/runner/parity';
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
