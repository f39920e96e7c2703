// The system console, for what a person watching the machine must see.
import * as libc from "../sys/libc.ts";

/** Points stdout and stderr at /dev/console (without making it our controlling terminal). */
export function speakOnConsole(): void {
  const consoleFd = libc.open("/dev/console", libc.O.WRONLY | libc.O.NOCTTY);
  libc.dup2(consoleFd, 1);
  libc.dup2(consoleFd, 2);
  libc.close(consoleFd);
}
