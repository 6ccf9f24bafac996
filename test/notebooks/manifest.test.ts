import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initBackend } from '../../src/engine/backend';
import { makeBatch } from '../../src/data/batch';
import { findDataFile } from '../../src/data/root';
import { loadProjectScores } from '../../src/runner/projectTables';
import { buildManifest, manifestHtml, type Manifest } from '../../src/notebooks/manifest';

const ROOT = path.resolve(__dirname, '..', '..');
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const head = () => execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

/** Fields of a manifest checked against this process and the files on disk. */
function checkManifest(m: Manifest, where: string): void {
  assert.match(m.commit, /^[0-9a-f]{40}$/, `${where}: commit`);
  assert.equal(typeof m.dirty, 'boolean', `${where}: dirty`);
  assert.match(m.node, /^v\d+\.\d+\.\d+$/, `${where}: node`);
  assert.match(m.tfjs, /^\d+\.\d+\.\d+$/, `${where}: tfjs`);
  assert.ok(['wasm', 'cpu', 'tensorflow'].includes(m.backend), `${where}: backend ${m.backend}`);
  assert.ok(m.cores >= 1, `${where}: cores`);
  for (const f of m.dataFiles) {
    assert.ok(!path.isAbsolute(f.file) && !f.file.includes('..'), `${where}: ${f.file} relative to its data root`);
    const abs = findDataFile(f.file);
    if (abs && fs.statSync(abs).size === f.bytes) assert.equal(f.sha256, sha(abs), `${where}: SHA-256 of ${f.file}`);
  }
  for (const t of m.tables) {
    const abs = path.join(ROOT, t.file);
    if (fs.existsSync(abs) && fs.statSync(abs).size === t.bytes) assert.equal(t.sha256, sha(abs), `${where}: SHA-256 of ${t.file}`);
  }
  for (const t of m.tables) {
    assert.ok(t.command.startsWith('node dist/cli.js'), `${where}: command of ${t.name}`);
    assert.ok(t.settings && typeof t.settings === 'object', `${where}: settings of ${t.name}`);
  }
}

test('the manifest records this run: commit, runtime, data files and tables read with SHA-256', async () => {
  await initBackend({ quiet: true });
  const scores = loadProjectScores('nb201-cifar10-naswot');
  makeBatch({ dataset: 'cifar10', batchSize: 4, seed: 1 });
  const m = buildManifest({ seeds: { bootstrap: 1 } });
  checkManifest(m, 'in-process');
  assert.equal(m.commit, head());
  assert.equal(m.node, process.version);
  assert.deepEqual(m.seeds, { bootstrap: 1 });
  const t = m.tables.find((x) => x.name === 'nb201-cifar10-naswot');
  assert.ok(t, 'table read is listed');
  assert.equal(t.file, 'data/scores/nb201-cifar10-naswot.csv');
  assert.equal(t.sha256, sha(scores.path));
  assert.equal(t.root, 'repository');
  assert.deepEqual(t.settings, scores.settings);
  const d = m.dataFiles.find((x) => x.file.startsWith('cifar10/'));
  assert.ok(d, 'a CIFAR-10 file read is listed');
  assert.equal(d.sha256, sha(findDataFile(d.file)!));
  assert.match(d.root, /data|ZERONAS/);
  const html = manifestHtml(m);
  const json = /<script type="application\/json" id="zeronas-manifest">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(json);
  assert.deepEqual(JSON.parse(json[1]!), JSON.parse(JSON.stringify(m)));
});

test('every generated write-up carries a manifest whose fields match the files', () => {
  const dir = path.join(ROOT, 'reports');
  const reports = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^\d\d-.*\.html$/.test(f)) : [];
  for (const r of reports) {
    const html = fs.readFileSync(path.join(dir, r), 'utf8');
    const json = /<script type="application\/json" id="zeronas-manifest">([\s\S]*?)<\/script>/.exec(html);
    assert.ok(json, `${r}: no manifest`);
    const m = JSON.parse(json[1]!) as Manifest;
    checkManifest(m, r);
    assert.ok(m.scale === 'quick' || m.scale === 'paper', `${r}: scale`);
    assert.match(html, /Wall time per section/, `${r}: section times`);
  }
});
