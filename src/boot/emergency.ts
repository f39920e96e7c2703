// The emergency shell: a root shell on the console, for a machine that could
// not boot (stage 1: started again whenever it exits, so that PID 1 never
// returns, which the kernel would answer with a panic) or whose bundle did
// not come up (stage 2: once, with s6-svscan running, so that goetia status
// and goetia change work from it).
import { errorText } from "../lib/errors.ts";
import { log } from "../lib/log.ts";
import * as libc from "../sys/libc.ts";

/** The shell on the console device itself, with whatever sh the root has (initramfs/install/usr/lib/goetia/console-shell). */
const CONSOLE_SHELL = "/usr/lib/goetia/console-shell";

/** One shell on the console; returns when it exits. */
export function runEmergencyShell(): void {
  try {
    Bun.spawnSync(libc.readable(CONSOLE_SHELL) ? ["/bin/sh", CONSOLE_SHELL] : ["sh", "-l"], {
      cwd: "/",
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/", TERM: "linux" },
      stdio: ["inherit", "inherit", "inherit"],
    });
  } catch (error) {
    log.error(`cannot start a shell: ${errorText(error)}`);
    Bun.sleepSync(5000);
  }
}

/** PID 1's last resort: the shell, for ever. */
export function emergencyShell(reason: string): never {
  for (;;) {
    log.error(`${reason}: starting an emergency shell; fix what is wrong, then 'exec goetia reboot -f' or 'reboot -f'`);
    runEmergencyShell();
  }
}
