// goetia poweroff|reboot|halt: asks PID 1 for the action with the signal
// busybox init and s6-linux-init understand, and returns. The way down
// itself (stage 3) runs under PID 1, so that it outlives the caller: the
// shell it was typed in is one of the services it stops.
import { readFileSync } from "node:fs";
import { log } from "../lib/log.ts";
import * as libc from "../sys/libc.ts";
import { REBOOT_COMMAND, SIGNAL_FOR, type Action } from "./action.ts";

export function requestShutdown(action: Action, { force = false } = {}): number {
  if (libc.geteuid() !== 0) {
    log.error(`${action}: only root can do that`);
    return 1;
  }
  if (force) {
    log.info(`${action} now, without stopping services`);
    libc.sync();
    libc.reboot(REBOOT_COMMAND[action]);
  }
  const init = readFileSync("/proc/1/comm", "utf8").trim();
  if (init !== "s6-svscan") {
    log.error(`${action}: PID 1 is ${init}, not s6-svscan: this machine was not booted by goetia (-f to ${action} at once)`);
    return 1;
  }
  libc.kill(1, SIGNAL_FOR[action]);
  log.info(`${action} requested`);
  return 0;
}
