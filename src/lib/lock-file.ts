// The files goetia locks. flock(2) works on any descriptor, a read-only one
// too, so whoever can open a lock file can hold it: a lock file is its
// owner's alone (0600), and one that is not (an older goetia's 0644, or
// another's) is replaced, since someone may hold it open already.
import * as libc from "../sys/libc.ts";
import { TimedOutError } from "./errors.ts";

const RETRY_MS = 20;

/** The lock file at path opened for flock(2), made if missing, this process's owner's alone. */
export function openLockFile(path: string): number {
  for (let attempt = 0; ; attempt++) {
    const fd = libc.open(path, libc.O.RDWR | libc.O.CREAT | libc.O.NOFOLLOW | libc.O.CLOEXEC, 0o600);
    const { uid, mode } = libc.fstat(fd);
    if (uid === libc.geteuid() && (mode & 0o077) === 0) return fd;
    libc.close(fd);
    if (attempt > 0) throw new Error(`${path}: the lock file is not ${libc.geteuid() === 0 ? "root" : "its owner"}'s alone (mode ${(mode & 0o777).toString(8)}, uid ${uid}), and comes back so`);
    libc.unlink(path);
  }
}

/** How long a command waits for another's compile: one that takes longer is stuck, or the lock is held by someone else. */
const COMPILE_WAIT_MS = 120_000;

/**
 * Runs fn holding an exclusive flock on path (made if missing), waiting up
 * to waitMs for whoever holds it. Where the lock file cannot be opened for
 * writing (a read-only root, or a tree not the caller's), fn runs on what
 * is there: it can only read, and what it reads is replaced by rename.
 */
export function withFileLock<T>(path: string, fn: () => T, waitMs = COMPILE_WAIT_MS): T {
  let fd: number;
  try {
    fd = openLockFile(path);
  } catch (error) {
    if (libc.failedWith(error, libc.errno.EROFS) || libc.failedWith(error, libc.errno.EACCES)) return fn();
    throw error;
  }
  try {
    for (const deadline = Date.now() + waitMs; !libc.lockFile(fd); Bun.sleepSync(RETRY_MS)) {
      if (Date.now() >= deadline) throw new TimedOutError(`${path}: held by another process for ${waitMs / 1000} s; try again when it lets go`);
    }
    return fn();
  } finally {
    libc.close(fd);
  }
}
