// One change at a time per tree. The lock is a file created exclusively,
// holding the owner's pid; a lock whose owner is dead is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { log } from "../lib/log.ts";
import * as libc from "../sys/libc.ts";

export class LockBusyError extends Error {}

/** Takes the lock, waiting up to waitMs for another change to end; returns the release function. */
export async function takeLock(path: string, what: string, waitMs: number): Promise<() => void> {
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
    if (Date.now() >= deadline) throw new LockBusyError(`another change is running (pid ${pid}: ${holder}); try again when it ends`);
    if (!announced) log.info(`waiting for another change to end (pid ${pid}: ${holder})`);
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
