/**
 * Score files (src/runner/results.ts) and the resumable scoring loop (src/runner/scoreFile.ts):
 * exact text of header and rows, every non-finite value round-tripped, each refusal named, the
 * partial last line of a killed run dropped, and scoreToFile's resume (in-process, `params`
 * only, so no data file is read).
 */
import test from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatRow, formatScoreValue, header, openScoreFile, readScores, readScoreSettings } from '../../src/runner/results';
import { reuseRows, scoreToFile, validateScoreSettings } from '../../src/runner/scoreFile';
import type { ScoreRow } from '../../src/runner/scorer';
import { MAX_SEED, PRESETS, ScoreSettings, settingsKey } from '../../src/runner/settings';
import { CIFAR_SPLIT_FILES } from '../../src/data/cifar';
import { dataFile } from '../../src/data/root';
import { makeSidecar, sidecarPath } from '../../src/provenance/sidecar';
import { needsData } from '../support/data';

const settings: ScoreSettings = { ...PRESETS.naswot, dataset: 'cifar10', proxies: ['naswot', 'params'] };
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'zn-sf-'));

function row(index: number, naswot: number, params = 0.25): ScoreRow {
  return {
    index,
    arch: `a${index}`,
    values: { naswot: { value: naswot, status: Number.isFinite(naswot) ? 'ok' : 'singular' }, params: { value: params, status: 'ok' } },
    proxySeconds: { naswot: 1.25, params: 0.0004 },
    seconds: 2.5,
  };
}

test('formatScoreValue writes nan, inf, -inf and finite numbers as they are', () => {
  assert.deepEqual([NaN, Infinity, -Infinity, 1.5, -0.125, 0].map(formatScoreValue), ['nan', 'inf', '-inf', '1.5', '-0.125', '0']);
});

test('header and row text, exactly', () => {
  assert.equal(header(['naswot', 'params']), 'index,arch,naswot,params,seconds,naswot_seconds,params_seconds,notes');
  assert.equal(formatRow(row(3, 12.5), ['naswot', 'params']), '3,a3,12.5,0.25,2.500,1.250,0.000,');
  // a proxy missing from the row is NaN with NaN seconds; non-ok statuses are listed in notes, commas and newlines made safe
  const r = row(4, -Infinity);
  const bad: ScoreRow = { ...r, values: { ...r.values, naswot: { value: -Infinity, status: 'singular', reason: 'K, singular\nreally' } } };
  assert.equal(formatRow(bad, ['naswot', 'params', 'jacov']), '4,a4,-inf,0.25,nan,2.500,1.250,0.000,NaN,naswot: singular K; singular;really');
  const noReason: ScoreRow = { ...r, values: { naswot: { value: NaN, status: 'nan' }, params: { value: NaN, status: 'error', reason: 'x' } } };
  assert.equal(formatRow(noReason, ['naswot', 'params']), '4,a4,nan,nan,2.500,1.250,0.000,naswot: nan; params: error x');
});

test('non-finite values round-trip: -inf, inf and nan', () => {
  const f = path.join(tmp(), 's.csv');
  const w = openScoreFile(f, settings);
  w.append(row(1, -Infinity));
  w.append(row(2, Infinity));
  w.append(row(3, NaN, -0.5));
  const t = readScores(f);
  assert.deepEqual(t.proxies, ['naswot', 'params']);
  assert.deepEqual(t.rows.map((r) => [r.index, r.arch, r.values.naswot, r.values.params, r.seconds]), [
    [1, 'a1', -Infinity, 0.25, 2.5],
    [2, 'a2', Infinity, 0.25, 2.5],
    [3, 'a3', NaN, -0.5, 2.5],
  ]);
});

