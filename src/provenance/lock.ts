/**
 * One writer per result file: `<file>.lock` is created exclusively (`wx`) and holds the writer's
 * pid and host. A second writer is refused, naming the holder's pid. A lock left by a process that
 * no longer runs (a `kill -9`) is stale: it is removed, with a message, and taken over. Locks are
 * re-entrant within one process (the same pid may open the file again) and released on close or
 * at process exit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { describeFsError } from './fsErrors';

export function lockPath(file: string): string {
  return `${file}.lock`;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** Locks this process holds: path → open count. */
const held = new Map<string, number>();
let exitHook = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lock: string): Holder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(lock, 'utf8')) as Holder;
    return typeof h.pid === 'number' ? h : undefined;
  } catch {
    return undefined; // torn or vanished: treated as stale below
  }
}

/**
 * Take the write lock of `file`. @returns the release function.
 * @throws naming the holder's pid when another live process holds it.
 */
export function acquireLock(file: string, opts: { onStale?: (msg: string) => void } = {}): () => void {
  const lock = lockPath(file);
  const count = held.get(lock);
  if (count !== undefined) {
    held.set(lock, count + 1);
    return once(lock);
  }
  const me: Holder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(lock, JSON.stringify(me) + '\n', { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw describeFsError(e, lock, 'create');
      const h = readHolder(lock);
      const otherHost = h !== undefined && h.host !== me.host;
      if (h !== undefined && (otherHost || alive(h.pid)) && h.pid !== process.pid) {
        throw new Error(
          `'${file}' is being written by process ${h.pid}${otherHost ? ` on ${h.host}` : ''} (lock '${lock}', since ${h.since}): ` +
            'wait for it to finish, or stop it; two writers would duplicate rows. If that process is gone, delete the lock file',
        );
      }
      if (attempt >= 3) throw new Error(`cannot take the lock '${lock}' of '${file}' (it keeps reappearing); is another run starting?`);
      opts.onStale?.(`${file}: removed a stale lock of process ${h?.pid ?? '?'} (no longer running)`);
      fs.rmSync(lock, { force: true });
    }
  }
  held.set(lock, 1);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const l of held.keys()) fs.rmSync(l, { force: true });
    });
  }
  return once(lock);
}

function once(lock: string): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = held.get(lock) ?? 0;
    if (n > 1) return void held.set(lock, n - 1);
    held.delete(lock);
    fs.rmSync(lock, { force: true });
  };
}

/** Run `fn` holding the lock of `file`. */
export async function withLock<T>(file: string, fn: () => Promise<T> | T, opts: { onStale?: (msg: string) => void } = {}): Promise<T> {
  const release = acquireLock(file, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}
