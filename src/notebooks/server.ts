/**
 * Interactive Jupyter for the project: Debian's classic notebook server (`jupyter-notebook`, 6.x)
 * on loopback, serving `notebooks/` with the project-local tslab kernelspec (JUPYTER_PATH =
 * `<repo>/.jupyter`, written by scripts/install.sh). `npm run notebook` runs the install script,
 * builds, then calls `main` here, which prints the URL (with its token) and stays in the foreground
 * until Ctrl-C. The server runs in its own process group so that stopping it also stops its kernels.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { checkJupyter, jupyterEnv, JUPYTER_BIN, NOTEBOOK_DIR } from './run';
import { notebookScale } from './scale';

/** Debian's notebook server entry point (package jupyter-notebook). */
export const NOTEBOOK_SERVER_BIN = '/usr/bin/jupyter-notebook';

export interface NotebookServerOptions {
  /** Loopback port (default: a free one). */
  readonly port?: number;
  /** Folder the server shows (default `notebooks/`). */
  readonly notebookDir?: string;
  /** Access token (default: 24 random bytes, hex). */
  readonly token?: string;
  /** Seconds to wait for the server to answer (default 60). */
  readonly startTimeoutSec?: number;
  /** Stream the server's log to our stderr (default false; its tail is in start errors anyway). */
  readonly verbose?: boolean;
}

export interface NotebookServer {
  /** Base URL, e.g. http://127.0.0.1:8888/ */
  readonly baseUrl: string;
  readonly token: string;
  /** URL to open in a browser (token included). */
  readonly url: string;
  /** Process id of the server (leader of its process group). */
  readonly pid: number;
  /** Stops the server and its kernels (SIGTERM to the group, SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function getStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Signals the server's process group (the server and the kernels it started). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

/** Starts the notebook server on loopback and resolves once its REST API answers. */
export async function startNotebookServer(o: NotebookServerOptions = {}): Promise<NotebookServer> {
  checkJupyter(JUPYTER_BIN);
  if (!fs.existsSync(NOTEBOOK_SERVER_BIN)) {
    throw new Error(`${NOTEBOOK_SERVER_BIN} not found (Debian package jupyter-notebook): run \`bash scripts/install.sh\``);
  }
  const port = o.port ?? (await freePort());
  const token = o.token ?? crypto.randomBytes(24).toString('hex');
  const dir = o.notebookDir ?? NOTEBOOK_DIR;
  const env = jupyterEnv(notebookScale()); // $ZERONAS_SCALE (default quick) reaches the kernels
  env.JUPYTER_TOKEN = token; // not on the command line, where `ps` would show it
  const child = spawn(
    NOTEBOOK_SERVER_BIN,
    ['--no-browser', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--notebook-dir=${dir}`, '--NotebookApp.open_browser=False', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])],
    { env, cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keep = (c: Buffer): void => {
    log = (log + c.toString('utf8')).slice(-8000);
    if (o.verbose) process.stderr.write(c);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${NOTEBOOK_SERVER_BIN}`);
  const baseUrl = `http://127.0.0.1:${port}/`;
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (exited(child)) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(pid, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
    signalGroup(pid, 'SIGKILL'); // kernels that outlived the server
  };
  const deadline = Date.now() + (o.startTimeoutSec ?? 60) * 1000;
  for (;;) {
    if (exited(child)) throw new Error(`jupyter-notebook exited (code ${child.exitCode}) before answering:\n${log}`);
    if ((await getStatus(`${baseUrl}api/status?token=${token}`)) === 200) break;
    if (Date.now() > deadline) {
      await stop(2000);
      throw new Error(`jupyter-notebook did not answer on ${baseUrl} within ${o.startTimeoutSec ?? 60} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, token, url: `${baseUrl}tree?token=${token}`, pid, stop };
}

/** `npm run notebook`: start on port 8888 (or $ZERONAS_NOTEBOOK_PORT, or a free one if 0), print the URL, stop on Ctrl-C. */
export async function main(): Promise<void> {
  const raw = process.env.ZERONAS_NOTEBOOK_PORT ?? '8888';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`ZERONAS_NOTEBOOK_PORT must be a port number, got '${raw}'`);
  const server = await startNotebookServer(port === 0 ? {} : { port });
  console.log(`Jupyter notebook server (pid ${server.pid}) serving ${NOTEBOOK_DIR} with the project's tslab kernel ("TypeScript (tslab)").`);
  console.log(`Open: ${server.url}`);
  console.log('Stop with Ctrl-C.');
  const shutdown = (): void => void server.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
