import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadNb201Table } from '../../src/benchmarks/nb201';
import { selectArchs } from '../../src/runner/archs';

const table = loadNb201Table();

test('sample:N is deterministic, distinct and in range', () => {
  const a = selectArchs('sample:50', table, 3);
  assert.deepEqual(selectArchs('sample:50', table, 3), a);
  assert.notDeepEqual(selectArchs('sample:50', table, 4), a);
  assert.equal(new Set(a).size, 50);
  assert.ok(a.every((i) => i >= 0 && i < 15625));
  assert.equal(selectArchs('all', table, 1).length, 15625);
  assert.equal(selectArchs('naslib:cifar10', table, 1).length, 725);
});

test('a file mixes indices and arch strings; bad lines are named', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zn-archs-'));
  const f = path.join(dir, 'archs.txt');
  fs.writeFileSync(f, `# two archs\n17\n${'|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|'}\n`);
  assert.deepEqual(selectArchs(f, table, 1), [17, 0]);
  fs.writeFileSync(f, '3\n|conv~0|+|none~0|none~1|+|none~0|none~1|none~2|\n');
  assert.throws(() => selectArchs(f, table, 1), /archs\.txt line 2: .*conv/);
  fs.writeFileSync(f, '99999\n');
  assert.throws(() => selectArchs(f, table, 1), /line 1: index 99999/);
  assert.throws(() => selectArchs('sample:0', table, 1), /N must be/);
  assert.throws(() => selectArchs('nope.txt', table, 1), /not 'all'/);
});
