// Colours only on a terminal, and never where NO_COLOR is set to anything
// (no-color.org): citty decides once, when it loads, from NO_COLOR being
// "1", so this is imported before it.
import { readlinkSync } from "node:fs";

/**
 * Whether descriptor fd leads to a terminal, as /proc names it. node:tty's
 * isatty would cost a command's start half as much again as all the rest,
 * and libc's the FFI, which the light commands never open.
 */
function terminal(fd: number): boolean {
  try {
    return /^\/dev\/(tty|pts\/|console$)/.test(readlinkSync(`/proc/self/fd/${fd}`));
  } catch {
    return false;
  }
}

if (process.env.NO_COLOR || !terminal(1) || !terminal(2)) process.env.NO_COLOR = "1";
