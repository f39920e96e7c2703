// The last resort of a PID 1 that could not boot: a root shell on the
// console, started again whenever it exits, so that PID 1 never returns
// (which the kernel would answer with a panic).
import { errorText } from "../lib/errors.ts";
import { log } from "../lib/log.ts";

export function emergencyShell(reason: string): never {
  for (;;) {
    log.error(`${reason}: starting an emergency shell; fix what is wrong, then 'exec goetia reboot -f' or 'reboot -f'`);
    try {
      // cttyhack gives the shell the real console device as its controlling
      // terminal, so that Ctrl-C and job control work on a serial line.
      Bun.spawnSync(["setsid", "cttyhack", "sh", "-l"], {
        cwd: "/",
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: "/", TERM: "linux" },
        stdio: ["inherit", "inherit", "inherit"],
      });
    } catch (error) {
      log.error(`cannot start a shell: ${errorText(error)}`);
      Bun.sleepSync(5000);
    }
  }
}
