/**
 * Headless notebook runner: executes notebooks with Debian's Jupyter (nbclient, then nbconvert) and the
 * project-local tslab kernelspec, and writes the executed notebook + an HTML write-up.
 *
 *   node dist/notebooks/run.js [--scale quick|paper] [--timeout SEC] [--out DIR] [--no-html] [names...]
 *
 * Without names it runs every notebooks/*.ipynb (sorted) except names starting with `_`; names may be
 * given with or without `.ipynb`, or as paths. Outputs: reports/<name>.ipynb and reports/<name>.html.
 * Setup (Jupyter + kernelspec): `bash scripts/install.sh`.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { NotebookScale, SCALE_ENV, parseScale } from './scale';

/** Repository root (this file lives in src/notebooks or dist/notebooks). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const NOTEBOOK_DIR = path.join(REPO_ROOT, 'notebooks');
export const REPORT_DIR = path.join(REPO_ROOT, 'reports');
/** Project-local Jupyter data dir holding kernels/tslab/kernel.json (written by scripts/install.sh). */
export const JUPYTER_DATA_DIR = path.join(REPO_ROOT, '.jupyter');
/** Debian's Jupyter: never a pyenv/conda `jupyter` that happens to be first on PATH. */
export const JUPYTER_BIN = '/usr/bin/jupyter';
/** Debian's python (the one with nbclient/nbconvert); runs the execution driver. */
export const PYTHON_BIN = '/usr/bin/python3';
export const KERNEL_NAME = 'tslab';

const INSTALL_HINT = 'run `bash scripts/install.sh`';

export interface ExecuteOptions {
  /** Where the executed .ipynb and .html go (default: <repo>/reports). */
  outDir?: string;
  /** Passed to the kernel as $ZERONAS_SCALE (default 'quick'). */
  scale?: NotebookScale;
  /** Per-cell timeout in seconds; <= 0 means none (default: 900 quick, none for paper). */
  timeoutSec?: number;
  /** Also export HTML (default true). */
  html?: boolean;
  /** Extra environment for the kernel. */
  env?: NodeJS.ProcessEnv;
  /** Stream Jupyter's stderr to ours as it runs (default false; the tail is in errors anyway). */
  verbose?: boolean;
  /** Jupyter executable (default /usr/bin/jupyter). */
  jupyterBin?: string;
}

export interface ExecuteResult {
  /** Absolute path of the executed notebook. */
  ipynb: string;
  /** Absolute path of the HTML write-up (when `html` is not false). */
  html?: string;
  /** Wall-clock seconds (execution + export). */
  seconds: number;
}

/** A notebook failed to execute or export; `stderrTail` holds the end of Jupyter's stderr. */
export class NotebookRunError extends Error {
  constructor(
    message: string,
    readonly notebook: string,
    readonly stderrTail: string,
    readonly exitCode: number | null,
  ) {
    super(stderrTail ? `${message}\n${stderrTail}` : message);
    this.name = 'NotebookRunError';
  }
}

/** Problems with the Jupyter setup (empty when ready to run). */
export function jupyterProblems(jupyterBin = JUPYTER_BIN): string[] {
  const problems: string[] = [];
  if (!fs.existsSync(jupyterBin)) problems.push(`${jupyterBin} not found`);
  if (!fs.existsSync(PYTHON_BIN)) problems.push(`${PYTHON_BIN} not found`);
  if (!fs.existsSync('/usr/bin/jupyter-nbconvert') && jupyterBin === JUPYTER_BIN) {
    problems.push('/usr/bin/jupyter-nbconvert not found (Debian package jupyter-nbconvert)');
  }
  const spec = path.join(JUPYTER_DATA_DIR, 'kernels', KERNEL_NAME, 'kernel.json');
  if (!fs.existsSync(spec)) {
    problems.push(`tslab kernelspec ${spec} not found`);
  } else {
    try {
      const argv: unknown = JSON.parse(fs.readFileSync(spec, 'utf8')).argv;
      const missing = Array.isArray(argv)
        ? argv.filter((a): a is string => typeof a === 'string' && path.isAbsolute(a) && !fs.existsSync(a))
        : ['(no argv)'];
      if (missing.length) problems.push(`tslab kernelspec ${spec} points to missing ${missing.join(', ')}`);
    } catch (e) {
      problems.push(`tslab kernelspec ${spec} unreadable: ${(e as Error).message}`);
    }
  }
  return problems;
}

