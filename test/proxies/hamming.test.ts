import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HammingKernel, layerDistances } from '../../src/proxies/hamming';
import { logAbsDet } from '../../src/linalg/logdet';
import { Rng } from '../../src/engine/rng';

/** Brute-force Σ_l w_l·(X_l X_lᵀ + (1−X_l)(1−X_l)ᵀ) in float64 from 0/1 codes (value > 0). */
function bruteKernel(n: number, layers: { values: ArrayLike<number>; weight: number }[]): Float64Array {
  const k = new Float64Array(n * n);
  for (const { values, weight } of layers) {
    const f = values.length / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let u = 0; u < f; u++) {
          const a = values[i * f + u]! > 0 ? 1 : 0;
          const b = values[j * f + u]! > 0 ? 1 : 0;
          s += a * b + (1 - a) * (1 - b);
        }
        k[i * n + j] += weight * s;
      }
    }
  }
  return k;
}

test('codes (1,0,1) and (1,1,0): K = [[3,1],[1,3]], log|K| = ln 8', () => {
  const h = new HammingKernel(2);
  h.addLayer(new Float32Array([1, -1, 1, 1, 1, -1]));
  assert.deepEqual(Array.from(h.kernel()), [3, 1, 1, 3]);
  assert.equal(h.numUnits, 3);
  assert.equal(h.numLayers, 1);
  const ld = logAbsDet(h.kernel(), 2);
  assert.equal(ld.status, 'ok');
  assert.ok(Math.abs(ld.value - 2.0794415416798357) < 1e-9, `${ld.value}`);
  // DAS split (PAPERS.md §3): N·log N_A + log|S|
  assert.ok(Math.abs(2 * Math.log(3) + Math.log(8 / 9) - ld.value) < 1e-12);
});

test('same codes split over two layers give the same kernel (sum over layers)', () => {
  const h = new HammingKernel(2);
  h.addLayer(new Float64Array([1, -1, 1, 1]));
  h.addLayer(new Float64Array([1, -1]));
  assert.deepEqual(Array.from(h.kernel()), [3, 1, 1, 3]);
  assert.equal(h.numUnits, 3);
  assert.equal(h.numDistinctUnits, 3);
  assert.equal(h.numLayers, 2);
});

test('identical codes → singular K (−∞); complementary codes → K = N_A·I', () => {
  const same = new HammingKernel(2);
  same.addLayer(new Float32Array([0.5, -1, 2, 0.5, -1, 2]));
  assert.deepEqual(Array.from(same.kernel()), [3, 3, 3, 3]);
  const ld = logAbsDet(same.kernel(), 2);
  assert.equal(ld.status, 'singular');
  assert.equal(ld.value, -Infinity);

  const comp = new HammingKernel(2);
  // 40 units (crosses a 32-bit word), sample 1 is the complement of sample 0
  const r = new Rng(4);
  const v = new Float32Array(80);
  for (let u = 0; u < 40; u++) {
    v[u] = r.next() < 0.5 ? 1 : -1;
    v[40 + u] = -v[u]!;
  }
  comp.addLayer(v);
  assert.deepEqual(Array.from(comp.kernel()), [40, 0, 0, 40]);
  assert.ok(Math.abs(logAbsDet(comp.kernel(), 2).value - 2 * Math.log(40)) < 1e-12);
});

test('code is value > 0: zero and −0 are off', () => {
  const h = new HammingKernel(2);
  h.addLayer(new Float32Array([0, -0, 1e-30, -1e-30, -1, -1]));
  // sample 0 codes (0,0,1), sample 1 codes (0,0,0): d = 1
  assert.deepEqual(Array.from(h.kernel()), [3, 2, 2, 3]);
});

test('the last bit of a packed word counts (31 to 129 units, all on vs all off)', () => {
  for (const f of [31, 32, 33, 63, 64, 65, 128, 129]) {
    const h = new HammingKernel(3);
    const v = new Float32Array(3 * f);
    for (let u = 0; u < f; u++) {
      v[u] = 1; // sample 0: all on
      v[f + u] = -1; // sample 1: all off
      v[2 * f + u] = u === f - 1 ? 1 : -1; // sample 2: only the last unit on
    }
    h.addLayer(v);
    assert.deepEqual(Array.from(h.kernel()), [f, 0, 1, 0, f, f - 1, 1, f - 1, f], `F = ${f}`);
  }
});

test('weight 2 equals adding the same layer twice', () => {
  const r = new Rng(11);
  const n = 5;
  const a = new Float32Array(n * 45).map(() => r.normal());
  const b = new Float32Array(n * 20).map(() => r.normal());
  const h1 = new HammingKernel(n);
  h1.addLayer(a, 2);
  h1.addLayer(b);
  const h2 = new HammingKernel(n);
  h2.addLayer(a);
  h2.addLayer(b);
  h2.addLayer(a);
  assert.deepEqual(h1.kernel(), h2.kernel());
  assert.equal(h1.numUnits, h2.numUnits);
  assert.equal(h1.numUnits, 2 * 45 + 20);
  assert.equal(h1.numDistinctUnits, 65);
});

