// Asking for the end: goetia poweroff|reboot|halt|shutdown. The request is
// the signal busybox init and s6-linux-init understand, sent to PID 1; the
// way down itself (stage 3) runs under PID 1, so that it outlives the caller,
// whose shell is one of the services it stops.
import { readFileSync } from "node:fs";
import { log } from "../lib/log.ts";
import { systemTree } from "../lib/tree.ts";
import * as libc from "../sys/libc.ts";
import { mark, readAction, REBOOT_COMMAND, SIGNAL_FOR, writeGrace, type Action } from "./action.ts";

export interface RequestOptions {
  /** Skip the services and the grace time: sync and reboot(2) at once. */
  force?: boolean;
  /** How long stage 4 waits for processes to end after SIGTERM. */
  graceMs?: number;
}

export function requestShutdown(action: Action, { force = false, graceMs }: RequestOptions = {}): number {
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
  const tree = systemTree();
  const underWay = readAction(tree);
  if (underWay) {
    log.error(`${action}: a ${underWay} is already under way`);
    return 1;
  }
  if (graceMs !== undefined) writeGrace(tree, graceMs);
  mark(tree, "requested");
  libc.kill(1, SIGNAL_FOR[action]);
  log.info(`${action} requested`);
  return 0;
}
