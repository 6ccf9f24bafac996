import { test } from "node:test";
import assert from "node:assert/strict";
import { summarize } from "../../src/stats/summary";
import { bootstrapCI } from "../../src/stats/bootstrap";
import { kendallTauB, pearson, spearman } from "../../src/stats/correlation";
import * as stats from "../../src/stats";

test("summarize drops non-finite pairs explicitly and reports the count", () => {
  const x = [1, 2, NaN, 2, 3, 4, Infinity];
  const y = [1, 3, 5, 2, 4, -Infinity, 0];
  const s = summarize(x, y);
  assert.equal(s.n, 4);
  assert.equal(s.dropped, 3);
  const cx = [1, 2, 2, 3];
  const cy = [1, 3, 2, 4];
  assert.equal(s.plcc, pearson(cx, cy));
  assert.equal(s.srocc, spearman(cx, cy));
  assert.equal(s.krocc, kendallTauB(cx, cy));
  assert.equal(s.rmse, undefined);
  assert.equal(s.ci, undefined);
});

test("summarize with rmse and bootstrap CIs", () => {
  const x = Array.from({ length: 40 }, (_, i) => i + ((i * 7) % 5));
  const y = Array.from({ length: 40 }, (_, i) => i);
  const s = summarize(x, y, { bootstrap: 200, seed: 3, ci: 0.9, rmse: true });
  assert.equal(s.dropped, 0);
  // x − y = (7i mod 5) cycles 0, 2, 4, 1, 3: mean square (0 + 4 + 16 + 1 + 9)/5 = 6
  assert.ok(s.rmse !== undefined && Math.abs(s.rmse - Math.sqrt(6)) < 1e-12, `rmse ${s.rmse}`);
  assert.ok(s.ci);
  assert.equal(s.ci.level, 0.9);
  assert.equal(s.ci.resamples, 200);
  for (const key of ["plcc", "srocc", "krocc"] as const) {
    const [lo, hi] = s.ci[key];
    assert.ok(lo <= s[key] && s[key] <= hi, `${key}: ${lo} ${s[key]} ${hi}`);
    assert.equal(s.ci.skipped[key], 0);
  }
  assert.deepEqual(summarize(x, y, { bootstrap: 200, seed: 3, ci: 0.9, rmse: true }), s);
});

test("summarize's intervals are bootstrapCI's at the requested level and seed, one per metric", () => {
  const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3];
  const y = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4, 5];
  const s = summarize(x, y, { bootstrap: 300, seed: 4, ci: 0.8 });
  assert.ok(s.ci);
  assert.deepEqual([s.ci.level, s.ci.resamples, s.ci.seed], [0.8, 300, 4]);
  for (const [key, m] of [["plcc", pearson], ["srocc", spearman], ["krocc", kendallTauB]] as const) {
    const want = bootstrapCI(x, y, m, { resamples: 300, seed: 4, level: 0.8 });
    assert.deepEqual(s.ci[key], [want.lo, want.hi], key);
    assert.equal(s.ci.skipped[key], want.skipped, key);
    // a wrong level or seed would give other bounds
    const wide = bootstrapCI(x, y, m, { resamples: 300, seed: 4, level: 0.95 });
    assert.ok(wide.lo < want.lo && wide.hi > want.hi, key);
    assert.notDeepEqual(s.ci[key], [bootstrapCI(x, y, m, { resamples: 300, seed: 1, level: 0.8 }).lo, bootstrapCI(x, y, m, { resamples: 300, seed: 1, level: 0.8 }).hi], key);
  }
  // defaults: no bootstrap ⇒ no ci; ci level 0.95 and seed 1 when only bootstrap is given
  const d = summarize(x, y, { bootstrap: 50 });
  assert.ok(d.ci);
  assert.deepEqual([d.ci.level, d.ci.seed], [0.95, 1]);
  const want = bootstrapCI(x, y, pearson, { resamples: 50, seed: 1, level: 0.95 });
  assert.deepEqual(d.ci.plcc, [want.lo, want.hi]);
  assert.equal(summarize(x, y, { bootstrap: 0 }).ci, undefined);
  assert.equal(summarize(x, y, { rmse: false }).rmse, undefined);
});

test("summarize throws when fewer than 2 finite pairs remain", () => {
  assert.throws(() => summarize([1, NaN], [1, 2]), /summarize: needs at least 2 finite pairs, got 1 \(1 dropped\)/);
  // exactly 2 pairs are enough
  assert.deepEqual([summarize([1, 2, NaN], [3, 5, 1]).n, summarize([1, 2], [3, 5]).dropped], [2, 0]);
});

test("index re-exports the public API", () => {
  for (const name of [
    "pairFinite", "ranks", "pearson", "spearman", "kendallTauB", "rmse",
    "bootstrapCI", "topKHitRate", "bestOfTopK", "summarize",
  ]) {
    assert.equal(typeof (stats as Record<string, unknown>)[name], "function", name);
  }
});