/** Throws a clear error when Jupyter or the project kernelspec is missing. */
export function checkJupyter(jupyterBin = JUPYTER_BIN): void {
  const problems = jupyterProblems(jupyterBin);
  if (problems.length) {
    throw new Error(`Jupyter is not set up (${problems.join('; ')}): ${INSTALL_HINT}`);
  }
}

/** Environment for Jupyter and the kernel. */
export function jupyterEnv(scale: NotebookScale, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // Debian's python must not pick up another interpreter's modules (pyenv/conda leftovers).
  delete env.PYTHONHOME;
  delete env.PYTHONPATH;
  env.JUPYTER_PATH = [JUPYTER_DATA_DIR, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  env[SCALE_ENV] = scale;
  return env;
}

const TAIL_CHARS = 6000;

function tail(s: string, n = TAIL_CHARS): string {
  const t = s.trimEnd();
  return t.length > n ? `…${t.slice(t.length - n)}` : t;
}

function runJupyter(jupyterBin: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, verbose: boolean): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(jupyterBin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const keep = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.length > 4 * TAIL_CHARS) stderr = stderr.slice(stderr.length - 2 * TAIL_CHARS);
    };
    child.stdout.on('data', (c: Buffer) => {
      keep(c);
      if (verbose) process.stderr.write(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      keep(c);
      if (verbose) process.stderr.write(c);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Notebook name without folder and `.ipynb`. */
export function notebookName(nbPath: string): string {
  return path.basename(nbPath).replace(/\.ipynb$/, '');
}

/**
 * nbclient driver run by Debian's python. Like `jupyter nbconvert --to notebook --execute`, but when a
 * cell fails it still writes the partially executed notebook, and it prints the failing cell's
 * stdout/stderr: tslab reports compile and runtime errors on the cell's stderr stream, not in the
 * execute_reply, so nbconvert's own message would show only "<Error>".
 * argv: input output kernel_name timeout_sec
 */
const NBCLIENT_DRIVER = `
import os, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
src, out, kernel, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
nb = nbformat.read(src, as_version=4)
state = {'index': None}
def on_cell_execute(cell, cell_index, **kw):
    state['index'] = cell_index
client = NotebookClient(nb, timeout=None if timeout <= 0 else int(timeout), kernel_name=kernel,
                        resources={'metadata': {'path': os.path.dirname(os.path.abspath(src))}},
                        on_cell_execute=on_cell_execute)
t0 = time.time()
status, failure = 0, None
try:
    client.execute()
except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
    status, failure = 1, e
meta = nb.metadata.setdefault('zeronas', {})
meta.update({'scale': os.environ.get('ZERONAS_SCALE', 'quick'), 'seconds': round(time.time() - t0, 1),
             'status': 'ok' if status == 0 else 'failed'})
# wall time per section (cells under a level-1/2 heading), from nbclient's per-cell timestamps
from datetime import datetime
def stamp(v):
    return datetime.fromisoformat(v.replace('Z', '+00:00'))
sections, cur = [], None
for c in nb.cells:
    if c.cell_type == 'markdown':
        head = next((l for l in c.source.splitlines() if l.startswith('# ') or l.startswith('## ')), None)
        if head is not None:
            cur = {'section': head.lstrip('#').strip(), 'seconds': 0.0}
            sections.append(cur)
    elif c.cell_type == 'code':
        ex = c.get('metadata', {}).get('execution', {})
        # busy → idle brackets the execution (tslab sends no execute_input and replies at once)
        a = ex.get('iopub.status.busy') or ex.get('iopub.execute_input')
        b = ex.get('iopub.status.idle') or ex.get('shell.execute_reply')
        if a and b:
            if cur is None:
                cur = {'section': '(before the first heading)', 'seconds': 0.0}
                sections.append(cur)
            cur['seconds'] += (stamp(b) - stamp(a)).total_seconds()
meta['sections'] = [{'section': x['section'], 'seconds': round(x['seconds'], 1)} for x in sections]
rows = ''.join('| %s | %.1f |\\n' % (x['section'].replace('|', '/'), x['seconds']) for x in sections)
nb.cells.append(nbformat.v4.new_markdown_cell(
    '### Wall time per section (this run)\\n\\n| section | seconds |\\n|---|---|\\n' + rows +
    '| **whole notebook** (with kernel start) | %.1f |\\n' % meta['seconds'], metadata={'zeronas': 'section-times'}))
nbformat.write(nb, out)
if failure is not None:
    i = state['index']
    lines = ['%s: %s' % (type(failure).__name__, str(failure).strip().splitlines()[0] if str(failure).strip() else '')]
    if i is not None:
        cell = nb.cells[i]
        lines.append('failing cell [%d]:' % i)
        lines.extend('  | ' + l for l in cell.source.splitlines()[-15:])
        for o in cell.get('outputs', []):
            if o.get('output_type') == 'stream':
                lines.append('%s:' % o.get('name'))
                lines.extend('  ' + l for l in o.get('text', '').rstrip().splitlines()[-40:])
            elif o.get('output_type') == 'error':
                lines.append('%s: %s' % (o.get('ename'), o.get('evalue')))
    sys.stderr.write('\\n'.join(lines) + '\\n')
sys.exit(status)
`;

/**
 * Execute one notebook; writes <outDir>/<name>.ipynb (and .html). When a cell fails the partially
 * executed notebook (and its HTML) are still written, and the promise rejects with NotebookRunError
 * whose message names the failing cell and shows its output.
 */
export async function executeNotebook(nbPath: string, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
  const jupyterBin = opts.jupyterBin ?? JUPYTER_BIN;
  checkJupyter(jupyterBin);
  const input = path.resolve(nbPath);
  if (!fs.existsSync(input)) throw new Error(`notebook not found: ${input}`);
  const scale = opts.scale ?? 'quick';
  const outDir = path.resolve(opts.outDir ?? REPORT_DIR);
  const timeout = opts.timeoutSec ?? (scale === 'paper' ? -1 : 900);
  const name = notebookName(input);
  const env = jupyterEnv(scale, opts.env);
  const verbose = opts.verbose ?? false;
  fs.mkdirSync(outDir, { recursive: true });
  const ipynb = path.join(outDir, `${name}.ipynb`);
  const html = path.join(outDir, `${name}.html`);
  // Never leave a stale write-up that could be mistaken for this run's.
  for (const f of [ipynb, html]) fs.rmSync(f, { force: true });

  const t0 = Date.now();
  // The kernel starts in the notebook's folder (as with nbconvert), so `../dist/...` imports work.
  const exec = await runJupyter(
    PYTHON_BIN,
    ['-c', NBCLIENT_DRIVER, input, ipynb, KERNEL_NAME, String(timeout > 0 ? Math.ceil(timeout) : -1)],
    env,
    path.dirname(input),
    verbose,
  );
  const executed = fs.existsSync(ipynb);
  let exported = false;
  let exportErr = '';
  if (executed && (opts.html ?? true)) {
    const exp = await runJupyter(jupyterBin, ['nbconvert', '--to', 'html', '--output-dir', outDir, '--output', name, ipynb], env, outDir, verbose);
    exported = exp.code === 0 && fs.existsSync(html);
    if (!exported) exportErr = `HTML export failed (nbconvert exit ${exp.code})\n${tail(exp.stderr)}`;
  }
  if (exec.code !== 0 || !executed) {
    const partial = executed ? `\npartial output: ${exported ? html : ipynb}` : '';
    throw new NotebookRunError(`notebook ${name} failed (exit ${exec.code})${partial}`, input, tail(exec.stderr), exec.code);
  }
  if (exportErr) throw new NotebookRunError(`notebook ${name}: ${exportErr.split('\n')[0]}`, input, exportErr, null);
  return { ipynb, ...(exported ? { html } : {}), seconds: (Date.now() - t0) / 1000 };
}

/** Runnable notebooks in `dir` (sorted; names starting with `_` skipped unless includePrivate). */
export function listNotebooks(dir = NOTEBOOK_DIR, includePrivate = false): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && (includePrivate || !f.startsWith('_')))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Resolve a CLI name (`01-naswot`, `01-naswot.ipynb`, or a path) to a notebook path. */
export function resolveNotebook(nameOrPath: string, dir = NOTEBOOK_DIR): string {
  const candidates = [nameOrPath, `${nameOrPath}.ipynb`, path.join(dir, nameOrPath), path.join(dir, `${nameOrPath}.ipynb`)];
  for (const c of candidates) {
    if (c.endsWith('.ipynb') && fs.existsSync(c) && fs.statSync(c).isFile()) return path.resolve(c);
  }
  const known = listNotebooks(dir, true).map(notebookName);
  throw new Error(`no notebook "${nameOrPath}" (known: ${known.join(', ') || 'none'})`);
}

export interface CliArgs {
  scale: NotebookScale;
  timeoutSec?: number;
  outDir?: string;
  html: boolean;
  verbose: boolean;
  names: string[];
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = { scale: 'quick', html: true, verbose: false, names: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') args.help = true;
    else if (a === '--scale' || a.startsWith('--scale=')) args.scale = parseScale(value());
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const t = Number(value());
      if (!Number.isFinite(t)) throw new Error('--timeout needs a number of seconds');
      args.timeoutSec = t;
    } else if (a === '--out' || a.startsWith('--out=')) args.outDir = value();
    else if (a === '--no-html') args.html = false;
    else if (a === '-v' || a === '--verbose') args.verbose = true;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else args.names.push(a);
  }
  return args;
}

const USAGE = `usage: node dist/notebooks/run.js [--scale quick|paper] [--timeout SEC] [--out DIR] [--no-html] [-v] [names...]
  Runs notebooks/*.ipynb (except _*) or the named ones headless; writes reports/<name>.ipynb and .html.
  Scale reaches the notebooks as $ZERONAS_SCALE (default quick). Setup: bash scripts/install.sh`;

/** CLI entry point; resolves to the exit code. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`run: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const problems = jupyterProblems();
  if (problems.length) {
    console.error(`run: Jupyter is not set up:\n  - ${problems.join('\n  - ')}\nFix: ${INSTALL_HINT}`);
    return 1;
  }
  let notebooks: string[];
  try {
    notebooks = args.names.length ? args.names.map((n) => resolveNotebook(n)) : listNotebooks();
  } catch (e) {
    console.error(`run: ${(e as Error).message}`);
    return 2;
  }
  if (!notebooks.length) {
    console.error(`run: no notebooks in ${NOTEBOOK_DIR}`);
    return 1;
  }
  const outDir = path.resolve(args.outDir ?? REPORT_DIR);
  console.log(`run: ${notebooks.length} notebook(s) at scale=${args.scale} → ${outDir}`);
  const written: string[] = [];
  const failed: string[] = [];
  for (const nb of notebooks) {
    const name = notebookName(nb);
    process.stdout.write(`  ${name} … `);
    try {
      const r = await executeNotebook(nb, { outDir, scale: args.scale, timeoutSec: args.timeoutSec, html: args.html, verbose: args.verbose });
      console.log(`ok (${r.seconds.toFixed(1)} s)`);
      written.push(r.html ?? r.ipynb);
    } catch (e) {
      failed.push(name);
      console.log('FAILED');
      console.error(`----- ${name}\n${(e as Error).message}\n-----`);
    }
  }
  if (written.length) {
    console.log(args.html ? 'HTML write-ups:' : 'Executed notebooks:');
    for (const f of written) console.log(`  ${f}`);
  }
  if (failed.length) {
    console.error(`run: ${failed.length} of ${notebooks.length} notebook(s) failed: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`run: ${(e as Error)?.stack ?? String(e)}`);
      process.exitCode = 1;
    },
  );
}