test('readScores names the file: missing, not a score file (each header rule), bad cell', () => {
  const dir = tmp();
  assert.throws(() => readScores(path.join(dir, 'none.csv')), /score file '.*none\.csv' does not exist/);
  for (const [name, text] of [
    ['i.csv', 'idx,arch,seconds\n'],
    ['a.csv', 'index,name,seconds\n'],
    ['s.csv', 'index,arch,naswot\n'],
  ] as const) {
    fs.writeFileSync(path.join(dir, name), text);
    assert.throws(() => readScores(path.join(dir, name)), new RegExp(`'.*${name.replace('.', '\\.')}' is not a zeronas score file`), name);
  }
  fs.writeFileSync(path.join(dir, 'cell.csv'), 'index,arch,naswot,seconds\n1,a,oops,1\n');
  assert.throws(() => readScores(path.join(dir, 'cell.csv')), /cell\.csv row 2 column naswot: 'oops' is not a number/);
  fs.writeFileSync(path.join(dir, 'sec.csv'), 'index,arch,naswot,seconds\n1,a,1,x\n');
  assert.throws(() => readScores(path.join(dir, 'sec.csv')), /sec\.csv row 2: 'x' is not a number/);
});

test('readScores refuses an index that is not a non-negative integer, and a repeated index, naming file and row', () => {
  const dir = tmp();
  for (const cell of ['-1', '1.5', 'x7', '7x', '', ' 7']) {
    const f = path.join(dir, 'i.csv');
    fs.writeFileSync(f, `index,arch,naswot,seconds\n0,a,1,1\n${cell},b,1,1\n`);
    assert.throws(() => readScores(f), (e: Error) => e.message === `${f} row 3: index '${cell}' is not a non-negative integer`, JSON.stringify(cell));
  }
  const d = path.join(dir, 'd.csv');
  fs.writeFileSync(d, 'index,arch,naswot,seconds\n3,a,1,1\n4,b,1,1\n3,a,2,1\n');
  assert.throws(() => readScores(d), (e: Error) => e.message.startsWith(`'${d}' holds architecture index 3 (2×) more than once`));
});

test('openScoreFile: a header-only file starts afresh even under other settings; an index already written or given twice is refused', () => {
  const dir = tmp();
  const f = path.join(dir, 'h.csv');
  openScoreFile(f, settings).close();
  const other = { ...settings, batchSize: 64 };
  const h = openScoreFile(f, other);
  assert.equal(h.resumed, false);
  assert.deepEqual(readScoreSettings(f), other);
  h.close();
  const g = path.join(dir, 'g.csv');
  const w = openScoreFile(g, settings);
  w.append(row(3, 1));
  const text = fs.readFileSync(g, 'utf8');
  assert.throws(() => w.append(row(3, 2)), (e: Error) => e.message === `'${g}' already holds architecture index 3; not writing it twice`);
  const line = (i: number) => ({ index: i, line: formatRow(row(i, 1), settings.proxies) });
  assert.throws(() => w.appendLines([line(5), line(3)]), /already holds architecture index 3; not writing it twice/);
  assert.throws(() => w.appendLines([line(4), line(6), line(4)]), (e: Error) => e.message === `architecture index 4 given twice for '${g}'`);
  assert.equal(fs.readFileSync(g, 'utf8'), text, 'refused rows are not written');
  w.appendLines([line(4), line(6)]);
  assert.deepEqual([...w.done].sort(), [3, 4, 6]);
  w.close();
});

test('openScoreFile: a new file gets the header and a sidecar with the settings key', () => {
  const f = path.join(tmp(), 's.csv');
  const w = openScoreFile(f, settings);
  assert.equal(w.done.size, 0);
  assert.equal(fs.readFileSync(f, 'utf8'), header(settings.proxies) + '\n');
  const meta = JSON.parse(fs.readFileSync(`${f}.meta.json`, 'utf8'));
  assert.equal(meta.settingsKey, settingsKey(settings));
  assert.deepEqual(readScoreSettings(f), settings);
  w.append(row(5, 1));
  assert.equal(fs.readFileSync(f, 'utf8'), `${header(settings.proxies)}\n${formatRow(row(5, 1), settings.proxies)}\n`);
  // an empty file (created, nothing written) starts afresh
  const e = path.join(tmp(), 'e.csv');
  fs.writeFileSync(e, '');
  assert.equal(openScoreFile(e, settings).done.size, 0);
  assert.equal(fs.readFileSync(e, 'utf8'), header(settings.proxies) + '\n');
});

