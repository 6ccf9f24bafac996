/**
 * File-system errors in words: which path, what went wrong, what to do, instead of Node's raw
 * `EISDIR: illegal operation on a directory, read`.
 */

const WHAT: Readonly<Record<string, string>> = {
  EISDIR: 'is a folder, not a file',
  ENOTDIR: 'has a part of its path that is not a folder',
  ENOENT: 'does not exist (or its folder does not)',
  EACCES: 'is not accessible with your permissions',
  EPERM: 'is not accessible with your permissions',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'cannot be written: the device is full',
  EDQUOT: 'cannot be written: disk quota exceeded',
  EEXIST: 'already exists',
};

/** Whether `e` is a Node file-system error with a code. */
function errno(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string';
}

/**
 * An Error naming `file` and the problem, for a Node fs error raised while doing `action` to it
 * (`read`, `write`, `create`); other errors are returned unchanged.
 */
export function describeFsError(e: unknown, file: string, action: string): Error {
  if (!errno(e) || WHAT[e.code] === undefined) return e instanceof Error ? e : new Error(String(e));
  const fix = action === 'read' ? 'check the path' : 'choose another output path (--out) or fix the folder';
  return new Error(`cannot ${action} '${file}': it ${WHAT[e.code]} (${e.code}); ${fix}`);
}

/** Run `fn`, rewording fs errors with `describeFsError`. */
export function withFsErrors<T>(file: string, action: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw describeFsError(e, file, action);
  }
}

/** Last-resort wording of an fs error that reached the CLI (uses the error's own path). */
export function describeUncaughtFsError(e: unknown): Error {
  if (errno(e) && typeof e.path === 'string' && WHAT[e.code] !== undefined) {
    return describeFsError(e, e.path, e.syscall === 'open' || e.syscall === 'write' || e.syscall === 'mkdir' ? 'write' : 'use');
  }
  return e instanceof Error ? e : new Error(String(e));
}
