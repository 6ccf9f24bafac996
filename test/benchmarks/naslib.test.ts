import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNaslibReference, NASLIB_PROXY_NAMES, NASLIB_REFERENCE_FILE, naslibNb201Reference } from '../../src/benchmarks/naslib';
import { loadNb201Table, NB201_TABLE_FILE } from '../../src/benchmarks/nb201';
import { formatNb201 } from '../../src/spaces/nb201/arch';
import { fromNaslibIndices, toNaslibIndices } from '../../src/spaces/nb201/naslib';
import { needsData } from '../support/data';

const skip = needsData(NASLIB_REFERENCE_FILE);

test('NASLib reference: row counts per dataset', { skip }, () => {
  assert.equal(naslibNb201Reference('cifar10').length, 725);
  assert.equal(naslibNb201Reference('cifar100').length, 725);
  assert.equal(naslibNb201Reference('ImageNet16-120').length, 724);
  assert.equal(loadNaslibReference().length, 2174);
  assert.throws(() => naslibNb201Reference('imagenet' as never), /unknown dataset/);
});

test('NASLib reference: arch_str matches the NASLib index conversion; proxies parsed', { skip }, () => {
  let nan = 0;
  let negInf = 0;
  for (const r of loadNaslibReference()) {
    assert.deepEqual(fromNaslibIndices(r.naslibIndices), r.arch);
    assert.equal(toNaslibIndices(r.arch), r.naslibIndices);
    for (const p of NASLIB_PROXY_NAMES) {
      assert.equal(typeof r.proxies[p], 'number');
      if (Number.isNaN(r.proxies[p])) nan++;
      if (r.proxies[p] === -Infinity) negInf++;
    }
    assert.ok(Number.isFinite(r.valAccuracy) && r.valAccuracy >= 0 && r.valAccuracy <= 100);
  }
  assert.equal(nan, 1, 'one empty synflow cell');
  assert.ok(negInf >= 1);
  const first = naslibNb201Reference('cifar10')[0]!;
  assert.equal(first.nb201Index, 4811);
  assert.equal(first.valAccuracy, 86.06);
  assert.equal(first.proxies.params, 0.615386);
});

test('NASLib reference agrees with the NB201 table', { skip: (skip || (needsData(NB201_TABLE_FILE))) }, () => {
  const t = loadNb201Table();
  for (const r of loadNaslibReference()) {
    assert.equal(formatNb201(t.arch(r.nb201Index)), formatNb201(r.arch));
  }
  // NASLib cifar10 val_accuracy tracks cifar10-valid closely (SOURCES.md: r = 0.998).
  const rows = naslibNb201Reference('cifar10');
  const xs = rows.map((r) => r.valAccuracy);
  const ys = rows.map((r) => t.accuracy(r.nb201Index, 'cifar10-valid'));
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  assert.ok(sxy / Math.sqrt(sxx * syy) > 0.99);
});
