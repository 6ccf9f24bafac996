/**
 * The manifest of a write-up: what a colleague needs to reproduce it — the code (git commit and
 * whether the tree had uncommitted changes), the runtime (Node, tfjs and its backend, cores), the
 * scale and seeds, every data file read with its SHA-256, and every committed table read with its
 * settings and regenerating command. The notebook runner adds the wall time of each section.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { dataFilesRead, sha256File } from '../data/identity';
import { dataRoots, packageRoot } from '../data/root';
import { tablesRead } from '../runner/tablesRead';
import { showHtml } from '../viz/display';
import { escapeHtml, tableHtml } from '../viz/table';
import { notebookScale, type NotebookScale } from './scale';

export interface ManifestFile {
  /** Path as the reader knows it: relative to the data root or to the repository (no machine paths). */
  readonly file: string;
  /** Data files: which data root held it (e.g. `package ../shared/data`, `$ZERONAS_DATA`); tables: `repository`. */
  readonly root: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface ManifestTable extends ManifestFile {
  readonly name: string;
  readonly settings: unknown;
  readonly command: string;
}

export interface Manifest {
  readonly commit: string;
  /** Whether tracked files differed from the commit (`git status --porcelain --untracked-files=no`). */
  readonly dirty: boolean | null;
  readonly node: string;
  readonly tfjs: string;
  readonly backend: string;
  readonly scale: NotebookScale;
  readonly cores: number;
  readonly seeds: Readonly<Record<string, number | string>>;
  readonly dataFiles: readonly ManifestFile[];
  readonly tables: readonly ManifestTable[];
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: packageRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function fileEntry(file: string, abs: string, root: string): ManifestFile {
  return { file, root, bytes: fs.statSync(abs).size, sha256: sha256File(abs) };
}

/** The data root (by origin) that holds an absolute data-file path. */
function rootOrigin(abs: string): string {
  const r = dataRoots().find((d) => abs.startsWith(d.dir + path.sep));
  return r ? r.origin : 'unknown data root';
}

/**
 * The manifest of this process so far (call it at the end of a notebook: data files and tables
 * are those read up to now). `seeds` names the seeds the notebook chose itself (tables carry
 * their own in their settings).
 */
export function buildManifest(opts: { seeds?: Record<string, number | string> } = {}): Manifest {
  const root = packageRoot();
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    commit: git(['rev-parse', 'HEAD']) ?? 'unknown (not a git checkout)',
    dirty: status === null ? null : status.length > 0,
    node: process.version,
    tfjs: tf.version.tfjs,
    backend: tf.getBackend() ?? 'none',
    scale: notebookScale(),
    cores: os.availableParallelism?.() ?? os.cpus().length,
    seeds: { ...(opts.seeds ?? {}) },
    dataFiles: dataFilesRead().map((d) => fileEntry(d.rel, d.path, rootOrigin(d.path))),
    tables: tablesRead().map((t) => ({ ...fileEntry(path.relative(root, t.path), t.path, 'repository'), name: t.name, settings: t.settings, command: t.command })),
  };
}

/** HTML of a manifest (tables plus the JSON in a `zeronas-manifest` script element for tools). */
export function manifestHtml(m: Manifest): string {
  const run = [
    { field: 'git commit', value: m.commit + (m.dirty === null ? '' : m.dirty ? ' (tree had uncommitted changes)' : ' (clean tree)') },
    { field: 'Node', value: m.node },
    { field: 'tfjs', value: `${m.tfjs}, backend ${m.backend}` },
    { field: 'scale', value: m.scale },
    { field: 'cores', value: String(m.cores) },
    { field: 'seeds', value: Object.entries(m.seeds).map(([k, v]) => `${k} ${v}`).join('; ') || '(only those in the tables\' settings)' },
  ];
  const data = m.dataFiles.map((f) => ({ 'data file': f.file, 'data root': f.root, bytes: f.bytes, 'SHA-256': f.sha256 }));
  const settingsText = (v: unknown): string =>
    v && typeof v === 'object' ? Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${JSON.stringify(x)}`).join('; ') : JSON.stringify(v);
  const tables = m.tables.map((t) => ({ table: t.file, bytes: t.bytes, 'SHA-256': t.sha256, settings: settingsText(t.settings), command: t.command }));
  const json = JSON.stringify(m).replace(/</g, '\\u003c');
  return [
    tableHtml(run, { caption: 'Run' }),
    data.length ? tableHtml(data, { caption: 'Data files read (relative to the data root)' }) : '<p>No data file was read.</p>',
    tables.length ? tableHtml(tables, { caption: 'Committed tables read' }) : '<p>No committed table was read.</p>',
    `<script type="application/json" id="zeronas-manifest">${json}</script>`,
  ].join('\n');
}

/** Show the manifest in the notebook (and return it). */
export function showManifest(opts: { seeds?: Record<string, number | string> } = {}): Manifest {
  const m = buildManifest(opts);
  showHtml(manifestHtml(m));
  return m;
}

/** Escaped one-line summary, e.g. for logs. */
export function manifestSummary(m: Manifest): string {
  return escapeHtml(`${m.commit.slice(0, 12)}${m.dirty ? '+dirty' : ''} node ${m.node} tfjs ${m.tfjs}/${m.backend} ${m.scale} ${m.cores} cores`);
}

/**
 * Path of a score cache under `.cache/` with any previous copy (and its settings sidecar)
 * removed: a re-check must score now, not resume a finished file from an earlier run.
 */
export function freshCachePath(name: string): string {
  const file = path.join(packageRoot(), '.cache', name);
  for (const f of [file, `${file}.meta.json`]) fs.rmSync(f, { force: true });
  return file;
}
