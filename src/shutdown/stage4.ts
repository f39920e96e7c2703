// Stage 4: PID 1 once more, run by s6-svscan's finish script once the
// supervision tree has gone. Ends every process, keeps the catch-all log,
// syncs, unmounts and calls reboot(2). It must never return.
import { chmodSync, chownSync, cpSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { emergencyShell } from "../boot/emergency.ts";
import { lookupGroupId } from "../lib/accounts.ts";
import { speakOnConsole } from "../lib/console.ts";
import { errorText } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import { describeTimeline } from "../lib/timeline.ts";
import { saveBootRecord } from "../boot/saved-records.ts";
import { systemTree, treePaths, type Tree } from "../lib/tree.ts";
import { readStatus } from "../s6/status.ts";
import * as libc from "../sys/libc.ts";
import { readAction, readGrace, REBOOT_COMMAND, shutdownTimeline } from "./action.ts";

/** After SIGKILL, how long to wait for the last processes to be reaped. */
const KILL_WAIT_MS = 1000;

export function stage4(): never {
  const tree = systemTree();
  const timeline = shutdownTimeline(tree);
  timeline.mark("stage4"); // PID 1 exec'd, not forked: its start time is the boot's
  // No recorded action: s6-svscan was told to leave by hand; end as safely as possible.
  const action = readAction(tree) ?? "poweroff";
  try {
    // Let go of the catch-all fifo, so its logger sees end of file once the others have gone.
    speakOnConsole();
    log.info(`stage 4: ${action}`);

    const graceMs = readGrace(tree);
    log.info(`sending all processes the TERM signal (grace: ${graceMs} ms at most)`);
    // The catch-all logger (s6-log -p) ignores TERM so as to keep the last
    // words: HUP makes it write what it holds and end.
    const catchAllLogger = catchAllLoggerPid(tree);
    libc.kill(-1, libc.SIG.TERM);
    if (catchAllLogger) libc.kill(catchAllLogger, libc.SIG.HUP);
    libc.kill(-1, libc.SIG.CONT);
    if (!reapUntilAlone(graceMs)) {
      log.info("sending all processes the KILL signal");
      libc.kill(-1, libc.SIG.KILL);
      reapUntilAlone(KILL_WAIT_MS);
    }
    timeline.mark("processes-gone");
    saveCatchAllLog(tree);
    const marks = timeline.read(); // it lives in /run, about to go
    saveBootRecord(tree, marks);
    libc.sync();
    unmountAll();
    libc.sync();
    marks.push({ what: "unmounted", ns: libc.monotonicNs() });
    log.info(`the way down: ${describeTimeline(marks)}`);
    log.info(`${action} now`);
    libc.reboot(REBOOT_COMMAND[action]);
  } catch (error) {
    log.fatal(`stage 4 failed: ${errorText(error)}`);
  }
  return emergencyShell(`could not ${action}`);
}

/**
 * Reaps children until none is left (true) or timeoutMs passes (false).
 * PID 1 inherits every orphan, so "no children" means "no other process".
 */
function reapUntilAlone(timeoutMs: number): boolean {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const pid = libc.reapAny();
    if (pid === -1) return true;
    if (pid === 0) Bun.sleepSync(2);
  }
  return false;
}

function catchAllLoggerPid(tree: Tree): number | undefined {
  try {
    return readStatus(join(treePaths(tree).scandir, "s6-svscan-log"))?.pid;
  } catch (error) {
    log.warn(`cannot find the catch-all logger (${errorText(error)}): its last lines may be lost`);
    return undefined;
  }
}

/** The catch-all log holds what the daemons say: root's, and adm's to read, as Debian's /var/log/syslog. */
function saveCatchAllLog(tree: Tree): void {
  const target = join(tree.logDir, "uncaught-logs");
  try {
    mkdirSync(target, { recursive: true, mode: 0o750 });
    chownSync(target, 0, lookupGroupId("adm") ?? 0);
    chmodSync(target, 0o2750);
    cpSync(treePaths(tree).catchAllLog, target, { recursive: true });
  } catch (error) {
    log.warn(`catch-all log not saved to ${target}: ${errorText(error)}`);
  }
}

/** Unmounts in reverse mount order; what stays busy is made read-only. */
function unmountAll(): void {
  const mounts = readFileSync("/proc/mounts", "utf8")
    .trim()
    .split("\n")
    .map((line) => line.split(" ")[1].replace(/\\040/g, " "))
    .reverse();
  for (const target of mounts) {
    if (target === "/" || target === "/proc") continue;
    try {
      libc.umount(target);
    } catch {
      // Busy: the next best thing is that nothing more gets written to it.
      try {
        libc.mount(null, target, null, libc.MS.REMOUNT | libc.MS.RDONLY, null);
      } catch {
        // Pseudo file systems (devtmpfs in use, for one) may refuse both; they hold no data.
      }
    }
  }
  try {
    libc.mount(null, "/", null, libc.MS.REMOUNT | libc.MS.RDONLY, null);
  } catch {
    // The initramfs root (rootfs) cannot be remounted read-only; it holds nothing to save.
  }
}
