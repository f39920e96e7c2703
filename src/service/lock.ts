// One change at a time per tree. The lock is a file created exclusively,
// holding the owner's pid; a lock whose owner is dead is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { log } from "../lib/log.ts";
import * as libc from "../sys/libc.ts";

export class LockBusyError extends Error {}

/**
 * Takes the lock, waiting up to waitMs for another change to end; returns
 * the release function. With preempt (shutdown), the holder is asked to stop
 * (SIGTERM: a change aborts what it has in flight), and killed after waitMs.
 */
export async function takeLock(path: string, what: string, waitMs: number, { preempt = false } = {}): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  let announced = false;
  for (const deadline = Date.now() + waitMs; ; await Bun.sleep(50)) {
    try {
      writeFileSync(path, `${process.pid}\n${what}\n`, { flag: "wx" });
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const [pid, holder] = readHolder(path);
    if (pid === undefined || !libc.kill(pid, 0)) {
      rmSync(path, { force: true }); // its owner died without releasing it
      continue;
    }
    if (Date.now() >= deadline) {
      if (!preempt) throw new LockBusyError(`another change is running (pid ${pid}: ${holder}); try again when it ends`);
      libc.kill(pid, libc.SIG.KILL);
      continue;
    }
    if (!announced) {
      log.info(`${preempt ? "interrupting" : "waiting for"} another change (pid ${pid}: ${holder})`);
      if (preempt) libc.kill(pid, libc.SIG.TERM);
    }
    announced = true;
  }
}

function readHolder(path: string): [number | undefined, string] {
  try {
    const [pid, what] = readFileSync(path, "utf8").split("\n");
    const n = Number(pid);
    return [Number.isInteger(n) && n > 0 ? n : undefined, what ?? ""];
  } catch {
    return [undefined, ""];
  }
}