test('openScoreFile resumes: finished indices, a torn last line dropped from the file, CRLF header accepted', () => {
  const f = path.join(tmp(), 's.csv');
  const w = openScoreFile(f, settings);
  w.append(row(3, 1));
  w.append(row(8, 2));
  const whole = fs.readFileSync(f, 'utf8');
  fs.appendFileSync(f, '9,a9,1.');
  const r = openScoreFile(f, settings);
  assert.deepEqual([...r.done].sort((a, b) => a - b), [3, 8]);
  assert.equal(fs.readFileSync(f, 'utf8'), whole, 'the partial line is cut off');
  r.append(row(9, 3));
  assert.deepEqual(readScores(f).rows.map((x) => x.index), [3, 8, 9]);
  // a complete file is left byte for byte
  const before = fs.readFileSync(f, 'utf8');
  assert.deepEqual([...openScoreFile(f, settings).done].sort((a, b) => a - b), [3, 8, 9]);
  assert.equal(fs.readFileSync(f, 'utf8'), before);
  // a header written with CRLF still matches
  fs.writeFileSync(f, before.replace('\n', '\r\n'));
  assert.equal(openScoreFile(f, settings).done.size, 3);
});

test('openScoreFile refuses other settings, a missing sidecar and another column layout', () => {
  const dir = tmp();
  const f = path.join(dir, 's.csv');
  openScoreFile(f, settings).append(row(1, 1));
  assert.throws(() => openScoreFile(f, { ...settings, batchSize: 64 }), /'.*s\.csv' holds score file rows made with other settings or data \(.*s\.csv\.meta\.json\): batchSize 128 → 64/);
  fs.rmSync(`${f}.meta.json`);
  assert.throws(() => openScoreFile(f, settings), /'.*s\.csv' has no provenance sidecar '.*s\.csv\.meta\.json'/);
  const g = path.join(dir, 'g.csv');
  openScoreFile(g, settings).append(row(1, 1));
  const text = fs.readFileSync(g, 'utf8').split('\n');
  fs.writeFileSync(g, [header(['params', 'naswot']), ...text.slice(1)].join('\n'));
  assert.throws(() => openScoreFile(g, settings), /'.*g\.csv' has another column layout/);
});

test('readScoreSettings: missing sidecar and a sidecar without settings are named', () => {
  const dir = tmp();
  const f = path.join(dir, 's.csv');
  assert.throws(() => readScoreSettings(f), /score file '.*s\.csv' has no provenance sidecar '.*s\.csv\.meta\.json'/);
  fs.writeFileSync(`${f}.meta.json`, '{"settingsKey":"x"}');
  assert.throws(() => readScoreSettings(f), /'.*s\.csv\.meta\.json' holds no settings/);
  fs.writeFileSync(`${f}.meta.json`, '{"settings":{"proxies":"naswot"}}');
  assert.throws(() => readScoreSettings(f), /'.*s\.csv\.meta\.json' holds no proxy list in its settings/);
});

test('scoreToFile: scores each new index once, resumes without rescoring, returns rows in the order asked', async () => {
  const dir = tmp();
  const out = path.join(dir, 'sub', 'p.csv');
  const s: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', batchSize: 2, proxies: ['params'] };
  const messages: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (messages.push(String(chunk)), true)) as typeof process.stderr.write;
  let first;
  let second;
  try {
    first = await scoreToFile(s, [7, 3, 7], out, { workers: 0 });
    const firstText = fs.readFileSync(out, 'utf8');
    second = await scoreToFile(s, [3, 11, 7], out, { workers: 0 });
    assert.ok(fs.readFileSync(out, 'utf8').startsWith(firstText), 'resume appends');
    await scoreToFile(s, [11], out, { workers: 0, quiet: true });
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(first.proxies, ['params']);
  assert.deepEqual(first.rows.map((r) => r.index), [7, 3, 7]);
  assert.deepEqual(second.rows.map((r) => r.index), [3, 11, 7]);
  assert.deepEqual(readScores(out).rows.map((r) => r.index), [7, 3, 11], 'each index scored once, in order of arrival');
  assert.equal(second.rows[0].values.params, first.rows[1].values.params);
  assert.ok(first.rows.every((r) => r.values.params > 0));
  const text = messages.join('');
  assert.match(text, /scored 2 architectures in \d+\.\d s → .*p\.csv/);
  assert.match(text, /resuming .*p\.csv: 2 of 3 already scored/);
  assert.match(text, /scored 1 architectures in/);
  assert.equal((text.match(/resuming/g) ?? []).length, 1, 'quiet runs print nothing; a fresh file is not a resume');
});

