import { test } from "node:test";
import assert from "node:assert/strict";
import { summarize } from "../../src/stats/summary";
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
  assert.ok(s.rmse !== undefined && s.rmse > 0);
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

test("summarize throws when fewer than 2 finite pairs remain", () => {
  assert.throws(() => summarize([1, NaN], [1, 2]), /summarize: needs at least 2 finite pairs, got 1 \(1 dropped\)/);
});

test("index re-exports the public API", () => {
  for (const name of [
    "pairFinite", "ranks", "pearson", "spearman", "kendallTauB", "rmse",
    "bootstrapCI", "topKHitRate", "bestOfTopK", "summarize",
  ]) {
    assert.equal(typeof (stats as Record<string, unknown>)[name], "function", name);
  }
});
