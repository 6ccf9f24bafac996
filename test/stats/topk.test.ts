import { test } from "node:test";
import assert from "node:assert/strict";
import { bestOfTopK, topKHitRate } from "../../src/stats/topk";

//             idx: 0   1   2   3   4
const acc = /* */ [70, 90, 80, 60, 95]; // true top-1 {4}, top-2 {4,1}, top-3 {4,1,2}

test("topKHitRate: hand-computed", () => {
  const score = [5, 4, 3, 2, 1]; // proxy top-2 {0,1}, top-3 {0,1,2}
  assert.equal(topKHitRate(score, acc, 1), 0); // {0} vs {4}
  assert.equal(topKHitRate(score, acc, 2), 0.5); // {0,1} ∩ {4,1} = {1}
  assert.equal(topKHitRate(score, acc, 3), 2 / 3); // {0,1,2} ∩ {4,1,2} = {1,2}
  assert.equal(topKHitRate(score, acc, 5), 1);
  assert.equal(topKHitRate(acc, acc, 2), 1);
});

test("bestOfTopK: hand-computed", () => {
  const score = [5, 4, 3, 2, 1];
  assert.equal(bestOfTopK(score, acc, 1), 70);
  assert.equal(bestOfTopK(score, acc, 2), 90);
  assert.equal(bestOfTopK([0, 0, 0, 0, 9], acc, 1), 95);
});

test("ties at the k-th place are broken by lower index", () => {
  // score ties between 1 and 2 -> index 1 is taken for k = 2
  assert.equal(bestOfTopK([9, 1, 1, 0, 0], acc, 2), 90);
  assert.equal(topKHitRate([9, 1, 1, 0, 0], acc, 2), 0.5);
});

test("top-k helpers validate input", () => {
  assert.throws(() => topKHitRate([1, NaN], [1, 2], 1), /topKHitRate: x contains 1 non-finite/);
  assert.throws(() => bestOfTopK([1, 2], [1, 2], 3), /k must be an integer in \[1, 2\]/);
  assert.throws(() => bestOfTopK([1, 2], [1, 2], 0), /k must be/);
  assert.throws(() => topKHitRate([1, 2], [1], 1), /length mismatch/);
});

test("k must be an integer; the full message names the metric and the range", () => {
  assert.throws(() => topKHitRate([1, 2], [1, 2], 1.5), { message: "topKHitRate: k must be an integer in [1, 2], got 1.5" });
  assert.throws(() => bestOfTopK([1, 2, 3], [1, 2, 3], 1.5), { message: "bestOfTopK: k must be an integer in [1, 3], got 1.5" });
  assert.equal(bestOfTopK([1, 2, 3], [1, 2, 3], 3), 3);
  assert.equal(bestOfTopK([3], [7], 1), 7);
  assert.equal(topKHitRate([3], [7], 1), 1);
  assert.throws(() => bestOfTopK([], [], 1), { message: "bestOfTopK: needs at least 1 pairs, got 0" });
});