const DATA = { files: [{ rel: 'cifar10/data_batch_1.bin', root: '/r', sha256: 'c'.repeat(64), bytes: 3 }] };

test('reuseRows copies the table\'s own lines for the asked indices the file lacks, in the table\'s order', () => {
  const dir = tmp();
  const side = makeSidecar('scores', settings, DATA);
  const from = path.join(dir, 'table.csv');
  const t = openScoreFile(from, settings, { sidecar: side });
  for (const [i, v] of [[1, 10.5], [3, -Infinity], [2, 7.25], [5, 3]] as const) t.append(row(i, v));
  t.close();
  // CRLF line ends (a table edited on Windows) are copied without the \r
  fs.writeFileSync(from, fs.readFileSync(from, 'utf8').replace(/\n/g, '\r\n'));
  const out = path.join(dir, 'out.csv');
  const f = openScoreFile(out, settings, { sidecar: side });
  f.append(row(2, 99));
  assert.equal(reuseRows(f, from, side, [5, 2, 3, 9, 3]), 2, 'rows 3 and 5: 2 is already in the file, 9 is not in the table');
  f.close();
  assert.equal(
    fs.readFileSync(out, 'utf8'),
    [header(settings.proxies), formatRow(row(2, 99), settings.proxies), formatRow(row(3, -Infinity), settings.proxies), formatRow(row(5, 3), settings.proxies)].join('\n') + '\n',
  );
  assert.deepEqual([...f.done].sort(), [2, 3, 5]);
});

