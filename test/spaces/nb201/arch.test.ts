import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  archCode,
  archFromCode,
  convOpCount,
  enumerateNb201,
  formatNb201,
  isNb201Arch,
  NB201_EDGES,
  NB201_OPS,
  nb201Arch,
  parseNb201,
} from '../../../src/spaces/nb201/arch';
import { fromNaslibIndices, toNaslibIndices } from '../../../src/spaces/nb201/naslib';

const ROW0 = '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|';

test('op order and edges', () => {
  assert.deepEqual([...NB201_OPS], ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
  assert.deepEqual(
    NB201_EDGES.map((e) => `${e.from}->${e.to}`),
    ['0->1', '0->2', '1->2', '0->3', '1->3', '2->3'],
  );
});

test('parse row 0 string', () => {
  const a = parseNb201(ROW0);
  assert.deepEqual([...a], ['avg_pool_3x3', 'nor_conv_1x1', 'skip_connect', 'nor_conv_1x1', 'skip_connect', 'skip_connect']);
  assert.equal(formatNb201(a), ROW0);
  assert.equal(convOpCount(a), 2);
  assert.ok(Object.isFrozen(a));
});

test('enumerate: 15625 distinct archs; parse/format and code round trips', () => {
  const seen = new Set<string>();
  let code = 0;
  for (const a of enumerateNb201()) {
    const s = formatNb201(a);
    assert.deepEqual(parseNb201(s), a);
    assert.equal(archCode(a), code);
    assert.deepEqual(archFromCode(code), a);
    assert.equal(toNaslibIndices(fromNaslibIndices(toNaslibIndices(a))), toNaslibIndices(a));
    assert.deepEqual(fromNaslibIndices(toNaslibIndices(a)), a);
    seen.add(s);
    code++;
  }
  assert.equal(code, 15625);
  assert.equal(seen.size, 15625);
  assert.deepEqual([...archFromCode(0)], Array(6).fill('none'));
  assert.deepEqual([...archFromCode(1)], [...Array(5).fill('none'), 'skip_connect']);
  assert.deepEqual([...archFromCode(15624)], Array(6).fill('avg_pool_3x3'));
});

test('malformed strings are rejected with specific messages', () => {
  const bad: [string, RegExp][] = [
    ['|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|', /unknown op 'conv'/],
    ['|none~0||none~0|none~1|+|none~0|none~1|none~2|', /expected 3 node groups separated by '\+', got 2/],
    ['|none~0|+|none~0|none~1|+|none~0|none~1|none~2|+|none~0|', /expected 3 node groups.*got 4/],
    ['|none~1|+|none~0|none~1|+|none~0|none~1|none~2|', /source index ~1, expected ~0/],
    ['|none~0|+|none~0|none~0|+|none~0|none~1|none~2|', /source index ~0, expected ~1/],
    ['|none~0|+|none~0|+|none~0|none~1|none~2|', /node 2 must have 2 incoming edge\(s\), got 1/],
    ['|none~0|+|none~0|none~1|+|none~0|none~1|none~2|none~3|', /node 3 must have 3 incoming edge\(s\), got 4/],
    ['none~0|+|none~0|none~1|+|none~0|none~1|none~2|', /must start and end with '\|'/],
    ['|none|+|none~0|none~1|+|none~0|none~1|none~2|', /not of the form 'op~k'/],
    ['', /expected 3 node groups/],
  ];
  for (const [s, re] of bad) {
    assert.throws(
      () => parseNb201(s),
      (e: Error) => {
        assert.match(e.message, re, `message for ${s}`);
        assert.ok(e.message.includes(JSON.stringify(s)), `message names the input: ${e.message}`);
        return true;
      },
    );
  }
});

test('archFromCode / nb201Arch / isNb201Arch validation', () => {
  assert.throws(() => archFromCode(15625), /0\.\.15624/);
  assert.throws(() => archFromCode(-1), /0\.\.15624/);
  assert.throws(() => archFromCode(1.5), /integer/);
  assert.throws(() => nb201Arch(['none']), /exactly 6/);
  assert.throws(() => nb201Arch(['none', 'none', 'none', 'none', 'none', 'conv']), /unknown op 'conv' on edge 5/);
  assert.ok(isNb201Arch(['none', 'none', 'none', 'none', 'none', 'avg_pool_3x3']));
  assert.ok(!isNb201Arch(['none']));
  assert.ok(!isNb201Arch('none'));
  assert.equal(convOpCount(parseNb201('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|')), 3);
});

test('NASLib op indices: index-0 arch <-> "433000"', () => {
  const a = parseNb201(ROW0);
  assert.equal(toNaslibIndices(a), '433000');
  assert.equal(formatNb201(fromNaslibIndices('433000')), ROW0);
  // row 1 of the table: 220420
  assert.equal(
    formatNb201(fromNaslibIndices('220420')),
    '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|',
  );
  assert.throws(() => fromNaslibIndices('43300'), /6 digits/);
  assert.throws(() => fromNaslibIndices('433005'), /0\.\.4/);
});
