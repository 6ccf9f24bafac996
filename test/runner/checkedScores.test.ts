/**
 * readScoresForBenchmark (src/runner/checkedScores.ts) on hand-written NAS-Bench-Macro score files:
 * the benchmark comes from the sidecar, and each refusal (contradicting flag, columns other than
 * the sidecar's proxies, another benchmark table, an index outside the space, a row naming another
 * architecture) names the file. Expected architectures are the base-3 keys written out by hand
 * (index 5 = 12 in base 3 → 00000012; 6560 = 3⁸ − 1 → 22222222).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MACRO_TABLE_FILE } from '../../src/benchmarks/macro';
import { dataIdentity } from '../../src/data/root';
import { readScoresForBenchmark } from '../../src/runner/checkedScores';
import { header } from '../../src/runner/results';
import { PRESETS, type ScoreSettings } from '../../src/runner/settings';
import { makeSidecar, sidecarPath } from '../../src/provenance/sidecar';
import type { DataIdentity } from '../../src/data/identity';
import { needsData } from '../support/data';

const skip = needsData(MACRO_TABLE_FILE);
const settings: ScoreSettings = { ...PRESETS.naswot, space: 'macro', dataset: 'cifar10', proxies: ['params'] };
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-cs-'));

/** A score file with `rows` ([index, arch]) under `columns`, and a sidecar with `s` and `data`. */
function scoreFile(rows: readonly (readonly [number, string])[], data: DataIdentity, s: ScoreSettings = settings, columns = s.proxies): string {
  const f = path.join(tmp(), 'scores.csv');
  const lines = rows.map(([i, a]) => [i, a, ...columns.map(() => '1.5'), '0.100', ...columns.map(() => '0.010'), ''].join(','));
  fs.writeFileSync(f, [header(columns), ...lines].join('\n') + '\n');
  fs.writeFileSync(sidecarPath(f), JSON.stringify(makeSidecar('scores', s, data)));
  return f;
}
const noData: DataIdentity = { files: [] };

test('a macro score file is read against the macro benchmark: first, middle and last index by hand', { skip }, () => {
  const f = scoreFile([[0, '00000000'], [5, '00000012'], [6560, '22222222']], dataIdentity([MACRO_TABLE_FILE]));
  const got = readScoresForBenchmark(f);
  assert.equal(got.set.space, 'macro');
  assert.deepEqual(got.settings, settings);
  assert.deepEqual(got.table.proxies, ['params']);
  assert.deepEqual(got.table.rows.map((r) => [r.index, r.arch, r.values.params]), [[0, '00000000', 1.5], [5, '00000012', 1.5], [6560, '22222222', 1.5]]);
  assert.equal(readScoresForBenchmark(f, 'macro').table.rows.length, 3, 'the same space given as a flag is accepted');
});

test('a flag naming another space is refused, naming the file, the recorded space and the flag', { skip }, () => {
  const f = scoreFile([[0, '00000000']], noData);
  assert.throws(() => readScoresForBenchmark(f, 'nb201'), (e: Error) => {
    assert.equal(
      e.message,
      `'${f}' holds macro scores (space recorded in ${f}.meta.json), but --benchmark nb201 was given: its indices would be ranked ` +
        "against another space's accuracies. Drop --benchmark (the space is taken from the file) or give --benchmark macro",
    );
    return true;
  });
  assert.throws(() => readScoresForBenchmark(f, 'darts', '--space'), /but --space darts was given.*Drop --space .*give --space macro$/);
});

test('columns other than the sidecar\'s proxies are refused', { skip }, () => {
  const f = scoreFile([[0, '00000000']], noData, settings, ['naswot']);
  assert.throws(() => readScoresForBenchmark(f), new RegExp(`^Error: '${f}' has columns naswot but its sidecar lists proxies params: the file and its sidecar do not belong together$`));
  const two = scoreFile([[0, '00000000']], noData, { ...settings, proxies: ['params', 'naswot'] }, ['naswot', 'params']);
  assert.throws(() => readScoresForBenchmark(two), /has columns naswot,params but its sidecar lists proxies params,naswot/, 'order matters: columns are matched by position');
  const both = scoreFile([[0, '00000000']], noData, { ...settings, proxies: ['naswot', 'params'] });
  assert.deepEqual(readScoresForBenchmark(both).table.proxies, ['naswot', 'params'], 'the same two columns are accepted');
  // names are compared as a list, not as one string: naswot,params is not naswotp,arams
  const glued = scoreFile([[0, '00000000']], noData, { ...settings, proxies: ['naswotp', 'arams'] }, ['naswot', 'params']);
  assert.throws(() => readScoresForBenchmark(glued), /has columns naswot,params but its sidecar lists proxies naswotp,arams/);
});

test('a file scored against another copy of the benchmark table is refused; the same table or none recorded is accepted', { skip }, () => {
  const now = dataIdentity([MACRO_TABLE_FILE]).files[0]!;
  const other: DataIdentity = { files: [{ ...now, sha256: '0'.repeat(64) }] };
  const f = scoreFile([[5, '00000012']], other);
  assert.throws(() => readScoresForBenchmark(f), (e: Error) => {
    assert.match(e.message, new RegExp(`^'${f}' was scored against another ${MACRO_TABLE_FILE} \\(`));
    assert.ok(e.message.includes(`sha256 ${'0'.repeat(12)}… (${now.bytes} bytes) when scored, sha256 ${now.sha256.slice(0, 12)}… (${now.bytes} bytes) now`), e.message);
    assert.match(e.message, /use the benchmark table it was scored with$/);
    return true;
  });
  // Another data file recorded under the table's name is what is compared; an unrelated entry is not.
  const cifarOnly: DataIdentity = { files: [{ ...now, rel: 'cifar10/data_batch_1.bin', sha256: '1'.repeat(64) }] };
  assert.equal(readScoresForBenchmark(scoreFile([[5, '00000012']], cifarOnly)).table.rows.length, 1);
  assert.equal(readScoresForBenchmark(scoreFile([[5, '00000012']], noData)).table.rows.length, 1);
  // a sidecar written before data identity was recorded: nothing to compare, the rows are still checked
  const old = scoreFile([[5, '00000012']], noData);
  const { data: _, ...withoutData } = makeSidecar('scores', settings, noData);
  fs.writeFileSync(sidecarPath(old), JSON.stringify(withoutData));
  assert.equal(readScoresForBenchmark(old).table.rows.length, 1);
});

test('an index outside 0..6560 and a row naming another architecture are refused with the row number', { skip }, () => {
  const out = scoreFile([[0, '00000000'], [6561, '22222222']], noData);
  assert.throws(() => readScoresForBenchmark(out), new RegExp(`^Error: ${out} row 3: index 6561 is outside the macro benchmark \\(0\\.\\.6560\\)$`));
  const wrong = scoreFile([[0, '00000000'], [5, '00000012'], [6, '00000012']], noData);
  assert.throws(
    () => readScoresForBenchmark(wrong),
    new RegExp(`^Error: ${wrong} row 4: index 6 is 00000020 in the macro benchmark, but the row says 00000012: the row does not belong`),
  );
  assert.throws(() => readScoresForBenchmark(path.join(tmp(), 'none.csv')), /^Error: score file '.*none\.csv' does not exist$/);
});
