// One change at a time per tree: an exclusive flock(2) on the lock file,
// which the kernel releases when its holder ends, however it ends. The
// file's text (pid, what) tells a waiting command who it waits for; a
// holder empties it when it is done, so text found by the next holder means
// the last one died mid-change, and what it left must be settled.
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { errnoCode, FailedError, namingFile, SystemError } from "../../lib/errors.ts";
import { isMissing, readIfExists } from "../../lib/files.ts";
import { openLockFile } from "../../lib/lock-file.ts";
import { log } from "../../lib/log.ts";
import { isAncestor } from "../../lib/proc.ts";
import * as libc from "../../sys/libc.ts";

export class LockBusyError extends SystemError {}

const RETRY_MS = 20;

export interface Lock {
  /** Lets go; with leftBehind, the holder's name stays, for the next holder to settle what it left. */
  release(options?: { leftBehind?: boolean }): void;
  /** The last holder ended without letting go cleanly: its transitions may be half done. */
  lastHolderDied: boolean;
}

/**
 * Takes the lock, waiting up to waitMs for another change to end. With
 * preempt (shutdown), the holder is asked to stop (SIGTERM: a change aborts
 * what it has in flight), and killed after waitMs.
 */
export async function takeLock(path: string, what: string, waitMs: number, { preempt = false } = {}): Promise<Lock> {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openLockFile(path);
  let announced = false;
  let lookedAt: number | undefined; // the holder whose ancestry was looked at: once for each
  for (const deadline = Date.now() + waitMs; ; await Bun.sleep(RETRY_MS)) {
    if (libc.lockFile(fd)) {
      const lastHolderDied = (readIfExists(path) ?? "") !== "";
      try {
        ftruncateSync(fd, 0);
        writeSync(fd, `${process.pid}\n${what}\n`);
      } catch (error) {
        closeSync(fd);
        throw namingFile(error, path); // ENOSPC: the next holder could not know this one died mid-change
      }
      const release = ({ leftBehind = false } = {}) => {
        if (!leftBehind) ftruncateSync(fd, 0);
        closeSync(fd);
      };
      return { release, lastHolderDied };
    }
    // Undefined for a moment after the holder took it, before it wrote its name.
    const holder = readHolder(path);
    if (holder && !preempt && holder.pid !== lookedAt && isAncestor((lookedAt = holder.pid))) {
      closeSync(fd);
      throw new FailedError(
        `this command runs inside the change it would wait for (pid ${holder.pid}: ${holder.what}), which waits for it in turn: ` +
          "run it in the background (goetia start NAME &), or make what runs it a longrun",
      );
    }
    if (Date.now() >= deadline) {
      if (!preempt || !holder) {
        closeSync(fd);
        const who = holder ? `pid ${holder.pid}: ${holder.what}` : "its holder is not known yet";
        throw new LockBusyError(`another change is running (${who}); try again when it ends`);
      }
      libc.kill(holder.pid, libc.SIG.KILL);
      continue;
    }
    if (!holder) continue;
    if (!announced) {
      log.info(`${preempt ? "interrupting" : "waiting for"} another change (pid ${holder.pid}: ${holder.what})`);
      if (preempt) libc.kill(holder.pid, libc.SIG.TERM);
      announced = true;
    }
  }
}

/** True while some change holds the lock at path: a transition on record is really under way. */
export function isLockHeld(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if (isMissing(error)) return false; // no change ever ran
    if (errnoCode(error) === "EACCES") return true; // another's tree: what its records say is taken as it is
    throw error;
  }
  try {
    return !libc.lockFile(fd, { exclusive: false });
  } finally {
    closeSync(fd);
  }
}

function readHolder(path: string): { pid: number; what: string } | undefined {
  const [pid, what = ""] = (readIfExists(path) ?? "").split("\n");
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, what } : undefined;
}