test('reuseRows refuses a table of other settings (naming every difference) and one whose sidecar has no data identity', () => {
  const dir = tmp();
  const side = makeSidecar('scores', settings, DATA);
  const from = path.join(dir, 'table.csv');
  const t = openScoreFile(from, { ...settings, seed: 2 }, { sidecar: makeSidecar('scores', { ...settings, seed: 2 }, DATA) });
  t.append(row(1, 1));
  t.close();
  const f = openScoreFile(path.join(dir, 'out.csv'), settings, { sidecar: side });
  assert.throws(
    () => reuseRows(f, from, side, [1]),
    (e: Error) => e.message === `--reuse '${from}' holds scores made with other settings or data (${from}.meta.json): seed 2 → 1; give a table of this run's settings`,
  );
  const { data: _, ...noData } = makeSidecar('scores', settings, DATA);
  fs.writeFileSync(sidecarPath(from), JSON.stringify(noData));
  assert.throws(() => reuseRows(f, from, side, [1]), (e: Error) => e.message === `--reuse '${from}': its sidecar records no data identity; re-derive it with 'zeronas provenance --rederive ${from}', then rerun`);
  assert.throws(() => reuseRows(f, path.join(dir, 'none.csv'), side, [1]), /^Error: --reuse table '.*none\.csv' does not exist$/);
  f.close();
  assert.equal(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8'), header(settings.proxies) + '\n', 'nothing copied');
});

test('validateScoreSettings names each setting that cannot give a score; the limits themselves pass', { skip: needsData(...CIFAR_SPLIT_FILES.cifar10.train) }, () => {
  const ok: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', proxies: ['params', 'snip'] };
  validateScoreSettings(ok);
  const bad = (s: Partial<ScoreSettings>, msg: string | RegExp) =>
    assert.throws(() => validateScoreSettings({ ...ok, ...s }), (e: Error) => (typeof msg === 'string' ? e.message === msg : msg.test(e.message)), JSON.stringify(s));
  bad({ batchSize: 0 }, '--batch-size must be at least 1, got 0');
  bad({ batchSize: 2.5 }, '--batch-size must be at least 1, got 2.5');
  validateScoreSettings({ ...ok, batchSize: 1 });
  bad({ seed: -1 }, `--seed must be an integer in 0..${MAX_SEED}, got -1`);
  bad({ seed: 1.5 }, `--seed must be an integer in 0..${MAX_SEED}, got 1.5`);
  bad({ seed: MAX_SEED + 1 }, `--seed must be an integer in 0..${MAX_SEED}, got ${MAX_SEED + 1}`);
  validateScoreSettings({ ...ok, seed: MAX_SEED });
  validateScoreSettings({ ...ok, seed: 0 });
  // with repeats r the seeds are seed..seed+r−1, so the last usable seed is MAX_SEED − r + 1
  bad({ seed: MAX_SEED - 1, repeats: 3 }, `--seed must be an integer in 0..${MAX_SEED} (with --repeats 3: 0..${MAX_SEED - 2}), got ${MAX_SEED - 1}`);
  validateScoreSettings({ ...ok, seed: MAX_SEED - 2, repeats: 3 });
  bad({ proxies: ['params', 'nope'] }, /^unknown proxy 'nope'/);
  bad({ proxies: ['params', 'snip', 'params', 'snip', 'params'] }, 'proxies params, snip are listed more than once; list each proxy once');
  bad({ numClasses: 1 }, /^snip differentiates a cross-entropy loss, .*these settings build a 1-output network.*: score them with --preset naslib \(or drop them from --proxies\)$/);
  bad({ numClasses: 1, proxies: ['snip', 'params', 'fisher'] }, /^snip, fisher differentiate a cross-entropy loss/);
  validateScoreSettings({ ...ok, numClasses: 1, proxies: ['params', 'naswot'] });
  bad({ numClasses: 9 }, 'a 9-class network cannot take cifar10 labels (10 classes); use --preset naslib with --dataset cifar10');
  // two outputs are enough for a cross-entropy loss: refused only for too few classes
  bad({ numClasses: 2 }, 'a 2-class network cannot take cifar10 labels (10 classes); use --preset naslib with --dataset cifar10');
  validateScoreSettings({ ...ok, numClasses: 100 });
  // the training images on disk: 3073 bytes per CIFAR-10 record (label + 32·32·3)
  const images = CIFAR_SPLIT_FILES.cifar10.train.reduce((n, rel) => n + fs.statSync(dataFile(rel)).size / 3073, 0);
  validateScoreSettings({ ...ok, batchSize: images });
  bad(
    { batchSize: images + 1 },
    `--batch-size ${images + 1} exceeds the ${images} cifar10 training images in the data folder; use at most ${images} (see data/README.md for the full set)`,
  );
});

test('scoreToFile --reuse: a new file starts from the table\'s own lines and scores only the rest; a resumed file ignores the table', async () => {
  const dir = tmp();
  const table = path.join(dir, 'table.csv');
  const out = path.join(dir, 'out.csv');
  const s: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', batchSize: 2, proxies: ['params'] };
  const messages: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => (messages.push(String(chunk)), true)) as typeof process.stderr.write;
  let rows;
  try {
    await scoreToFile(s, [7, 3], table, { workers: 0, quiet: true });
    rows = await scoreToFile(s, [3, 11, 7], out, { workers: 0, reuse: table });
    await scoreToFile(s, [3, 11, 7, 5], out, { workers: 0, reuse: table });
  } finally {
    process.stderr.write = write;
  }
  const tableLines = fs.readFileSync(table, 'utf8').split('\n');
  const outLines = fs.readFileSync(out, 'utf8').split('\n');
  assert.deepEqual(outLines.slice(0, 3), tableLines.slice(0, 3), 'header, then the rows of 7 and 3 copied as the table holds them');
  assert.deepEqual(readScores(out).rows.map((r) => r.index), [7, 3, 11, 5]);
  assert.deepEqual(rows.rows.map((r) => r.index), [3, 11, 7]);
  const text = messages.join('');
  assert.equal((text.match(/rows taken from/g) ?? []).length, 1, 'only the fresh file takes rows from the table');
  assert.ok(text.includes(`${out}: 2 rows taken from ${table}\n`), text);
  assert.match(text, /scored 1 architectures in \d+\.\d s/);
  assert.ok(text.includes(`resuming ${out}: 3 of 4 already scored\n`), text);
});

