import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasDataFile } from '../../src/data/root';
import { loadNb201Table, NB201_ACCURACY_KEYS, NB201_TABLE_FILE, nb201TableFromCsv } from '../../src/benchmarks/nb201';
import { parseSimpleCsv } from '../../src/benchmarks/csv';
import { formatNb201, parseNb201 } from '../../src/spaces/nb201/arch';

const skip = !hasDataFile(NB201_TABLE_FILE) && 'no NB201 table';
const ROW0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

test('NB201 table: size, row 0, indexOf round trip', { skip }, () => {
  const t = loadNb201Table();
  assert.equal(t.size, 15625);
  assert.equal(formatNb201(t.arch(0)), ROW0);
  for (let i = 0; i < t.size; i++) assert.equal(t.indexOf(t.arch(i)), i);
  assert.equal(t.indexOf(parseNb201(ROW0)), 0);
  assert.equal(loadNb201Table(), t, 'cached');
  assert.throws(() => t.arch(15625), /0\.\.15624/);
  assert.throws(() => t.indexOf(['x'] as never), /not an NB201 arch/);
});

test('NB201 table: values as in the CSV and plausible ranges', { skip }, () => {
  const t = loadNb201Table();
  assert.equal(t.accuracy(0, 'cifar10-test'), 85.86333333);
  assert.equal(t.accuracy(0, 'cifar10-valid'), 81.98266666);
  assert.equal(t.accuracy(0, 'cifar10-test-12ep'), 69.55);
  assert.equal(t.params(0), 0.129306);
  for (const key of NB201_ACCURACY_KEYS) {
    const a = t.accuracies(key);
    let max = -Infinity;
    for (const v of a) {
      assert.ok(Number.isFinite(v) && v >= 0 && v <= 100, `${key}: ${v}`);
      max = Math.max(max, v);
    }
    const lo = key.startsWith('cifar100') ? 50 : key.startsWith('cifar10') ? 80 : 25;
    assert.ok(max > lo, `${key} max ${max}`);
  }
  const c10 = t.accuracies('cifar10-test');
  assert.ok(Math.max(...c10) > 94 && Math.max(...c10) < 95);
  assert.ok(Math.abs(Math.max(...t.accuracies('cifar10-valid')) - 91.607) < 0.01);
  for (let i = 0; i < t.size; i++) assert.ok(t.params(i) > 0 && t.params(i) < 2);
});

test('NB201 table validation errors', () => {
  const header =
    'index,arch_str,naslib_op_indices,cifar10_test_acc_200ep,cifar100_test_acc_200ep,imagenet16_test_acc_200ep,' +
    'cifar10valid_valid_acc_200ep,cifar10valid_test_acc_200ep,params_mb_cifar10,cifar10_test_acc_12ep,' +
    'cifar10valid_valid_acc_12ep,cifar100_test_acc_12ep,cifar100_valid_acc_12ep,imagenet16_test_acc_12ep,imagenet16_valid_acc_12ep';
  const nums = ',1,2,3,4,5,0.1,6,7,8,9,10,11';
  const row0 = `0,${ROW0},433000${nums}`;
  const ok = nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0}\n`, 'mini.csv'), 1);
  assert.equal(ok.accuracy(0, 'imagenet16-valid-12ep'), 11);
  assert.throws(
    () => nb201TableFromCsv(parseSimpleCsv(`${header.replace(',params_mb_cifar10', ',params')}\n`, 'mini.csv'), 1),
    /mini\.csv is missing required column 'params_mb_cifar10'/,
  );
  assert.throws(() => nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0}\n`, 'mini.csv')), /expected 15625 rows, got 1/);
  assert.throws(() => nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0.replace(/^0/, '5')}\n`, 'mini.csv'), 1), /index '5' != row number 0/);
  assert.throws(
    () => nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0.replace('avg_pool_3x3', 'pool')}\n`, 'mini.csv'), 1),
    /column arch_str: invalid NB201 arch string .*unknown op 'pool'/,
  );
  assert.throws(() => nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0.replace('433000', '433001')}\n`, 'mini.csv'), 1), /does not match arch_str/);
  assert.throws(() => nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0.replace(',0.1,', ',abc,')}\n`, 'mini.csv'), 1), /'abc' is not a number/);
  assert.throws(() => parseSimpleCsv(`${header}\n0,1\n`, 'mini.csv'), /line 2: 2 cells, header has 15/);
  // accuracies are percentages: anything outside 0..100 (or NaN) is a damaged table, not a ranking
  for (const bad of ['9400', '-1', 'nan']) {
    assert.throws(
      () => nb201TableFromCsv(parseSimpleCsv(`${header}\n${row0.replace('433000,1,', `433000,${bad},`)}\n`, 'mini.csv'), 1),
      /column cifar10_test_acc_200ep: accuracy \S+ is not a percentage in 0\.\.100/,
    );
  }
});
