// s6-svscan: started as PID 1 by stage 1's execve, or by user-init for a user tree (exec-svscan.ts); told what to do
// through .s6-svscan/control, as s6-svscanctl would.
import { join } from "node:path";
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

/** s6-svscanctl -t: end every supervisor (loggers on end of file, so no line is lost), then exit. */
export function terminate(scandir: string): void {
  writeControl(control(scandir), "t");
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