test('reuseRows refuses a table that holds an index twice, naming the table', () => {
  const dir = tmp();
  const side = makeSidecar('scores', settings, DATA);
  const from = path.join(dir, 'table.csv');
  const t = openScoreFile(from, settings, { sidecar: side });
  t.append(row(1, 1));
  t.append(row(2, 2));
  t.close();
  fs.appendFileSync(from, formatRow(row(1, 5), settings.proxies) + '\n');
  const out = path.join(dir, 'out.csv');
  const f = openScoreFile(out, settings, { sidecar: side });
  assert.throws(() => reuseRows(f, from, side, [2]), (e: Error) => e.message.startsWith(`'${from}' holds architecture index 1 (2×) more than once`));
  f.close();
  assert.equal(fs.readFileSync(out, 'utf8'), header(settings.proxies) + '\n', 'nothing copied');
});

test('scoreToFile messages: a stale lock, the rows taken, the progress bar and the time, none of them when quiet; the lock is released', async () => {
  const dir = tmp();
  const s: ScoreSettings = { ...PRESETS.naslib, dataset: 'cifar10', batchSize: 2, proxies: ['params'] };
  const table = path.join(dir, 'table.csv');
  await scoreToFile(s, [4], table, { workers: 0, quiet: true });
  const staleLock = (file: string) => fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: 99999999, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }) + '\n');
  const captured = async (run: () => Promise<unknown>): Promise<string> => {
    const messages: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => (messages.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await run();
    } finally {
      process.stderr.write = write;
    }
    return messages.join('');
  };
  const out = path.join(dir, 'out.csv');
  staleLock(out);
  const t0 = Date.now();
  const loud = await captured(() => scoreToFile(s, [4, 6], out, { workers: 0, reuse: table }));
  const wall = (Date.now() - t0) / 1000;
  assert.ok(loud.includes(`${out}: removed a stale lock of process 99999999 (no longer running)\n`), loud);
  assert.ok(loud.includes(`${out}: 1 rows taken from ${table}\n`), loud);
  assert.ok(loud.includes('scoring ['), `progress bar: ${loud}`);
  const took = /scored 1 architectures in (\d+\.\d) s → /.exec(loud);
  assert.ok(took && Number(took[1]) <= wall + 0.05, `the time printed is at most the call's own ${wall} s: ${loud}`);
  assert.equal(fs.existsSync(`${out}.lock`), false, 'the lock is released');
  const quietOut = path.join(dir, 'quiet.csv');
  staleLock(quietOut);
  assert.equal(await captured(() => scoreToFile(s, [4, 6], quietOut, { workers: 0, quiet: true, reuse: table })), '');
  assert.deepEqual(readScores(quietOut).rows.map((r) => r.index), [4, 6]);
  assert.equal(fs.existsSync(`${quietOut}.lock`), false);
});

test('reuseRows takes a table of another shard of the same run, and no index the table lacks (0 included)', () => {
  const dir = tmp();
  const shard = (index: number) => makeSidecar('scores', settings, DATA, undefined, { index, count: 2, archs: 'sample:4', total: 4 });
  const from = path.join(dir, 'table.csv');
  const t = openScoreFile(from, settings, { sidecar: shard(0) });
  t.append(row(1, 1));
  t.append(row(2, 2));
  t.close();
  const out = path.join(dir, 'out.csv');
  const f = openScoreFile(out, settings, { sidecar: shard(1) });
  assert.equal(reuseRows(f, from, shard(1), [0, 2]), 1);
  f.close();
  assert.equal(fs.readFileSync(out, 'utf8'), `${header(settings.proxies)}\n${formatRow(row(2, 2), settings.proxies)}\n`);
});
