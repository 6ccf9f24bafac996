import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNb301Reference, nb301Lookup, NB301_PROXY_NAMES, NB301_REFERENCE_FILE, nb301ReferenceFromJson } from '../../src/benchmarks/nb301';
import { DARTS_V2, formatGenotype } from '../../src/spaces/darts/genotype';
import { initBackend } from '../../src/engine/backend';
import { DartsNetwork } from '../../src/spaces/darts/network';
import { dartsParamCount, NASLIB_NB301_CONFIG } from '../../src/spaces/darts/plan';
import { needsData } from '../support/data';

const skip = needsData(NB301_REFERENCE_FILE);

test('NB301 table: 725 rows, keys decode to genotypes, proxies and accuracies finite', { skip }, () => {
  const rows = loadNb301Reference();
  assert.equal(rows.length, 725);
  assert.equal(new Set(rows.map((r) => r.key)).size, 725);
  assert.equal(new Set(rows.map((r) => r.idx)).size, 725);
  const first = rows[0]!;
  assert.equal(first.idx, 534);
  assert.equal(formatGenotype(first.genotype).slice(0, 60), "Genotype(normal=[('max_pool_3x3', 0), ('dil_conv_3x3', 1), (");
  assert.ok(Math.abs(first.valAccuracy - 93.32119084207302) < 1e-12);
  assert.ok(Math.abs(first.proxies.nwot - 448.83994136418596) < 1e-9);
  assert.ok(Math.abs(first.proxies.params - 0.856298) < 1e-12);
  for (const r of rows) {
    for (const p of NB301_PROXY_NAMES) assert.ok(Number.isFinite(r.proxies[p]) && Number.isFinite(r.times[p]));
    assert.ok(r.valAccuracy > 50 && r.valAccuracy < 100);
  }
  assert.equal(nb301Lookup(first.genotype), first);
  assert.equal(nb301Lookup(DARTS_V2), undefined);
});

test('decoding check: our NASLib-NB301 network has exactly NASLib\'s `params` (millions) for all 725 architectures', { skip }, () => {
  let worst = 0;
  for (const r of loadNb301Reference()) {
    const ours = dartsParamCount(r.genotype, NASLIB_NB301_CONFIG);
    const rel = Math.abs(ours / 1e6 - r.proxies.params) / r.proxies.params;
    worst = Math.max(worst, rel);
    assert.ok(rel <= 0.02, `row idx ${r.idx}: ${ours} parameters vs NASLib ${r.proxies.params} M`);
  }
  assert.ok(worst < 1e-6, `worst relative difference ${worst}`); // in fact exact (NASLib rounds to 1 parameter)
});

test('built networks (not just the count) match the params column on a few rows', { skip }, async () => {
  await initBackend({ quiet: true });
  for (const r of loadNb301Reference().filter((_, i) => i % 241 === 0)) {
    const net = new DartsNetwork(r.genotype, NASLIB_NB301_CONFIG, 0);
    try {
      assert.equal(net.numParams, Math.round(r.proxies.params * 1e6), `row idx ${r.idx}`);
    } finally {
      net.dispose();
    }
  }
});

test('nb301ReferenceFromJson rejects malformed tables with the row and field named', () => {
  const key = '[[(0, 0), (1, 5), (1, 1), (0, 1), (1, 3), (0, 3), (1, 3), (3, 2)], [(1, 0), (0, 2), (1, 3), (0, 3), (3, 0), (0, 1), (2, 0), (3, 6)]]';
  const entry = (o: Record<string, unknown> = {}) => ({
    idx: '3',
    arch: key,
    val_accuracy: 91.5,
    ...Object.fromEntries(NB301_PROXY_NAMES.map((p) => [p, { score: 1, time: 0.5 }])),
    ...o,
  });
  assert.equal(nb301ReferenceFromJson({ cifar10: { [key]: entry() } }, 't').length, 1);
  assert.throws(() => nb301ReferenceFromJson({ cifar100: {} }, 't'), /expected an object with a 'cifar10' table/);
  assert.throws(() => nb301ReferenceFromJson({ cifar10: { [key]: entry({ arch: 'x' }) } }, 't'), /row 0 .* field arch: "x" differs from its key/);
  assert.throws(() => nb301ReferenceFromJson({ cifar10: { [key]: entry({ nwot: undefined }) } }, 't'), /field nwot: missing \{score, time\}/);
  assert.throws(() => nb301ReferenceFromJson({ cifar10: { [key]: entry({ snip: { score: null, time: 1 } }) } }, 't'), /field snip\.score: expected a finite number/);
  assert.throws(() => nb301ReferenceFromJson({ cifar10: { [key]: entry({ idx: 'a' }) } }, 't'), /field idx: bad index/);
  const bad = key.replace('(3, 6)', '(3, 9)');
  assert.throws(() => nb301ReferenceFromJson({ cifar10: { [bad]: entry({ arch: bad }) } }, 't'), /field key: .*op index 9/);
});
