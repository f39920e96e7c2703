// The exec that makes s6-svscan PID 1, kept apart from the rest of the
// s6-svscan glue: stage 1 loads it, and nothing of node:fs.
import * as libc from "../sys/libc.ts";

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
