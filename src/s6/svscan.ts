// s6-svscan: started once, as PID 1, by stage 1's execve; told what to do
// through .s6-svscan/control, as s6-svscanctl would.
import { join } from "node:path";
import * as libc from "../sys/libc.ts";
import { hasReader, writeControl } from "./control.ts";

const control = (scandir: string) => join(scandir, ".s6-svscan", "control");

/** True once s6-svscan runs on scandir and reads its control fifo. */
export function isScanned(scandir: string): boolean {
  return hasReader(control(scandir));
}

/** s6-svscanctl -a: look at the scandir now (new services get a supervisor). */
export function rescan(scandir: string): void {
  writeControl(control(scandir), "a");
}

/** s6-svscanctl -an: look now, and end the supervisors of services gone from the scandir. */
export function rescanAndPrune(scandir: string): void {
  writeControl(control(scandir), "an");
}

/** s6-svscanctl -b: leave, and exec .s6-svscan/finish (goetia's stage 4). */
export function leave(scandir: string): void {
  writeControl(control(scandir), "b");
}

/**
 * A detached process that makes s6-svscan leave after seconds, whatever
 * happens to whoever started it: even a way down that dies or hangs ends.
 */
export function startWatchdog(scandir: string, seconds: number): void {
  Bun.spawn(["sh", "-c", `sleep ${seconds}; exec s6-svscanctl -b ${scandir}`], {
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
  }).unref();
}

/**
 * Replaces this process (PID 1) with s6-svscan on scandir. consoleFd is
 * handed over with -X for the catch-all logger's own errors. Bun ignores
 * SIGPIPE and SIGXFSZ, and blocks signals, and both survive exec: undone first.
 */
export function execSvscan(scandir: string, consoleFd: number, env: Record<string, string>): never {
  libc.defaultSignal(libc.SIG.PIPE);
  libc.defaultSignal(libc.SIG.XFSZ);
  libc.unblockAllSignals();
  return libc.execve("/usr/bin/s6-svscan", ["s6-svscan", `-X${consoleFd}`, "--", scandir], env);
}
