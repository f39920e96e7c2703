// The exec that makes s6-svscan PID 1 (or a user tree's root), kept apart
// from the rest of the s6-svscan glue: stage 1 loads it, and nothing of node:fs.
import * as libc from "../sys/libc.ts";

/**
 * Replaces this process (PID 1, or a user tree's user-init) with s6-svscan
 * on scandir. consoleFd, if any, is handed over with -X for the catch-all
 * logger's own errors. Bun ignores
 * SIGPIPE and SIGXFSZ, and blocks signals, and both survive exec: undone first.
 */
export function execSvscan(scandir: string, env: Record<string, string>, consoleFd?: number): never {
  libc.defaultSignal(libc.SIG.PIPE);
  libc.defaultSignal(libc.SIG.XFSZ);
  libc.unblockAllSignals();
  return libc.execve(SVSCAN, svscanArgv(scandir, consoleFd), env);
}

export const SVSCAN = "/usr/bin/s6-svscan";

/** s6-svscan's argv on scandir (the init shim's too: scripts/init-header.ts writes it into build/init.h). */
export const svscanArgv = (scandir: string, consoleFd?: number): string[] => ["s6-svscan", ...(consoleFd === undefined ? [] : [`-X${consoleFd}`]), "--", scandir];

/**
 * Points stdout and stderr at the catch-all logger's fifo and stdin at
 * /dev/null, for s6-svscan and all it starts. The fifo is opened for reading
 * and writing: the open neither blocks nor fails before its reader comes (a
 * service s6-svscan has not started yet), and as long as s6-svscan lives the
 * fifo has a reader, so that what it writes after the logger has gone (a
 * user tree's s6-svscan, leaving last) cannot kill it with SIGPIPE.
 */
export function outputToCatchAll(fifo: string): void {
  const fd = libc.open(fifo, libc.O.RDWR | libc.O.CLOEXEC);
  libc.dup2(fd, 1);
  libc.dup2(fd, 2);
  libc.close(fd);
  const devnull = libc.open("/dev/null", libc.O.RDONLY);
  libc.dup2(devnull, 0);
  libc.close(devnull);
}