test('HammingKernel equals brute-force float64 XXᵀ + (1−X)(1−X)ᵀ: n=7, F=77 over 3 layers, with weights', () => {
  const r = new Rng(2024);
  const n = 7;
  const sizes = [33, 31, 13]; // 77 units, not a multiple of 32; layers reuse a larger packing buffer
  const weights = [1, 2, 1];
  const layers = sizes.map((f, l) => {
    const values = new Float32Array(n * f);
    for (let i = 0; i < values.length; i++) {
      const u = r.next();
      values[i] = u < 0.1 ? 0 : r.normal(); // some exact zeros (code 0)
    }
    return { values, weight: weights[l]! };
  });
  // sample 6 repeats sample 2 on the last layer only
  const last = layers[2]!.values;
  for (let u = 0; u < 13; u++) last[6 * 13 + u] = last[2 * 13 + u]!;

  for (const ws of [[1, 1, 1], weights]) {
    const h = new HammingKernel(n);
    layers.forEach((l, i) => h.addLayer(l.values, ws[i]));
    const ref = bruteKernel(n, layers.map((l, i) => ({ values: l.values, weight: ws[i]! })));
    assert.deepEqual(Array.from(h.kernel()), Array.from(ref));
    assert.equal(h.numUnits, sizes.reduce((s, f, i) => s + ws[i]! * f, 0));
    assert.equal(h.numDistinctUnits, 77);
    assert.equal(h.numLayers, 3);
    // symmetric, diagonal = N_A
    for (let i = 0; i < n; i++) assert.equal(h.kernel()[i * n + i], h.numUnits);
    const a = logAbsDet(h.kernel(), n);
    const b = logAbsDet(ref, n);
    assert.equal(a.value, b.value);
  }
});

test('invalid batch size, a layer that does not split into samples, or distances of another batch size throw', () => {
  assert.throws(() => new HammingKernel(0), /^Error: HammingKernel: batch size must be a positive integer, got 0$/);
  assert.throws(() => new HammingKernel(2.5), /^Error: HammingKernel: batch size must be a positive integer, got 2\.5$/);
  const h = new HammingKernel(3);
  assert.throws(() => h.addLayer(new Float32Array(10)), /do not split into 3 samples/);
  assert.throws(() => h.addDistances(layerDistances(new Float32Array(4), 2)), /^Error: HammingKernel: layer has 2 samples, kernel 3$/);
  assert.equal(h.numLayers, 0, 'nothing added');
});

test('a batch of one: K = [N_A]', () => {
  const h = new HammingKernel(1);
  h.addLayer(Float32Array.from([0.5, -1, 2]), 2);
  assert.deepEqual(Array.from(h.kernel()), [6]);
  assert.equal(h.numUnits, 6);
});

test('layerDistances: the Hamming distances in the upper triangle, zeros elsewhere', () => {
  // codes (1,0,1), (1,1,0), (1,1,1): d01 = 2, d02 = 1, d12 = 1
  const d = layerDistances(Float64Array.from([3, 0, 1, 2, 5, -1, 1, 1, 1]), 3);
  assert.equal(d.n, 3);
  assert.equal(d.units, 3);
  assert.deepEqual(Array.from(d.dist), [0, 2, 1, 0, 0, 1, 0, 0, 0]);
});

test('float64 values: a positive value too small for float32 is on; NaN is off (float32 and float64)', () => {
  // codes (1, 0, 0) and (0, 0, 0): d = 1
  const d64 = layerDistances(Float64Array.from([1e-300, NaN, -1e-300, 0, -0, -5]), 2);
  assert.deepEqual(Array.from(d64.dist), [0, 1, 0, 0]);
  const d32 = layerDistances(Float32Array.from([1e-30, NaN, -1e-30, 0, NaN, -5]), 2);
  assert.deepEqual(Array.from(d32.dist), [0, 1, 0, 0]);
});

test('a large layer (working memory grown past several pages), then small ones: each equals brute force', () => {
  const r = new Rng(77);
  const shapes: [number, number][] = [[12, 9000], [5, 70], [12, 9000], [3, 1], [40, 200]];
  for (const [n, f] of shapes) {
    const values = Float32Array.from({ length: n * f }, () => (r.next() < 0.5 ? r.normal() : 0));
    const d = layerDistances(values, n);
    const k = bruteKernel(n, [{ values, weight: 1 }]);
    const expected = Array.from({ length: n * n }, (_, q) => (q % n > Math.floor(q / n) ? f - k[q]! : 0));
    assert.deepEqual(Array.from(d.dist), expected, `n=${n}, F=${f}`);
  }
});

test('a layer whose working memory would pass 2^31 bytes is refused before any allocation, naming its size', () => {
  // 16,385 samples of one unit: the 16,385² float64 distances alone need 2,147,745,800 bytes, with the codes and values 2,147,942,420
  assert.throws(
    () => layerDistances(new Float32Array(16385), 16385),
    /^Error: HammingKernel: a layer of 16385 samples × 1 units needs 2147942420 bytes of working memory, more than 2147483648; score a smaller batch$/,
  );
});
